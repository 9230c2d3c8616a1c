"""The admin (superusers only) is in bokmål and refuses bad configurations."""

from __future__ import annotations

import pytest

from timebok.clinics.models import Closure, TemplateBlock, WeekTemplate

pytestmark = pytest.mark.django_db


def _template_post(template: WeekTemplate, blocks: list[tuple[int, str, str, list[int]]]) -> dict:
    data = {
        "practitioner": template.practitioner_id, "name": template.name,
        "blocks-TOTAL_FORMS": len(blocks), "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0, "blocks-MAX_NUM_FORMS": 1000,
        "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0,
        "periods-MIN_NUM_FORMS": 0, "periods-MAX_NUM_FORMS": 1000,
    }
    for i, (wd, start, end, types) in enumerate(blocks):
        data.update({f"blocks-{i}-weekday": wd, f"blocks-{i}-start_time": start,
                     f"blocks-{i}-end_time": end, f"blocks-{i}-appointment_types": types})
    return data


@pytest.fixture
def empty_template(clinic):
    return WeekTemplate.objects.create(practitioner=clinic.practitioners.first(), name="Ny mal")


def _url(t):
    return f"/admin/clinics/weektemplate/{t.pk}/change/"


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("drift", password="pw-drift-1")
    client.force_login(user)
    return client


def test_admin_is_in_bokmaal(superuser_client):
    html = superuser_client.get("/admin/").content.decode()
    assert "Administrasjon" in html and "Logg ut" in html
    assert 'href="/timebok/"' in html  # "Vis nettsted" goes back to the module


def test_superuser_sees_every_clinic(superuser_client, clinic, other_clinic):
    html = superuser_client.get("/admin/clinics/practitioner/").content.decode()
    assert "Fysio Sentrum" in html and "Annen Klinikk" in html


def test_closure_and_period_are_written_the_norwegian_way():
    from datetime import date

    from timebok.clinics.models import TemplatePeriod

    closure = Closure(start_date=date(2026, 12, 2), end_date=date(2026, 12, 2), reason="Planleggingsdag")
    assert str(closure) == "onsdag 2. desember 2026 Planleggingsdag"
    period = TemplatePeriod(start_date=date(2026, 11, 2), parity="odd")
    assert str(period) == "fra mandag 2. november 2026 (oddetallsuker)"


def test_block_that_ends_before_it_starts(staff_client, empty_template, clinic, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    t30 = clinic.appointment_types.get(name="Oppfølging")
    resp = staff_client.post(_url(empty_template), _template_post(empty_template, [(0, "10:00", "09:00", [t30.pk])]))
    assert resp.status_code == 200
    assert "Blokken må slutte etter at den starter." in resp.content.decode()
    assert not TemplateBlock.objects.filter(template=empty_template).exists()


def test_overlapping_blocks(staff_client, empty_template, clinic, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    t30 = clinic.appointment_types.get(name="Oppfølging")
    resp = staff_client.post(_url(empty_template), _template_post(
        empty_template, [(0, "08:00", "10:00", [t30.pk]), (0, "09:30", "11:00", [t30.pk])]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "overlapper" in html
    assert not TemplateBlock.objects.filter(template=empty_template).exists()


def test_type_longer_than_every_block(staff_client, clinic, staff_user, django_user_model):
    staff_user.is_superuser = True
    staff_user.save()
    p = clinic.practitioners.first()
    t = clinic.appointment_types.create(name="Lang time", duration_minutes=120)
    tmpl = WeekTemplate.objects.create(practitioner=p, name="Kort")
    resp = staff_client.post(_url(tmpl), _template_post(tmpl, [(2, "08:00", "09:00", [t.pk])]))
    assert resp.status_code == 200
    assert "Lang time" in resp.content.decode() and "ingen blokk" in resp.content.decode()
    assert not TemplateBlock.objects.filter(template=tmpl).exists()


def test_closure_that_ends_before_it_starts(staff_client, clinic, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    resp = staff_client.post("/admin/clinics/closure/add/", {
        "clinic": clinic.pk, "start_date": "2027-01-10", "end_date": "2027-01-05", "reason": "Ferie",
    })
    assert resp.status_code == 200
    assert "Til-datoen kan ikke være før fra-datoen." in resp.content.decode()
    assert not Closure.objects.exists()


def test_type_duration_longer_than_every_block_on_type_edit(staff_client, clinic, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    t = clinic.appointment_types.get(name="Oppfølging")  # allowed in 3.5 h and 4 h blocks
    resp = staff_client.post(f"/admin/clinics/appointmenttype/{t.pk}/change/", {
        "clinic": clinic.pk, "name": t.name, "duration_minutes": 300, "price": 650, "online": "on",
        "sort_order": 0,
    })
    assert resp.status_code == 200
    assert "Varigheten er lengre enn alle blokkene" in resp.content.decode()
    t.refresh_from_db()
    assert t.duration_minutes == 30


def test_tracking_links_edited_in_the_admin_are_stored_in_ascii_form(clinic):
    """The admin's form calls full_clean(), so the model normalises like the settings page."""
    from django.core.exceptions import ValidationError

    clinic.tracking_search_url = "https://bücher.example/t.gif"
    clinic.full_clean()
    assert clinic.tracking_search_url == "https://xn--bcher-kva.example/t.gif"
    clinic.tracking_booked_url = "https://track.example:99999/b"
    with pytest.raises(ValidationError) as err:
        clinic.full_clean()
    assert err.value.message_dict["tracking_booked_url"] == ["Porten i sporingslenken må være et tall fra 1 til 65535."]
