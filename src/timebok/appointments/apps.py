from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "timebok.appointments"
    label = "appointments"
    verbose_name = _("Timer og pasienter")

    def ready(self) -> None:
        from timebok.appointments import availability_hooks

        availability_hooks.connect()
