"""Log in (in bokmål), choose a clinic, log out."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_in_bokmaal(anon_client):
    html = anon_client.get(reverse("staff:login")).content.decode()
    assert 'lang="nb"' in html
    assert "Logg inn i Timebok" in html
    assert ">Brukernavn<" in html and ">Passord<" in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def test_wrong_password_gives_a_norwegian_message(anon_client, staff_user):
    response = anon_client.post(reverse("staff:login"), {"username": "resepsjon", "password": "feil"})
    assert response.status_code == 200
    assert "Vennligst oppgi korrekt brukernavn og passord" in response.content.decode()


def test_login_with_one_clinic_goes_to_its_day_view(anon_client, staff_user, clinic):
    response = anon_client.post(reverse("staff:login"), {"username": "resepsjon", "password": "pw-resepsjon-1"},
                                follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:clinic", kwargs={"clinic": clinic.slug})


def test_user_with_several_clinics_chooses(staff_client, staff_user, clinic, other_clinic):
    other_clinic.staff.add(staff_user)
    html = staff_client.get(reverse("staff:home")).content.decode()
    assert "Velg klinikk" in html
    assert reverse("staff:clinic", kwargs={"clinic": clinic.slug}) in html
    assert reverse("staff:clinic", kwargs={"clinic": other_clinic.slug}) in html


def test_user_without_clinic_is_told(django_user_model, client, clinic):
    user = django_user_model.objects.create_user("ny", password="pw-ny-12345")
    client.force_login(user)
    html = client.get(reverse("staff:home")).content.decode()
    assert "ikke knyttet til noen klinikk" in html
    assert clinic.name not in html


def test_logout(staff_client):
    response = staff_client.post(reverse("staff:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("staff:login")
    assert staff_client.get(reverse("staff:home")).status_code == 302


def test_submenu_links(staff_client, staff_user, clinic):
    """The set-up pages sit in the sub-menu next to Timebok and Innstillinger; no link leads
    into the Django admin (superusers only)."""
    html = staff_client.get(reverse("staff:settings", kwargs={"clinic": clinic.slug})).content.decode()
    for label, name in [
        ("Timebok", "staff:clinic"),
        ("Behandlere", "staff:practitioners"),
        ("Timetyper", "staff:appointment_types"),
        ("Ukemaler", "staff:week_templates"),
        ("Stengt", "staff:closures"),
        ("Innstillinger", "staff:settings"),
    ]:
        url = reverse(name, kwargs={"clinic": clinic.slug})
        assert f'href="{url}"' in html and f">{label}</a>" in html, label
    assert "/admin/" not in html
    assert 'aria-current="page">Innstillinger<' in html
