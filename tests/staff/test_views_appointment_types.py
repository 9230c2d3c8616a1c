"""Timetyper: list with what is missing, add (offline by default), edit, the templates that
allow the type, online switch refused with a message while nobody could book it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from timebok.clinics.models import AppointmentType, TemplateBlock, WeekTemplate

pytestmark = pytest.mark.django_db


def url(clinic, name="appointment_types", **kw):
    return reverse(f"staff:{name}", kwargs={"clinic": clinic.slug, **kw})


def anne_template(clinic):
    return clinic.practitioners.get(name="Anne Lie").week_templates.get()


def test_list_says_what_is_missing(staff_client, clinic):
    AppointmentType.objects.create(clinic=clinic, name="Akupunktur", duration_minutes=30)
    html = staff_client.get(url(clinic)).content.decode()
    assert "Akupunktur" in html and "Ingen ukemal tillater timetypen." in html
    assert "Før den kan slås på:" in html


def test_new_type_form_starts_offline_and_lists_templates(staff_client, clinic):
    html = staff_client.get(url(clinic, "appointment_type_new")).content.decode()
    online = re.search(r'<input type="checkbox" name="online"[^>]*>', html).group(0)
    assert "checked" not in online
    assert "Uke Anne Lie (Anne Lie)" in html and "(behandleren har ikke online timebok)" in html
    assert "Tomt betyr klinikkens innstilling (2 timer)." in html


def test_new_online_type_allowed_in_a_template(staff_client, clinic, staff_user):
    tmpl = anne_template(clinic)
    response = staff_client.post(url(clinic, "appointment_type_new"), {
        "name": "Akupunktur", "duration_minutes": "30", "price": "600", "templates": [tmpl.pk], "online": "on"})
    assert response.status_code == 302
    atype = AppointmentType.objects.get(name="Akupunktur")
    assert atype.online and atype.price == 600
    assert TemplateBlock.objects.filter(template=tmpl, appointment_types=atype).count() == 10


def test_online_refused_next_to_the_field_with_what_is_missing(staff_client, clinic):
    response = staff_client.post(url(clinic, "appointment_type_new"), {
        "name": "Akupunktur", "duration_minutes": "30", "price": "600", "info_text": "Ta med klær.",
        "online": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    error = html[html.index('id="id_online-error"'):]
    assert "kan ikke slås på for online bestilling ennå" in error[:600]
    assert "Ingen ukemal tillater timetypen." in error[:600]
    assert 'value="Akupunktur"' in html and "Ta med klær." in html and 'value="600"' in html
    assert not AppointmentType.objects.filter(name="Akupunktur").exists()


def test_bad_duration_is_shown_next_to_the_field(staff_client, clinic):
    response = staff_client.post(url(clinic, "appointment_type_new"), {"name": "Kort", "duration_minutes": "2"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_duration_minutes-error"' in html
    assert not AppointmentType.objects.filter(name="Kort").exists()


def test_edit_templates_whole_or_left_as_is(staff_client, clinic):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    anne, bjorn, cecilie = (p.week_templates.get() for p in clinic.practitioners.all())
    # Bjørn's template allows it in one block only: "some", left alone when unchecked.
    through = TemplateBlock.appointment_types.through
    through.objects.filter(appointmenttype=t30, templateblock__template=bjorn).exclude(
        templateblock=bjorn.blocks.first()).delete()
    html = staff_client.get(url(clinic, "appointment_type_edit", pk=t30.pk)).content.decode()
    assert "nå tillatt i noen av periodene" in html
    response = staff_client.post(url(clinic, "appointment_type_edit", pk=t30.pk), {
        "name": "Oppfølging", "duration_minutes": "30", "price": "650", "online": "on", "templates": [cecilie.pk]})
    assert response.status_code == 302
    assert not TemplateBlock.objects.filter(template=anne, appointment_types=t30).exists()  # unchecked: removed
    assert TemplateBlock.objects.filter(template=bjorn, appointment_types=t30).count() == 1  # untouched
    assert TemplateBlock.objects.filter(template=cecilie, appointment_types=t30).count() == 10


def test_edit_warns_when_an_online_type_cannot_be_booked(staff_client, clinic):
    t45 = clinic.appointment_types.get(name="Førstegangstime")
    through = TemplateBlock.appointment_types.through
    through.objects.filter(appointmenttype=t45).delete()
    html = staff_client.get(url(clinic, "appointment_type_edit", pk=t45.pk)).content.decode()
    assert "Pasientene kan ikke bestille timetypen nå:" in html
    html = staff_client.get(url(clinic)).content.decode()
    assert "Pasientene kan ikke bestille timetypen nå:" in html


def test_reorder(staff_client, clinic):
    last = list(clinic.appointment_types.all())[-1]
    staff_client.post(url(clinic, "appointment_type_move", pk=last.pk), {"retning": "opp"})
    assert list(clinic.appointment_types.all())[1] == last


def test_template_without_blocks_is_not_a_choice(staff_client, clinic):
    empty = WeekTemplate.objects.create(practitioner=clinic.practitioners.first(), name="Tom mal")
    html = staff_client.get(url(clinic, "appointment_type_new")).content.decode()
    assert "Tom mal" not in html
    response = staff_client.post(url(clinic, "appointment_type_new"), {
        "name": "X", "duration_minutes": "30", "templates": [empty.pk]})
    assert response.status_code == 200 and "Velg ukemaler fra listen." in response.content.decode()
