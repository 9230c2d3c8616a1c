"""Innstillinger: tracking links, online-booking rules, the booking-link generator, counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from timebok.clinics.models import WeekTemplate
from timebok.core.models import AuditEntry
from timebok.insights.models import DailyCount

pytestmark = pytest.mark.django_db


def url(clinic, name="settings"):
    return reverse(f"staff:{name}", kwargs={"clinic": clinic.slug})


def field_block(html: str, field: str) -> str:
    """The HTML of one field's wrapper (label, help, error and input)."""
    start = html.index(f'<label for="id_{field}"')
    start = html.rindex('<div class="field', 0, start)
    return html[start:html.index("</div>", start)]


def test_page_has_the_seeds_labels(staff_client, clinic):
    html = staff_client.get(url(clinic)).content.decode()
    for label in ("Innstillinger", "Sporingslenke for brukersøk på bestillingssiden",
                  "Sporingslenke for gjennomførte bestillinger", "Generer bestillingslenker"):
        assert label in html
    assert "<script>" not in html and "style=" not in html  # strict CSP: no inline scripts or styles


# --- Tracking links ----------------------------------------------------------------------

def test_saves_https_tracking_links(staff_client, clinic, staff_user):
    response = staff_client.post(url(clinic, "save_tracking"), {
        "tracking_search_url": " https://track.example/s?id=1 ",
        "tracking_booked_url": "https://track.example/b?id=1",
    })
    assert response.status_code == 302 and response["Location"].endswith("#sporing")
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "https://track.example/s?id=1"
    assert clinic.tracking_booked_url == "https://track.example/b?id=1"
    entry = AuditEntry.objects.get(action="clinic.tracking_updated")
    assert entry.actor == staff_user and entry.clinic == clinic
    assert "Sporingslenkene er lagret." in staff_client.get(url(clinic)).content.decode()


def test_http_allowed_for_localhost_only(staff_client, clinic):
    staff_client.post(url(clinic, "save_tracking"), {"tracking_search_url": "http://localhost:9000/pixel",
                                                     "tracking_booked_url": ""})
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "http://localhost:9000/pixel"


@pytest.mark.parametrize("bad", [
    "http://track.example/s", "ftp://track.example/s", "javascript:alert(1)", "track.example/s",
    "https://", "https://exa mple.com/", "//track.example/s",
])
def test_rejects_bad_tracking_link_with_message_next_to_field_and_saves_nothing(staff_client, clinic, bad):
    clinic.tracking_search_url = "https://old.example/s"
    clinic.save()
    response = staff_client.post(url(clinic, "save_tracking"), {
        "tracking_search_url": "https://new.example/s",  # valid, but must not be saved alone
        "tracking_booked_url": bad,
    })
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "tracking_booked_url")
    assert 'class="field-error"' in block and 'aria-invalid="true"' in block
    assert re.search(r"https://|gyldig|mellomrom", block.split('class="field-error"')[1])
    assert 'value="https://new.example/s"' in html  # nothing typed is lost
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "https://old.example/s"
    assert clinic.tracking_booked_url == ""
    assert not AuditEntry.objects.filter(action="clinic.tracking_updated").exists()


def test_international_host_is_stored_as_punycode(staff_client, clinic):
    response = staff_client.post(url(clinic, "save_tracking"), {
        "tracking_search_url": "https://exаmple.com/t.gif", "tracking_booked_url": "https://bücher.example/b"})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "https://xn--exmple-4nf.com/t.gif"
    assert clinic.tracking_booked_url == "https://xn--bcher-kva.example/b"


@pytest.mark.parametrize("port", ["99999", "0", "65536"])
def test_port_out_of_range_gets_a_message_next_to_the_field(staff_client, clinic, port):
    response = staff_client.post(url(clinic, "save_tracking"), {
        "tracking_search_url": f"https://track.example:{port}/t.gif", "tracking_booked_url": ""})
    assert response.status_code == 200
    assert "Porten i sporingslenken må være et tall fra 1 til 65535." in field_block(
        response.content.decode(), "tracking_search_url")
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == ""


def test_scheme_message_is_clear(staff_client, clinic):
    html = staff_client.post(url(clinic, "save_tracking"), {"tracking_search_url": "http://track.example/s",
                                                           "tracking_booked_url": ""}).content.decode()
    assert "Sporingslenken må begynne med https://" in field_block(html, "tracking_search_url")


def test_empty_links_clear_them(staff_client, clinic):
    clinic.tracking_search_url = "https://old.example/s"
    clinic.save()
    staff_client.post(url(clinic, "save_tracking"), {"tracking_search_url": "", "tracking_booked_url": ""})
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == ""


# --- Rules ---------------------------------------------------------------------------------

RULES = {"online_booking": "on", "min_notice_hours": "4", "horizon_days": "90", "cancellation_hours": "48",
         "max_future_bookings": "", "first_free_only": "on", "slot_step_minutes": "15",
         "close_public_holidays": "on", "reminder_hours": "24"}


def test_saves_rules(staff_client, clinic, staff_user):
    response = staff_client.post(url(clinic, "save_rules"), RULES)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.online_booking, clinic.min_notice_hours, clinic.horizon_days, clinic.cancellation_hours,
            clinic.max_future_bookings, clinic.first_free_only) == (True, 4, 90, 48, None, True)
    assert (clinic.slot_step_minutes, clinic.close_public_holidays, clinic.reminder_hours) == (15, True, 24)
    entry = AuditEntry.objects.get(action="clinic.rules_updated")
    assert entry.actor == staff_user
    assert entry.data["changes"]["horizon_days"] == [60, 90]


def test_switch_online_booking_off(staff_client, clinic):
    data = {k: v for k, v in RULES.items() if k != "online_booking"}
    staff_client.post(url(clinic, "save_rules"), data)
    clinic.refresh_from_db()
    assert clinic.online_booking is False


@pytest.mark.parametrize(("field", "value"), [
    ("horizon_days", "0"), ("horizon_days", "1000"), ("min_notice_hours", "-1"), ("min_notice_hours", "to"),
    ("cancellation_hours", "99999"), ("max_future_bookings", "0"), ("horizon_days", ""),
    ("reminder_hours", "-2"), ("reminder_hours", ""), ("slot_step_minutes", "1"),
])
def test_rejects_bad_rules_and_saves_nothing(staff_client, clinic, field, value):
    data = {**RULES, field: value}
    response = staff_client.post(url(clinic, "save_rules"), data)
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, field)
    assert 'class="field-error"' in block
    assert f'value="{value}"' in block or value == ""  # what was typed is kept
    assert 'name="cancellation_hours" value="48"' in html or field == "cancellation_hours"
    clinic.refresh_from_db()
    assert (clinic.min_notice_hours, clinic.horizon_days, clinic.cancellation_hours) == (2, 60, 24)
    assert not AuditEntry.objects.filter(action="clinic.rules_updated").exists()


# --- Booking-link generator ----------------------------------------------------------------

def test_generator_lists_every_type_and_every_template_per_practitioner(staff_client, clinic):
    html = staff_client.get(url(clinic)).content.decode()
    section = html[html.index('id="lenker"'):]
    for t in clinic.appointment_types.all():
        assert f'value="t{t.pk}"' in section
    for tmpl in WeekTemplate.objects.filter(practitioner__clinic=clinic):
        assert f'value="u{tmpl.pk}"' in section
    for p in clinic.practitioners.all():
        assert f"<legend>{p}" in section
    assert "kan ikke bestilles online" in section  # "Gruppetime" is not online
    assert "Klikk for å åpne lenken" not in html  # nothing chosen yet


def test_choosing_a_type_shows_link_copy_iframe_and_qr(staff_client, clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    html = staff_client.get(url(clinic), {"lenke": f"t{t.pk}"}).content.decode()
    expected = f"http://testserver/b/{clinic.slug}/?timetype={t.pk}"
    assert f'id="link-url" value="{expected}" readonly' in html
    assert re.search(rf'<a href="{re.escape(expected)}" target="_blank" rel="noopener">Klikk for å åpne lenken', html)
    assert "&lt;iframe src=&quot;" + expected in html
    assert '<svg width="' in html and 'class="qr"' in html
    assert 'data-copy="link-url"' in html
    assert f'id="lenke-t{t.pk}" value="t{t.pk}" checked' in html  # the choice is kept


def test_choosing_a_type_for_one_practitioner(staff_client, clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    p = clinic.practitioners.get(name="Bjørn Dahl")
    html = staff_client.get(url(clinic), {"lenke": f"t{t.pk}-b{p.pk}"}).content.decode()
    assert f'value="http://testserver/b/{clinic.slug}/?timetype={t.pk}&amp;behandler={p.pk}"' in html


def test_choosing_a_week_template(staff_client, clinic):
    tmpl = WeekTemplate.objects.filter(practitioner__clinic=clinic).first()
    html = staff_client.get(url(clinic), {"lenke": f"u{tmpl.pk}"}).content.decode()
    assert f'href="http://testserver/b/{clinic.slug}/?ukemal={tmpl.pk}" target="_blank"' in html
    assert f"«{tmpl.name}»" in html


@pytest.mark.parametrize("bad", ["x", "t999999", "u", ""])
def test_unknown_choice_gives_a_message(staff_client, clinic, other_clinic, bad):
    response = staff_client.get(url(clinic), {"lenke": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg en timetype eller ukemal" in html
    assert "Klikk for å åpne lenken" not in html


def test_other_clinics_type_is_not_a_choice(staff_client, clinic, other_clinic):
    t = other_clinic.appointment_types.first()
    html = staff_client.get(url(clinic), {"lenke": f"t{t.pk}"}).content.decode()
    assert "Klikk for å åpne lenken" not in html


def test_qr_download(staff_client, clinic):
    t = clinic.appointment_types.first()
    response = staff_client.get(url(clinic, "qr"), {"lenke": f"t{t.pk}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    assert b'xmlns="http://www.w3.org/2000/svg"' in response.content
    assert staff_client.get(url(clinic, "qr"), {"lenke": "nope"}).status_code == 404


def test_choices_patients_cannot_book_are_marked_with_why_and_not_offered(staff_client, clinic):
    from timebok.clinics.models import AppointmentType, TemplatePeriod

    group = clinic.appointment_types.get(name="Gruppetime")  # not online
    cecilie = clinic.practitioners.get(name="Cecilie Ås")  # no online timebok
    nobody = AppointmentType.objects.create(clinic=clinic, name="Akupunktur", duration_minutes=30, online=True)
    bjorn_tmpl = clinic.practitioners.get(name="Bjørn Dahl").week_templates.get()
    TemplatePeriod.objects.filter(template=bjorn_tmpl).update(end_date=timezone.localdate() - timedelta(days=1))
    html = staff_client.get(url(clinic)).content.decode()
    section = html[html.index('id="lenker"'):]

    def choice(value):
        start = section.index(f'id="lenke-{value}"')
        return section[section.rindex("<li", 0, start):section.index("</li>", start)]

    assert "disabled" in choice(f"t{group.pk}") and "Timetypen kan ikke bestilles online." in choice(f"t{group.pk}")
    assert "Ingen ukemal tillater timetypen." in choice(f"t{nobody.pk}")
    tmpl = cecilie.week_templates.get()
    assert "disabled" in choice(f"u{tmpl.pk}") and "Cecilie Ås har ikke online timebok." in choice(f"u{tmpl.pk}")
    assert "har ingen arbeidsplan som gjelder nå eller senere" in choice(f"u{bjorn_tmpl.pk}")
    assert "disabled" not in choice(f"t{clinic.appointment_types.get(name='Oppfølging').pk}")

    # Asked for anyway (an old bookmark): no link, and the reason.
    for value in (f"t{group.pk}", f"u{tmpl.pk}", f"t{nobody.pk}"):
        page = staff_client.get(url(clinic), {"lenke": value}).content.decode()
        assert "Klikk for å åpne lenken" not in page and "Pasientene kan ikke bestille gjennom denne lenken nå" in page
        assert staff_client.get(url(clinic, "qr"), {"lenke": value}).status_code == 404


def test_iframe_snippet_sizes_itself_with_the_loader_and_has_a_fixed_fallback(staff_client, clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    html = staff_client.get(url(clinic), {"lenke": f"t{t.pk}"}).content.decode()
    snippet = html[html.index('id="link-iframe"'):html.index("</textarea>", html.index('id="link-iframe"'))]
    assert 'height=&quot;900&quot;' in snippet and "data-timebok-embed" in snippet
    assert "&lt;script src=&quot;http://testserver/static/timebok/embed.js&quot; async&gt;" in snippet


# --- Built-in counts -------------------------------------------------------------------------

def test_counts_table_and_chart(staff_client, clinic, other_clinic):
    today = timezone.now().astimezone(clinic.tz).date()
    DailyCount.objects.create(clinic=clinic, day=today, visits=40, searches=25, bookings=4)
    DailyCount.objects.create(clinic=clinic, day=today - timedelta(days=3), visits=7, searches=3, bookings=1)
    DailyCount.objects.create(clinic=clinic, day=today - timedelta(days=30), visits=999, searches=0, bookings=0)
    DailyCount.objects.create(clinic=other_clinic, day=today, visits=555, searches=0, bookings=0)
    html = staff_client.get(url(clinic)).content.decode()
    section = html[html.index('id="statistikk"'):html.index('id="lenker"')]
    assert "Til sammen 47 besøk, 28 søk og 5 bestillinger." in section
    assert "Bestillinger per besøk: 10,6 %." in section  # bokmål decimal comma
    assert section.count("<tr><th scope=\"row\">") == 31  # 30 days + the sum
    assert "<td>40</td><td>25</td><td>4</td>" in section
    assert "999" not in section and "555" not in section
    assert section.count('class="chart__bar chart__bar--visits"') == 2
    assert 'role="img"' in section
    assert not re.search(r'(x|y|width|height)="\d+,\d', section)  # SVG numbers are not localised


def test_the_link_generator_offers_an_english_link(staff_client, clinic):
    t = clinic.appointment_types.get(name="Oppfølging")
    html = staff_client.get(url(clinic)).content.decode()
    assert 'name="sprak" value="en"' in html and "Engelsk (English)" in html
    html = staff_client.get(url(clinic), {"lenke": f"t{t.pk}", "sprak": "en"}).content.decode()
    expected = f"http://testserver/b/{clinic.slug}/?timetype={t.pk}&amp;lang=en"
    assert f'id="link-url" value="{expected}" readonly' in html
    assert re.search(r"&lt;iframe src=&quot;http://testserver/b/fysio/\?timetype=\d+&amp;amp;lang=en&quot;", html)
    assert "sprak=en" in html  # the QR download carries it too
    qr = staff_client.get(f"/timebok/{clinic.slug}/innstillinger/qr.svg", {"lenke": f"t{t.pk}", "sprak": "en"})
    assert b"lang=en" in qr.content
    assert staff_client.get(url(clinic), {"lenke": f"t{t.pk}", "sprak": "xx"}).status_code == 200
