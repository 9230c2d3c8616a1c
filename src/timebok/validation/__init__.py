"""Pure-Python validators for Timebok (no Django imports).

Messages on the exceptions are bokmål source strings marked with ``N_``;
translate them with ``gettext`` in the Django layer.
"""

from __future__ import annotations

from timebok.validation.contact import (
    ContactError,
    format_phone,
    is_mobile,
    normalize_email,
    normalize_phone,
)
from timebok.validation.fnr import (
    FnrError,
    fnr_kind,
    mask_fnr,
    normalize_fnr,
    validate_fnr,
)

__all__ = [
    "ContactError",
    "FnrError",
    "fnr_kind",
    "format_phone",
    "is_mobile",
    "mask_fnr",
    "normalize_email",
    "normalize_fnr",
    "normalize_phone",
    "validate_fnr",
]
