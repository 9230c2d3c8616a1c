from __future__ import annotations

import pytest

from tests.factories import book, details, valid_fnr


@pytest.fixture
def appointment(clinic):
    return book(clinic, comment="Vondt i kneet", patient=details(last_name="Pasient", fnr=valid_fnr()))


@pytest.fixture
def other_appointment(other_clinic):
    return book(other_clinic, patient=details(fnr=valid_fnr(3, 4, 90)))
