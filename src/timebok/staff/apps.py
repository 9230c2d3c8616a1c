from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "timebok.staff"
    label = "staff"
    verbose_name = _("Timebok for ansatte")

    def ready(self) -> None:
        from timebok.appointments.signals import appointment_booked
        from timebok.staff import stats

        appointment_booked.connect(stats.on_appointment_booked, dispatch_uid="staff-count-online-booking")
