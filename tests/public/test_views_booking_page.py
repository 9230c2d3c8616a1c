"""GET /b/<clinic>/: the booking page, its pre-selection and its friendly refusals."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from tests.factories import FNR, at, monday, practs, types
from timebok.appointments.services.booking import PatientDetails, book_appointment
from timebok.clinics.models import TemplateBlock, TemplatePeriod, WeekTemplate

pytestmark = pytest.mark.django_db


def url(clinic) -> str:
    return f"/b/{clinic.slug}/"


def options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", block)]


def test_page_has_the_seeds_controls_and_only_online_choices(anon_client, clinic):
    r = anon_client.get(url(clinic))
    assert r.status_code == 200
    html = r.content.decode()
    for label in ("Timetype", "Behandler", "Dato", "Tilgjengelige timer", "Fornavn", "Etternavn",
                  "Kommentar", "Fullt fødselsnummer", "E-post", "Telefon", "Neste"):
        assert label in html
    assert options(html, "timetype") == ["Førstegangstime", "Oppfølging"]  # not the offline Gruppetime
    assert options(html, "behandler") == ["Første ledige behandler", "Anne Lie, Fysioterapeut",
                                          "Bjørn Dahl, Kiropraktor"]  # not the offline Cecilie
    assert 'lang="nb"' in html


def test_blue_info_box_shows_info_price_and_address(anon_client, clinic):
    html = anon_client.get(url(clinic), {"timetype": types(clinic)["Oppfølging"].pk}).content.decode()
    box = re.search(r'<section class="info-box".*?</section>', html, re.S).group(0)
    assert "Ta med treningstøy." in box
    assert "kr 650" in box
    assert "Kirkegata 2, 3. etasje" in box


def test_calendar_days_say_their_level_and_white_days_are_disabled(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    html = anon_client.get(url(clinic), {"timetype": t.pk, "maned": monday().strftime("%Y-%m")}).content.decode()
    day = monday()
    button = re.search(rf'<button[^>]*value="{day.isoformat()}"[^>]*>', html).group(0)
    assert 'aria-label="mandag ' + f'{day.day}. ' in button
    assert "mange ledige" in button and "day-many" in button and "disabled" not in button
    # A Sunday has no template blocks: white, disabled, and it says so.
    sundays = re.findall(r'<button[^>]*aria-label="søndag [^"]*"[^>]*>', html)
    assert sundays and all("disabled" in b and "ingen ledige" in b for b in sundays)


def test_few_free_day_is_red_and_says_few(anon_client, clinic):
    t = types(clinic)["Oppfølging"]
    day = monday()
    # Fill Anne and Bjørn's Monday except the last two half-hours before 16:00.
    patient = PatientDetails("Per", "Full", FNR)
    for p in practs(clinic).values():
        if not p.online:
            continue
        for hour in range(8, 16):
            for minute in (0, 30):
                if (hour, minute) in ((11, 30),) or (hour == 15 and minute == 30 and p.name == "Anne Lie"):
                    continue
                book_appointment(clinic=clinic, appointment_type=t, practitioner=p, start=at(day, hour, minute),
                                 patient=patient, source="staff")
    html = anon_client.get(url(clinic), {"timetype": t.pk, "dato": day.isoformat()}).content.decode()
    button = re.search(rf'<button[^>]*value="{day.isoformat()}"[^>]*>', html).group(0)
    assert "få ledige" in button and "day-few" in button
    assert 'aria-pressed="true"' in button
    assert re.findall(r'name="tid" id="tid-\d+" value="([^"]+)"', html) == [at(day, 15, 30).isoformat()]


def test_first_month_opens_on_first_free_day_with_its_times(anon_client, clinic):
    r = anon_client.get(url(clinic))
    html = r.content.decode()
    sel = r.context["sel"]
    assert sel.first_free is not None and sel.day == sel.first_free
    assert sel.month == sel.first_free.replace(day=1)
    pressed = re.findall(r'<button[^>]*aria-pressed="true"[^>]*>', html)
    assert len(pressed) == 1 and f'value="{sel.first_free.isoformat()}"' in pressed[0]
    assert len(re.findall(r'name="tid"', html)) == len(sel.slots) >= 1
    # Every day before the first free one in that month is white.
    assert all(c.level == "none" for week in sel.weeks for c in week if c.in_month and c.day < sel.first_free)


def test_timetype_and_behandler_in_the_link_preselect(anon_client, clinic):
    t = types(clinic)["Førstegangstime"]
    p = practs(clinic)["Bjørn Dahl"]
    r = anon_client.get(url(clinic), {"timetype": t.pk, "behandler": p.pk})
    html = r.content.decode()
    assert f'<option value="{t.pk}" selected' in html.replace("\n", " ")
    assert f'<option value="{p.pk}" selected' in html
    # The link's pre-selection is not a search; the same choice made on the page is (issue 4).
    assert r.context["tracking_event"] == ""
    in_page = anon_client.get(url(clinic), {"timetype": t.pk, "behandler": p.pk},
                              HTTP_REFERER="http://testserver/b/fysio/")
    assert in_page.context["tracking_event"] == "search"
    assert anon_client.get(url(clinic)).context["tracking_event"] == ""


@pytest.mark.parametrize("param", ["timetype", "behandler", "ukemal"])
@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1e9", "99999999999999999999999", "1 OR 1=1", "\x00"])
def test_unknown_ids_give_a_notice_and_the_unfiltered_page(anon_client, clinic, param, value):
    r = anon_client.get(url(clinic), {param: value})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="notice"' in html
    assert options(html, "timetype") == ["Førstegangstime", "Oppfølging"]


def test_offline_type_and_practitioner_and_other_clinics_ids_are_refused(anon_client, clinic, other_clinic):
    offline = types(clinic)["Gruppetime"]
    cecilie = practs(clinic)["Cecilie Ås"]
    foreign = types(other_clinic)["Oppfølging"]
    for params in ({"timetype": offline.pk}, {"behandler": cecilie.pk}, {"timetype": foreign.pk}):
        r = anon_client.get(url(clinic), params)
        assert r.status_code == 200
        assert "finnes ikke" in r.content.decode()
        assert r.context["sel"].practitioner is None


def test_week_template_link_lists_only_its_types_and_preselects_its_practitioner(anon_client, clinic):
    anne = practs(clinic)["Anne Lie"]
    t = types(clinic)
    tmpl = WeekTemplate.objects.create(practitioner=anne, name="Kveld")
    TemplatePeriod.objects.create(template=tmpl, start_date=monday())
    block = TemplateBlock.objects.create(template=tmpl, weekday=2, start_time=at(monday(), 16).time(),
                                         end_time=at(monday(), 19).time())
    block.appointment_types.set([t["Førstegangstime"], t["Gruppetime"]])
    block2 = TemplateBlock.objects.create(template=tmpl, weekday=3, start_time=at(monday(), 16).time(),
                                          end_time=at(monday(), 19).time())
    block2.appointment_types.set([t["Oppfølging"]])
    r = anon_client.get(url(clinic), {"ukemal": tmpl.pk})
    html = r.content.decode()
    assert options(html, "timetype") == ["Førstegangstime", "Oppfølging"]  # the offline one is left out
    assert r.context["sel"].practitioner == anne
    assert f'name="ukemal" value="{tmpl.pk}"' in html

    block2.delete()
    html = anon_client.get(url(clinic), {"ukemal": tmpl.pk}).content.decode()
    assert options(html, "timetype") == ["Førstegangstime"]


@pytest.mark.parametrize("params", [{"dato": "2026-13-45"}, {"maned": "9999-99"}, {"maned": "0001-01"},
                                    {"dato": "x" * 5000}, {"maned": "2999-01"}])
def test_garbage_dates_are_ignored(anon_client, clinic, params):
    assert anon_client.get(url(clinic), params).status_code == 200


def test_closed_clinic_gets_a_polite_page(anon_client, clinic):
    clinic.online_booking = False
    clinic.save(update_fields=["online_booking"])
    r = anon_client.get(url(clinic))
    assert r.status_code == 200
    html = r.content.decode()
    assert "tar ikke imot bestillinger på nett" in html
    assert ">22 00 00 00</a>" in html and "tel:+4722000000" in html
    assert 'name="fornavn"' not in html


def test_unknown_clinic_is_a_friendly_404(anon_client, db):
    r = anon_client.get("/b/finnes-ikke/")
    assert r.status_code == 404
    assert "Fant ikke siden" in r.content.decode()


def test_page_may_be_framed_by_the_clinics_website(anon_client, clinic):
    r = anon_client.get(url(clinic))
    assert "X-Frame-Options" not in r
    assert "frame-ancestors *" in r["Content-Security-Policy"]
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert r["Referrer-Policy"] == "strict-origin"
    assert "<script>" not in r.content.decode() and " style=" not in r.content.decode()


def test_other_pages_still_refuse_framing(anon_client, db):
    r = anon_client.get("/admin/login/")
    assert r["X-Frame-Options"] == "DENY"


def test_root_redirects_to_the_demo_in_demo_mode(anon_client, db):
    from timebok.clinics.demo import load_demo

    assert anon_client.get("/").status_code == 200
    load_demo()
    with override_settings(DEMO=True):
        r = anon_client.get("/")
    assert r.status_code == 302 and r["Location"] == "/b/demo/"
