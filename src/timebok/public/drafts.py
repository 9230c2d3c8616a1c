"""The patient's booking draft between "Neste" and "Godkjenn og gjennomfør".

The booking page must work inside an iframe on the clinic's own website, where browsers
often block (third-party) cookies. So the flow keeps no server session: the draft travels
in one hidden POST field, encrypted and authenticated with a key derived from SECRET_KEY
(Fernet; it expires after DRAFT_TTL). The fødselsnummer therefore never appears in a URL,
is unreadable in the page source and is kept nowhere on the server until it is booked.

The draft carries an idempotency key made when the summary is shown, so a double click, a
refresh or back-and-resubmit of "Godkjenn og gjennomfør" books exactly once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing

from timebok.appointments.patient_fields import FIELD_NAMES

DRAFT_TTL_SECONDS = 2 * 60 * 60
RECEIPT_MAX_AGE_SECONDS = 90 * 24 * 60 * 60
_RECEIPT_SALT = "timebok.public.receipt"


def _fernet() -> Fernet:
    material = hashlib.sha256(b"timebok.public.draft\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


@dataclass
class Draft:
    """The flow's state between the steps: the choice, the time and the patient's fields
    (keyed by their public names, timebok.appointments.patient_fields)."""

    clinic: str  # slug
    timetype: int
    behandler: int | None  # the patient's choice; None = "Første ledige behandler"
    practitioner: int  # who has the time
    start: str  # ISO 8601 with offset
    patient: dict[str, str] = field(default_factory=dict)
    ukemal: int | None = None
    key: str = ""
    language: str = ""  # the page's language when the draft was made ("nb"/"en")

    @property
    def start_dt(self) -> datetime:
        return datetime.fromisoformat(self.start)

    def fields(self) -> dict[str, str]:
        return {name: self.patient.get(name, "") for name in FIELD_NAMES}


def new_key() -> str:
    return "web:" + secrets.token_hex(24)


def dumps(draft: Draft) -> str:
    return _fernet().encrypt(json.dumps(asdict(draft)).encode()).decode()


def loads(token: Any, clinic_slug: str) -> Draft | None:
    """The draft, or None when missing, tampered with, expired or for another clinic."""
    if not isinstance(token, str) or not token or len(token) > 20_000:
        return None
    try:
        raw = _fernet().decrypt(token.encode(), ttl=DRAFT_TTL_SECONDS)
        draft = Draft(**json.loads(raw))
        draft.start_dt  # noqa: B018 - must parse
    except (InvalidToken, ValueError, TypeError):
        return None
    if not isinstance(draft.patient, dict) or not set(draft.patient) <= set(FIELD_NAMES):
        return None
    return draft if draft.clinic == clinic_slug else None


def receipt_token(reference: str) -> str:
    return signing.dumps(reference, salt=_RECEIPT_SALT, compress=False)


def receipt_reference(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=_RECEIPT_SALT, max_age=RECEIPT_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None
