"""The personal link page /t/<token>/: see, cancel before the deadline, the deadline
message after it, 404 for unknown tokens, 429 when guessing."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import at, weekday_in
from timebok.appointments.models import Appointment
from timebok.appointments.services import availability
from timebok.notifications import links
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/t/{token}/"


def test_page_shows_the_appointment_and_avbestill(book, anon_client):
    appt = book(start=at(weekday_in(7), 10, 30))
    r = anon_client.get(url(appt.manage_token))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Din time" in html and "Fysio Sentrum" in html
    assert "kl. 10:30–11:00" in html
    assert "Oppfølging" in html and "Anne Lie, Fysioterapeut" in html
    assert "kr 650" in html and appt.reference in html
    assert "Du kan endre eller avbestille på nett fram til" in html
    assert '>Endre time</a>' in html and 'href="?handling=avbestill">Avbestill</a>' in html
    # "Avbestill" asks first: the question, with the POST button and a way back.
    html = anon_client.get(url(appt.manage_token), {"handling": "avbestill"}).content.decode()
    assert "Vil du avbestille timen?" in html and ">Ja, avbestill timen</button>" in html
    assert "Nei, behold timen" in html and "csrfmiddlewaretoken" in html
    assert r["Cache-Control"] == "no-store, private"
    assert r["Referrer-Policy"] == "same-origin"
    assert "noindex" in r["X-Robots-Tag"]
    assert "'unsafe-inline'" not in r["Content-Security-Policy"]


def test_cancel_before_the_deadline_frees_the_time_and_sends_a_message(
        book, anon_client, clinic, django_capture_on_commit_callbacks):
    start = at(weekday_in(7), 10, 30)
    appt = book(start=start)
    atype = appt.appointment_type
    assert start not in [s.start for s in availability.free_slots(clinic, atype, appt.practitioner, start.date())]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = anon_client.post(url(appt.manage_token))  # without the confirmation: only asks
        assert "Vil du avbestille timen?" in asked.content.decode()
        assert Appointment.objects.get(pk=appt.pk).status == Appointment.Status.BOOKED
        r = anon_client.post(url(appt.manage_token), {"handling": "avbestill"})
    assert r.status_code == 302 and r["Location"] == url(appt.manage_token) + "?avbestilt=1"
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CANCELLED and appt.cancelled_at
    assert start in [s.start for s in availability.free_slots(clinic, atype, appt.practitioner, start.date())]
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Avbestilt"]
    assert OutgoingMessage.objects.get(kind="cancellation", channel="email").status == "sent"
    page = anon_client.get(r["Location"]).content.decode()
    assert "Timen er avbestilt" in page and "tiden er ledig for andre" in page
    assert ">Avbestill</a>" not in page and "Endre time" not in page
    assert 'href="/b/fysio/"' in page


def test_after_the_deadline_the_page_gives_the_clinic_phone_and_no_button(book, anon_client):
    appt = book()
    Appointment.objects.filter(pk=appt.pk).update(
        start=timezone.now() + timedelta(hours=5), end=timezone.now() + timedelta(hours=5, minutes=30))
    r = anon_client.get(url(appt.manage_token))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Fristen for å avbestille på nett gikk ut" in html
    assert 'href="tel:+4722000000"' in html and "22 00 00 00" in html
    assert ">Avbestill</a>" not in html and "Endre time" not in html
    # Not through the change page either.
    html = anon_client.get(url(appt.manage_token), {"handling": "endre"}).content.decode()
    assert "Velg ny tid" not in html and "22 00 00 00" in html


def test_post_after_the_deadline_is_refused_with_the_deadline_message(book, anon_client):
    appt = book()
    Appointment.objects.filter(pk=appt.pk).update(
        start=timezone.now() + timedelta(hours=5), end=timezone.now() + timedelta(hours=5, minutes=30))
    r = anon_client.post(url(appt.manage_token), {"handling": "avbestill"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "Fristen for å avbestille på nett har gått ut" in html and "22 00 00 00" in html
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.BOOKED


def test_cancelling_twice_is_harmless(book, anon_client, django_capture_on_commit_callbacks):
    appt = book()
    with django_capture_on_commit_callbacks(execute=True):
        anon_client.post(url(appt.manage_token), {"handling": "avbestill"})
        r = anon_client.post(url(appt.manage_token), {"handling": "avbestill"})
    assert r.status_code == 200 and "Timen er avbestilt" in r.content.decode()
    assert OutgoingMessage.objects.filter(kind="cancellation", channel="email").count() == 1


def test_past_appointment(book, anon_client):
    appt = book()
    Appointment.objects.filter(pk=appt.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1))
    html = anon_client.get(url(appt.manage_token)).content.decode()
    assert "Timen er passert" in html and ">Avbestill</button>" not in html


@pytest.mark.parametrize("token", ["x" * 43, "kort", "a" * 101, "abc$%&def" * 5])
def test_unknown_or_malformed_token_is_404(book, anon_client, token):
    book()
    r = anon_client.get(f"/t/{token}/")
    assert r.status_code == 404
    assert "Ukjent lenke" in r.content.decode()


def test_csrf_is_required(book):
    from django.test import Client

    appt = book()
    r = Client(enforce_csrf_checks=True).post(url(appt.manage_token))
    assert r.status_code == 403
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.BOOKED


def test_rate_limit_per_ip_gives_429(book, anon_client, settings):
    settings.MANAGE_LINK_RATE_LIMIT = 5
    appt = book()
    for i in range(5):
        assert anon_client.get(f"/t/{'g' * 40}{i:03d}/").status_code == 404
    r = anon_client.get(url(appt.manage_token))  # even the right token, once over the limit
    assert r.status_code == 429
    assert "For mange forsøk" in r.content.decode()
    assert int(r["Retry-After"]) > 0
    # another address is not affected
    assert anon_client.get(url(appt.manage_token), REMOTE_ADDR="10.1.2.3").status_code == 200


def test_lookup_is_by_hash_and_ends_with_a_constant_time_comparison(book):
    appt = book()
    with mock.patch.object(links.hmac, "compare_digest", wraps=links.hmac.compare_digest) as spy:
        assert links.find_appointment(appt.manage_token) == appt
        assert spy.call_count == 1
        stored, given = spy.call_args.args
        assert stored == given == appt.manage_token_hash
        assert links.find_appointment(appt.manage_token[:-1] + ("A" if appt.manage_token[-1] != "A" else "B")) is None


def test_token_is_not_stored_in_clear(book):
    appt = book()
    row = Appointment.objects.filter(pk=appt.pk).values().get()
    assert appt.manage_token not in str(row)
    assert len(appt.manage_token) >= 43  # 32 random bytes


def test_staff_booking_without_patient_has_no_link(clinic, outbox_dirs, django_capture_on_commit_callbacks):
    from timebok.appointments.services.booking import book_appointment

    with django_capture_on_commit_callbacks(execute=True):
        appt = book_appointment(clinic=clinic, appointment_type=clinic.appointment_types.get(name="Oppfølging"),
                                start=at(weekday_in(7), 9), source="staff", patient=None)
    assert appt.manage_token is None and not OutgoingMessage.objects.exists()


def test_endre_time_offers_the_same_type_and_practitioner_and_moves(
        book, anon_client, clinic, django_capture_on_commit_callbacks):
    start = at(weekday_in(7), 10, 30)
    appt = book(start=start)
    token = appt.manage_token
    html = anon_client.get(url(token), {"handling": "endre"}).content.decode()
    assert "Velg ny tid" in html and 'aria-current="date"' in html
    day = start.astimezone(clinic.tz).date()
    html = anon_client.get(url(token), {"handling": "endre", "dato": day.isoformat()}).content.decode()
    target = at(day, 13)
    value = f"{target.isoformat()}|{appt.practitioner_id}"
    assert f'value="{value}"' in html and f'value="{start.isoformat()}|' not in html  # its own time is not free
    with django_capture_on_commit_callbacks(execute=True):
        r = anon_client.post(url(token), {"handling": "flytt", "tid": value})
    assert r.status_code == 302 and r["Location"] == url(token) + "?endret=1"
    appt.refresh_from_db()
    assert appt.start == target and appt.sequence == 1 and appt.practitioner.name == "Anne Lie"
    page = anon_client.get(r["Location"]).content.decode()
    assert "Timen er flyttet" in page and "kl. 13:00–13:30" in page  # the personal link shows the new time
    assert OutgoingMessage.objects.filter(appointment=appt, kind="change", channel="email").exists()


@pytest.mark.parametrize("tid", ["", "x", "2026-13-01T10:00:00+01:00|1", "2030-01-07T10:07:00+01:00|1", "\x00"])
def test_endre_time_refuses_a_time_not_offered(book, anon_client, tid):
    appt = book(start=at(weekday_in(7), 10, 30))
    r = anon_client.post(url(appt.manage_token), {"handling": "flytt", "tid": tid})
    assert r.status_code == 409 and "Velg ny tid" in r.content.decode()
    fresh = Appointment.objects.get(pk=appt.pk)
    assert fresh.start == appt.start and fresh.sequence == 0


def test_endre_time_cannot_switch_practitioner_unless_booked_first_free(book, anon_client, clinic):
    appt = book(start=at(weekday_in(7), 10, 30))
    other = clinic.practitioners.get(name="Bjørn Dahl")
    day = appt.start.astimezone(clinic.tz).date()
    anon_client.post(url(appt.manage_token), {"handling": "flytt", "tid": f"{at(day, 13).isoformat()}|{other.pk}"})
    fresh = Appointment.objects.get(pk=appt.pk)
    assert fresh.practitioner_id == appt.practitioner_id and fresh.start == at(day, 13)  # the id is ignored
