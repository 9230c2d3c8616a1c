from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "timebok.core"
    label = "core"
    verbose_name = _("Kjerne")

    def ready(self) -> None:
        from timebok.core import language  # noqa: F401 - registers the catalogue check
