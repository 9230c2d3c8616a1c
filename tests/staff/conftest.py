from __future__ import annotations

import pytest

from tests.conftest import at, next_weekday, valid_fnr
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import PatientDetails, book_appointment


def book(clinic, *, day=None, hour=10, minute=0, source=Appointment.Source.ONLINE, comment="Vondt i kneet",
         fnr=None, first_name="Kari", last_name="Pasient", practitioner=None, type_name="Oppfølging"):
    from datetime import date

    day = day or next_weekday(date.today(), 1)
    practitioner = practitioner or clinic.practitioners.filter(online=True).first()
    return book_appointment(
        clinic=clinic, appointment_type=clinic.appointment_types.get(name=type_name), start=at(day, hour, minute),
        practitioner=practitioner,
        patient=PatientDetails(first_name=first_name, last_name=last_name, fnr=fnr or valid_fnr(),
                               email="kari@example.com", phone="+4791234567"),
        comment=comment, source=source,
    )


@pytest.fixture
def appointment(clinic):
    return book(clinic)


@pytest.fixture
def other_appointment(other_clinic):
    return book(other_clinic, fnr=valid_fnr(3, 4, 90))
