"""Each clinic's data is its own: a user of clinic A gets 404 for every staff URL of clinic B."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from timebok.staff import urls as staff_urls

pytestmark = pytest.mark.django_db

CLINIC_PATTERNS = [p for p in staff_urls.urlpatterns if isinstance(p, URLPattern) and "clinic" in p.pattern.converters]


def _kwargs(pattern: URLPattern, slug: str, pk: int) -> dict:
    kwargs: dict = {"clinic": slug}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = pk
    return kwargs


def test_every_clinic_url_pattern_is_covered():
    names = {p.name for p in CLINIC_PATTERNS}
    assert {"clinic", "overview", "reveal_fnr", "cancel", "settings", "save_tracking", "save_rules", "qr"} <= names


@pytest.mark.parametrize("pattern", CLINIC_PATTERNS, ids=lambda p: p.name)
def test_user_of_clinic_a_gets_404_for_clinic_b(pattern, staff_client, other_clinic, other_appointment):
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, other_clinic.slug, other_appointment.pk))
    query = {"lenke": f"t{other_clinic.appointment_types.first().pk}"}
    assert staff_client.get(url, query).status_code == 404, url
    assert staff_client.post(url, {"tracking_search_url": "https://evil.example/"}).status_code == 404, url
    other_clinic.refresh_from_db()
    other_appointment.refresh_from_db()
    assert other_clinic.tracking_search_url == ""
    assert other_appointment.is_booked


@pytest.mark.parametrize("pattern", [p for p in CLINIC_PATTERNS if "pk" in p.pattern.converters],
                         ids=lambda p: p.name)
def test_own_clinic_slug_with_other_clinics_appointment_is_404(pattern, staff_client, clinic, other_appointment):
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, clinic.slug, other_appointment.pk))
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url).status_code == 404
    other_appointment.refresh_from_db()
    assert other_appointment.is_booked


@pytest.mark.parametrize("pattern", CLINIC_PATTERNS, ids=lambda p: p.name)
def test_anonymous_is_sent_to_login(pattern, anon_client, clinic, appointment):
    url = reverse(f"staff:{pattern.name}", kwargs=_kwargs(pattern, clinic.slug, appointment.pk))
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_unknown_clinic_is_404(staff_client):
    assert staff_client.get("/timebok/finnes-ikke/innstillinger/").status_code == 404


def test_user_of_both_clinics_sees_both(staff_client, staff_user, clinic, other_clinic):
    other_clinic.staff.add(staff_user)
    assert staff_client.get(reverse("staff:settings", kwargs={"clinic": other_clinic.slug})).status_code == 200
    assert staff_client.get(reverse("staff:settings", kwargs={"clinic": clinic.slug})).status_code == 200
