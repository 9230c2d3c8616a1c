from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "timebok.staff"
    label = "staff"
    verbose_name = _("Timebok for ansatte")
