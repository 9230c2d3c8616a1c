"""Events of appointments.

appointment_created(sender=Appointment, appointment=..., manage_token=str | None)
    Sent INSIDE the booking's transaction, right after the appointment row is written: for
    rows that must commit (or roll back) with it, such as the outbox. Receivers must not
    fail the booking: they catch their own errors.

The others are sent only after the transaction that caused them has committed:

appointment_booked(sender=Appointment, appointment=..., manage_token=str | None)
appointment_cancelled(sender=Appointment, appointment=..., by_patient=bool, reason=str)
    (``reason``: the clinic's reason, or "")
appointment_moved(sender=Appointment, appointment=..., previous_start=datetime, by_patient=bool)
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_cancelled = Signal()
appointment_created = Signal()
appointment_moved = Signal()
