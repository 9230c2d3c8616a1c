from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "timebok.insights"
    label = "insights"
    verbose_name = _("Innsikt")

    def ready(self) -> None:
        from timebok.appointments.signals import appointment_booked
        from timebok.insights import counts

        appointment_booked.connect(counts.on_appointment_booked, dispatch_uid="insights-count-online-booking")
