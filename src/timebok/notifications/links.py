"""The patient's personal link: /t/<token>/. Only sha256(token) is stored on the appointment."""

from __future__ import annotations

import hmac
import re

from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import hash_token

# secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; allow some slack.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def find_appointment(token: str) -> Appointment | None:
    """The appointment the token belongs to, or None. The row is found by its indexed hash,
    and the final check is a constant-time comparison of the digests."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    digest = hash_token(token)
    appt = (
        Appointment.objects.select_related("clinic", "practitioner", "appointment_type", "patient")
        .filter(manage_token_hash=digest)
        .first()
    )
    if appt is None or not hmac.compare_digest(appt.manage_token_hash or "", digest):
        return None
    return appt
