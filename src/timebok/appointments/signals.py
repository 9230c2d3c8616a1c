"""Events, sent only after the transaction that caused them has committed.

appointment_booked(sender=Appointment, appointment=..., manage_token=str | None)
appointment_cancelled(sender=Appointment, appointment=..., by_patient=bool, reason=str)
    (``reason``: the clinic's reason, or "")
appointment_moved(sender=Appointment, appointment=..., previous_start=datetime, by_patient=bool)
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_cancelled = Signal()
appointment_moved = Signal()
