"""What the staff module plugs into the booking page: counts, consent banner, CSP hosts."""

from __future__ import annotations

import pytest

from tests.factories import book
from timebok.insights.models import DailyCount

pytestmark = pytest.mark.django_db

OWN = "http://testserver/b/fysio/"


def counts(clinic):
    row = DailyCount.objects.filter(clinic=clinic).first()
    return (row.visits, row.searches, row.bookings) if row else (0, 0, 0)


def test_visits_and_searches_are_counted(anon_client, clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    anon_client.get("/b/fysio/")  # typed address: a visit
    anon_client.get("/b/fysio/", {"timetype": t.pk}, HTTP_REFERER="https://fysio.example/")  # link: a visit
    anon_client.get("/b/fysio/", {"timetype": t.pk}, HTTP_REFERER=OWN)  # chosen on the page: a search
    anon_client.get("/b/fysio/", HTTP_REFERER=OWN)  # in-page navigation without a choice: neither
    assert counts(clinic) == (2, 1, 0)


def test_a_day_looked_up_through_the_api_is_a_search(anon_client, clinic):
    from datetime import date

    from tests.factories import next_weekday

    t = clinic.appointment_types.get(name="Oppfølging")
    day = next_weekday(date.today(), 2)
    response = anon_client.get(f"/api/v1/clinics/fysio/slots?timetype={t.pk}&date={day.isoformat()}")
    assert response.status_code == 200
    assert counts(clinic) == (0, 1, 0)


def test_online_booking_is_counted(clinic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(clinic)
    assert counts(clinic) == (0, 0, 1)


def test_no_banner_and_no_extra_hosts_without_tracking_links(anon_client, clinic):
    response = anon_client.get("/b/fysio/")
    html = response.content.decode()
    assert 'id="tb-tracking"' not in html and "Godta" not in html
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]


def test_banner_and_csp_hosts_with_tracking_links(anon_client, clinic):
    clinic.tracking_search_url = "https://www.googletagmanager.com/s?id=1"
    clinic.tracking_booked_url = "https://ads.example/b"
    clinic.save()
    t = clinic.appointment_types.get(name="Oppfølging")
    response = anon_client.get("/b/fysio/", {"timetype": t.pk}, HTTP_REFERER=OWN)
    html = response.content.decode()
    assert 'id="tb-consent"' in html and ">Godta<" in html and ">Avslå<" in html
    assert 'data-event="search"' in html
    csp = response["Content-Security-Policy"]
    assert "img-src 'self' data: https://www.googletagmanager.com https://ads.example;" in csp
    assert "connect-src 'self' https://www.googletagmanager.com https://ads.example;" in csp
    assert "script-src 'self';" in csp
    assert response["Referrer-Policy"] == "strict-origin"
    # The link of a pre-selection is not a search.
    html = anon_client.get("/b/fysio/", {"timetype": t.pk}).content.decode()
    assert 'data-event=""' in html


def test_receipt_fires_booked_with_a_per_booking_key(anon_client, clinic):
    from django.urls import reverse

    from timebok.public import drafts

    clinic.tracking_booked_url = "https://ads.example/b"
    clinic.save()
    appt = book(clinic)
    url = reverse("public:receipt", kwargs={"slug": clinic.slug, "token": drafts.receipt_token(appt.reference)})
    html = anon_client.get(url).content.decode()
    assert 'data-event="booked"' in html
    key = html.split('data-event-key="')[1].split('"')[0]
    assert len(key) == 16 and appt.reference not in key
    # The tracking element carries only the configured URLs: no reference, name or number.
    element = html[html.index('id="tb-tracking"'):html.index("</div>", html.index('id="tb-tracking"'))]
    for secret in (appt.reference, appt.patient.first_name, appt.patient.reveal_fnr(), appt.appointment_type.name):
        assert secret not in element


def test_no_banner_outside_the_booking_flow(anon_client, clinic, django_capture_on_commit_callbacks):
    """The closed page and the patient's personal link never ask for consent or load the tracker."""
    clinic.tracking_search_url = "https://tracker.example/s"
    clinic.tracking_booked_url = "https://tracker.example/b"
    clinic.save()
    assert 'id="tb-tracking"' in anon_client.get("/b/fysio/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(clinic)
    token = getattr(appt, "manage_token", None)
    assert token
    manage = anon_client.get(f"/t/{token}/")
    assert manage.status_code == 200
    assert 'id="tb-tracking"' not in manage.content.decode()
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    closed = anon_client.get("/b/fysio/").content.decode()
    assert 'id="tb-tracking"' not in closed and "tracker.example" not in closed
