from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "timebok.notifications"
    label = "notifications"
    verbose_name = _("Meldinger")

    def ready(self) -> None:
        from timebok.appointments import signals
        from timebok.notifications import receivers

        signals.appointment_created.connect(receivers.appointment_created, dispatch_uid="notifications.created")
        signals.appointment_cancelled.connect(
            receivers.appointment_cancelled, dispatch_uid="notifications.cancelled",
        )
        signals.appointment_moved.connect(receivers.appointment_moved, dispatch_uid="notifications.moved")
