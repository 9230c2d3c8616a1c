from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache

from tests.conftest import at, next_weekday, valid_fnr


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def monday() -> date:
    return next_weekday(date.today() + timedelta(days=1), 0)


def types(clinic):
    return {t.name: t for t in clinic.appointment_types.all()}


def practs(clinic):
    return {p.name: p for p in clinic.practitioners.all()}


FNR = valid_fnr(15, 5, 85)


def form_data(clinic, hour: int = 9, minute: int = 0, *, type_name: str = "Oppfølging",
              practitioner: str | None = "Anne Lie", **overrides) -> dict[str, str]:
    t = types(clinic)[type_name]
    p = practs(clinic)[practitioner] if practitioner else None
    data = {
        "handling": "neste",
        "timetype": str(t.pk),
        "behandler": str(p.pk) if p else "",
        "dato": monday().isoformat(),
        "tid": at(monday(), hour, minute).isoformat(),
        "fornavn": "Kari",
        "etternavn": "Nordmann",
        "kommentar": "Vondt i kneet",
        "fodselsnummer": FNR,
        "epost": "kari@example.com",
        "telefon": "412 34 567",
        "nettsted": "",
    }
    data.update(overrides)
    return data
