"""Behandlere: list, add, edit, reorder, online timebok, e-mail notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from timebok.clinics.models import Practitioner
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(clinic, name="practitioners", **kw):
    return reverse(f"staff:{name}", kwargs={"clinic": clinic.slug, **kw})


def test_list_in_the_clinics_order_with_online_status(staff_client, clinic):
    response = staff_client.get(url(clinic))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert html.index("Anne Lie") < html.index("Bjørn Dahl") < html.index("Cecilie Ås")
    assert html.count('class="status status--on"') == 2 and html.count('class="status status--off"') == 1
    assert 'aria-current="page">Behandlere<' in html
    assert "<script>" not in html and "style=" not in html


def test_add_a_practitioner(staff_client, clinic, staff_user):
    response = staff_client.post(url(clinic, "practitioner_new"), {
        "name": "Dina Moe", "title": "Osteopat", "online": "on", "email": "dina@example.com",
        "notify_on_booking": "on"})
    p = Practitioner.objects.get(name="Dina Moe")
    assert response.status_code == 302 and response["Location"].endswith(f"#behandler-{p.pk}")
    assert (p.clinic, p.title, p.online, p.notify_on_booking, p.sort_order) == (clinic, "Osteopat", True, True, 4)
    assert AuditEntry.objects.get(action="practitioner.created").actor == staff_user
    assert "Dina Moe er lagt til." in staff_client.get(response["Location"]).content.decode()


def test_error_next_to_the_field_everything_kept_nothing_saved(staff_client, clinic):
    response = staff_client.post(url(clinic, "practitioner_new"), {
        "name": "Dina Moe", "title": "Osteopat", "notify_on_cancellation": "on", "email": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email-error"' in html and "Fyll inn e-post for å få varsler." in html
    assert 'value="Dina Moe"' in html and 'value="Osteopat"' in html
    assert 'name="notify_on_cancellation" id="id_notify_on_cancellation" checked' in html
    assert not Practitioner.objects.filter(name="Dina Moe").exists() and not AuditEntry.objects.exists()


def test_edit_switches_online_timebok_off(staff_client, clinic):
    anne = clinic.practitioners.get(name="Anne Lie")
    response = staff_client.post(url(clinic, "practitioner_edit", pk=anne.pk), {"name": "Anne Lie", "title": ""})
    assert response.status_code == 302
    anne.refresh_from_db()
    assert not anne.online and anne.title == ""
    assert AuditEntry.objects.get(action="practitioner.updated").data["changes"]["online"] == [True, False]


def test_reorder_with_buttons_that_work_without_javascript(staff_client, clinic):
    bjorn = clinic.practitioners.get(name="Bjørn Dahl")
    response = staff_client.post(url(clinic, "practitioner_move", pk=bjorn.pk), {"retning": "opp"})
    assert response.status_code == 302
    assert [p.name for p in clinic.practitioners.all()] == ["Bjørn Dahl", "Anne Lie", "Cecilie Ås"]
    assert staff_client.get(url(clinic, "practitioner_move", pk=bjorn.pk)).status_code == 405
    assert staff_client.post(url(clinic, "practitioner_move", pk=bjorn.pk), {"retning": "x"}).status_code == 400
    html = staff_client.get(url(clinic)).content.decode()
    first = html[html.index(f'id="behandler-{bjorn.pk}"'):]
    assert "disabled>Flytt opp" in first[:first.index("Flytt ned")]  # first in the list: cannot go up
