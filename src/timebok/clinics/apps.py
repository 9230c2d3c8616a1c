from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicsConfig(AppConfig):
    name = "timebok.clinics"
    label = "clinics"
    verbose_name = _("Klinikker og oppsett")
