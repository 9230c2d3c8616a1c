"""The booking form as a patient fills it in (for the page's view tests)."""

from __future__ import annotations

from tests.factories import FNR, at, monday, practs, types


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
