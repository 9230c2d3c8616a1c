"""Switch messages off for a block of code, e.g. while the demo clinic is filled with
appointments: no confirmations for made-up patients."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("timebok_notifications_muted", default=False)


def is_muted() -> bool:
    return _muted.get()


@contextmanager
def muted() -> Iterator[None]:
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)
