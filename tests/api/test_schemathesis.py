"""The public API against its own OpenAPI schema (schemathesis): a bounded, deterministic run.

Every operation is tried with the schema's examples (real ids of a real clinic, so valid
bookings are among them), schemathesis' coverage cases (boundaries, missing and wrong
values) and generated data. Each answer must be documented (status code and content type),
match its response schema, never be a 5xx, and invalid data must be refused with a 4xx.
"""

from __future__ import annotations

import copy
import json
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from tests.factories import at, monday, practs, types, valid_fnr
from timebok.api.api import api
from timebok.appointments.services.catalog import MAX_ID

#: Per operation and mode: five operations, valid and invalid data, a few thousand requests.
POSITIVE_EXAMPLES = 200
NEGATIVE_EXAMPLES = 200

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


def with_examples(raw: dict, clinic) -> dict:
    """The schema with examples of this clinic: its slug, a type, a practitioner, a free time."""
    schema = copy.deepcopy(raw)
    t = types(clinic)["Oppfølging"].pk
    anne = practs(clinic)["Anne Lie"].pk
    values = {"slug": clinic.slug, "timetype": t, "behandler": anne, "from": monday().isoformat(),
              "to": monday().isoformat(), "date": monday().isoformat()}
    for operations in schema["paths"].values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param["name"] in values:
                    param["example"] = values[param["name"]]
                if param["name"] == "slug":  # valid data is this clinic (others are a plain 404)
                    param["schema"]["enum"] = [clinic.slug]
    body = schema["components"]["schemas"]["BookingIn"]
    body["examples"] = [
        {"timetype": t, "behandler": anne if n % 2 else None, "start": at(monday(), 8 + n).isoformat(),
         "fornavn": "Kari", "etternavn": "Nordmann", "fodselsnummer": valid_fnr(10 + n, 5, 85),
         "epost": f"kari{n}@example.com", "telefon": "+47 412 34 567", "kommentar": "Vondt i kneet"}
        for n in range(3)
    ]
    # Ids far beyond the database are refused before any query; keep generated ones near the
    # real ones, so that some of them hit a real type or practitioner.
    for operations in schema["paths"].values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param["name"] in ("timetype", "behandler") and param["schema"].get("maximum") == MAX_ID:
                    param["schema"]["maximum"] = max(t, anne) + 2
    return schema


def run_operation(operation, strategy, examples: int, answers: Counter) -> None:
    @given(case=strategy)
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):  # type: ignore[no-untyped-def]
        response = case.call_and_validate(checks=CHECKS)
        answers[(operation.method.upper(), operation.path.rsplit("/", 1)[-1], response.status_code)] += 1

    check()


@pytest.fixture
def wsgi_in_test_transaction():  # type: ignore[no-untyped-def]
    """Requests through the WSGI app inside the test's transaction: as Django's test client
    does, keep the handler from closing the database connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_answers_as_its_schema_says(clinic, settings, wsgi_in_test_transaction):
    settings.BOOKING_RATE_LIMIT = 10**6
    raw = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    loaded = schemathesis.openapi.from_dict(with_examples(raw, clinic))
    loaded.app = wsgi_in_test_transaction
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 5
    answers: Counter = Counter()
    for operation in operations:
        for example in operation.get_strategies_from_examples():
            run_operation(operation, example, 1, answers)
        run_operation(operation, operation.as_strategy(GenerationMode.POSITIVE), POSITIVE_EXAMPLES, answers)
        run_operation(operation, operation.as_strategy(GenerationMode.NEGATIVE), NEGATIVE_EXAMPLES, answers)
    # The run was not vacuous: thousands of requests, and valid data among them, bookings too.
    assert sum(answers.values()) >= 2000
    for path in ("appointment-types", "practitioners", "availability", "slots"):
        assert answers[("GET", path, 200)] > 0, (path, answers)
    assert answers[("POST", "bookings", 201)] >= 3, answers
