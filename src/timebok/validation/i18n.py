"""Translation marker for user-facing messages in the pure-Python layer.

``N_`` marks a string for extraction (``xgettext --keyword=N_``) without
translating it.  The Django layer translates the constant at display time,
e.g. ``gettext(err.message)``.  This module must not import Django.
"""

from __future__ import annotations

__all__ = ["N_"]


def N_(s: str) -> str:
    """Return *s* unchanged; marks it for translation."""
    return s
