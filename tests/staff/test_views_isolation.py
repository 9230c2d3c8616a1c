"""Each clinic's data is its own: a user of clinic A gets 404 for every staff URL of clinic B,
and for any id of clinic B's rows under clinic A's own slug."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, reverse

from timebok.clinics.models import Closure
from timebok.core.models import AuditEntry
from timebok.staff import urls as staff_urls

pytestmark = pytest.mark.django_db

CLINIC_PATTERNS = [p for p in staff_urls.urlpatterns if isinstance(p, URLPattern) and "clinic" in p.pattern.converters]
PK_PATTERNS = [p for p in CLINIC_PATTERNS if "pk" in p.pattern.converters]

# What the <pk> of each URL names: an appointment, a practitioner, a type, a template or a closure.
OBJECT_OF = {
    "reveal_fnr": "appointment", "cancel": "appointment", "accept_details": "appointment", "move": "appointment",
    "practitioner_edit": "practitioner", "practitioner_move": "practitioner",
    "appointment_type_edit": "type", "appointment_type_move": "type",
    "week_template": "template", "week_template_delete": "template",
    "closure_delete": "closure", "closure_cancel_booked": "closure", "unblock": "closure",
}

# A POST that would change something if it reached a view of the wrong clinic.
HOSTILE = {
    "tracking_search_url": "https://evil.example/", "name": "Kapret", "title": "", "duration_minutes": 30,
    "retning": "opp", "handling": "avbestill", "start_date": "2030-01-07", "reason": "Kapret",
    "practitioner": "", "close_public_holidays": "", "rader-0": 1, "d0-0-fra": "8", "d0-0-til": "9",
    "plan-rader": 1, "a0-fra": "2030-01-07", "a0-uker": "all",
}


@pytest.fixture
def other_objects(other_clinic, other_appointment):
    day = other_appointment.start.astimezone(other_clinic.tz).date()
    closure = Closure.objects.create(clinic=other_clinic, start_date=day, end_date=day, reason="Fagdag")
    practitioner = other_appointment.practitioner
    return {
        "appointment": other_appointment,
        "practitioner": practitioner,
        "type": other_appointment.appointment_type,
        "template": practitioner.week_templates.first(),
        "closure": closure,
    }


def _kwargs(pattern: URLPattern, slug: str, objects: dict) -> dict:
    kwargs: dict = {"clinic": slug}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = objects[OBJECT_OF[pattern.name]].pk
    return kwargs


def _snapshot(clinic, objects):
    return (
        clinic.tracking_search_url, clinic.close_public_holidays,
        [(p.name, p.sort_order) for p in clinic.practitioners.order_by("pk")],
        [(t.name, t.sort_order, t.online) for t in clinic.appointment_types.order_by("pk")],
        [(w.name, w.blocks.count(), w.periods.count()) for w in
         objects["practitioner"].week_templates.order_by("pk")],
        list(clinic.closures.values_list("pk", "reason")),
        list(clinic.appointments.values_list("pk", "status")),
    )


def test_every_clinic_url_pattern_is_covered():
    names = {p.name for p in CLINIC_PATTERNS}
    assert {"clinic", "overview", "reveal_fnr", "cancel", "settings", "save_tracking", "save_rules", "qr",
            "practitioners", "practitioner_new", "practitioner_edit", "practitioner_move",
            "appointment_types", "appointment_type_new", "appointment_type_edit", "appointment_type_move",
            "week_templates", "week_template", "week_template_delete",
            "closures", "closure_create", "closure_year_end", "save_holidays", "closure_delete",
            "closure_cancel_booked"} <= names
    assert {p.name for p in PK_PATTERNS} == set(OBJECT_OF), "add the new URL's object to OBJECT_OF"


@pytest.mark.parametrize("pattern", CLINIC_PATTERNS, ids=lambda p: p.name)
def test_user_of_clinic_a_gets_404_for_clinic_b(pattern, staff_client, other_clinic, other_objects):
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, other_clinic.slug, other_objects))
    before = _snapshot(other_clinic, other_objects)
    query = {"lenke": f"t{other_clinic.appointment_types.first().pk}"}
    assert staff_client.get(url, query).status_code == 404, url
    assert staff_client.post(url, HOSTILE).status_code == 404, url
    other_clinic.refresh_from_db()
    assert _snapshot(other_clinic, other_objects) == before
    assert not AuditEntry.objects.filter(clinic=other_clinic).exclude(action="appointment.booked").exists()


@pytest.mark.parametrize("pattern", PK_PATTERNS, ids=lambda p: p.name)
def test_own_clinic_slug_with_other_clinics_ids_is_404(pattern, staff_client, clinic, other_clinic, other_objects):
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, clinic.slug, other_objects))
    before = _snapshot(other_clinic, other_objects)
    assert staff_client.get(url).status_code in (404, 405)
    assert staff_client.post(url, HOSTILE).status_code == 404
    other_clinic.refresh_from_db()
    assert _snapshot(other_clinic, other_objects) == before


@pytest.mark.parametrize("pattern", CLINIC_PATTERNS, ids=lambda p: p.name)
def test_anonymous_is_sent_to_login(pattern, anon_client, clinic, appointment):
    day = appointment.start.astimezone(clinic.tz).date()
    objects = {
        "appointment": appointment, "practitioner": appointment.practitioner, "type": appointment.appointment_type,
        "template": appointment.practitioner.week_templates.first(),
        "closure": Closure.objects.create(clinic=clinic, start_date=day, end_date=day),
    }
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, clinic.slug, objects))
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_a_closure_cannot_name_another_clinics_practitioner(staff_client, clinic, other_clinic):
    foreign = other_clinic.practitioners.first()
    day = date.today() + timedelta(days=30)
    response = staff_client.post(reverse("staff:closure_create", kwargs={"clinic": clinic.slug}), {
        "practitioner": foreign.pk, "start_date": day.isoformat(), "reason": "Snik"})
    assert response.status_code == 200
    assert "Velg en behandler fra listen." in response.content.decode()
    assert not Closure.objects.exists()


def test_a_type_cannot_be_allowed_in_another_clinics_template(staff_client, clinic, other_clinic):
    foreign = other_clinic.practitioners.first().week_templates.first()
    response = staff_client.post(reverse("staff:appointment_type_new", kwargs={"clinic": clinic.slug}), {
        "name": "Snik", "duration_minutes": 30, "templates": [foreign.pk]})
    assert response.status_code == 200
    assert "Velg ukemaler fra listen." in response.content.decode()
    assert not clinic.appointment_types.filter(name="Snik").exists()


def test_a_week_template_cannot_be_made_for_another_clinics_practitioner(staff_client, clinic, other_clinic):
    foreign = other_clinic.practitioners.first()
    count = foreign.week_templates.count()
    response = staff_client.post(reverse("staff:week_templates", kwargs={"clinic": clinic.slug}), {
        "practitioner": foreign.pk, "name": "Snik", "start_date": date.today().isoformat(), "parity": "all"})
    assert response.status_code == 200
    assert "Velg en behandler fra listen." in response.content.decode()
    assert foreign.week_templates.count() == count


def test_a_week_template_cannot_allow_another_clinics_type(staff_client, clinic, other_clinic):
    template = clinic.practitioners.first().week_templates.first()
    foreign = other_clinic.appointment_types.first()
    response = staff_client.post(reverse("staff:week_template", kwargs={"clinic": clinic.slug, "pk": template.pk}), {
        "name": "Uke", "types": [foreign.pk], "rader-0": 1, "d0-0-fra": "8", "d0-0-til": "9", "plan-rader": 0})
    assert response.status_code == 200
    assert "Velg timetyper fra listen." in response.content.decode()
    assert template.blocks.count() == 10


def test_unknown_clinic_is_404(staff_client):
    assert staff_client.get("/timebok/finnes-ikke/innstillinger/").status_code == 404


def test_user_of_both_clinics_sees_both(staff_client, staff_user, clinic, other_clinic):
    other_clinic.staff.add(staff_user)
    assert staff_client.get(reverse("staff:settings", kwargs={"clinic": other_clinic.slug})).status_code == 200
    assert staff_client.get(reverse("staff:settings", kwargs={"clinic": clinic.slug})).status_code == 200

