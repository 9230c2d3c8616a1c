"""Ukemaler: the list, a new template, the weekly grid (Norwegian times, copy a day to the
weekdays, types for the whole template or one period), the arbeidsplan, and the preview."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from timebok.clinics.models import TemplateBlock, WeekTemplate
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(clinic, name="week_templates", **kw):
    return reverse(f"staff:{name}", kwargs={"clinic": clinic.slug, **kw})


@pytest.fixture
def empty(clinic):
    """A new template for Bjørn, applying from today, with no working periods yet."""
    tmpl = WeekTemplate.objects.create(practitioner=clinic.practitioners.get(name="Bjørn Dahl"), name="Kveld")
    tmpl.periods.create(start_date=date.today())
    return tmpl


def grid(name="Kveld", types=(), days=None, plan=None, **extra):
    """POST data for the grid: days = {weekday: [(fra, til, [own type ids]), ...]}."""
    data: dict = {"name": name, "types": [str(t) for t in types]}
    days = days or {}
    for day in range(7):
        rows = days.get(day, [])
        data[f"rader-{day}"] = max(len(rows), 1)
        for i, (start, end, own) in enumerate(rows):
            data[f"d{day}-{i}-fra"] = start
            data[f"d{day}-{i}-til"] = end
            data[f"d{day}-{i}-typer"] = [str(t) for t in own]
    plan = plan if plan is not None else [(date.today().isoformat(), "", "all")]
    data["plan-rader"] = len(plan)
    for j, (start, end, parity) in enumerate(plan):
        data[f"a{j}-fra"], data[f"a{j}-til"], data[f"a{j}-uker"] = start, end, parity
    data.update(extra)
    return data


def blocks(tmpl):
    return [(b.weekday, b.start_time, b.end_time, sorted(t.name for t in b.appointment_types.all()))
            for b in tmpl.blocks.order_by("weekday", "start_time")]


def test_list_summarises_each_template(staff_client, clinic):
    html = staff_client.get(url(clinic)).content.decode()
    assert "Mandag–fredag: 08:00–11:30, 12:00–16:00" in html
    assert "Arbeidsplan: fra " in html and ", hver uke" in html
    assert "Cecilie Ås har ikke online timebok." in html  # why her template shows nothing


def test_create_from_the_list_then_the_grid(staff_client, clinic, staff_user):
    anne = clinic.practitioners.get(name="Anne Lie")
    response = staff_client.post(url(clinic), {"practitioner": anne.pk, "name": "Lørdag",
                                               "start_date": "4.1.2030", "parity": "even"})
    tmpl = WeekTemplate.objects.get(name="Lørdag")
    assert response.status_code == 302 and response["Location"] == url(clinic, "week_template", pk=tmpl.pk)
    assert [(p.start_date, p.end_date, p.parity) for p in tmpl.periods.all()] == [(date(2030, 1, 4), None, "even")]
    assert AuditEntry.objects.get(action="week_template.created").actor == staff_user


def test_create_errors_keep_what_was_typed(staff_client, clinic):
    response = staff_client.post(url(clinic), {"practitioner": "", "name": "Lørdag", "start_date": "32.1.2030",
                                               "parity": "all"})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Lørdag"' in html
    assert "Velg behandleren ukemalen gjelder for." in html and "Skriv datoen som dd.mm.åååå" in html
    assert not WeekTemplate.objects.filter(name="Lørdag").exists()


def test_grid_shows_the_template(staff_client, clinic):
    tmpl = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    html = staff_client.get(url(clinic, "week_template", pk=tmpl.pk)).content.decode()
    assert 'name="d0-0-fra" value="08:00"' in html and 'name="d4-1-til" value="16:00"' in html
    assert 'aria-label="Mandag, periode 2"' in html
    assert html.count("Kopier til alle hverdager") == 5  # Monday to Friday
    assert "Forhåndsvisning: de neste to ukene" in html
    assert "<script>" not in html and "style=" not in html


def test_norwegian_times_and_a_lunch_break_copied_to_every_weekday(staff_client, clinic, empty):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    t45 = clinic.appointment_types.get(name="Førstegangstime")
    saturday = [("10", "1400", [])]
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        types=[t30.pk], days={0: [("8", "11.30", [t45.pk]), ("12", "15.30", [])], 2: [("7", "9", [])], 5: saturday},
        kopier="0"))
    assert response.status_code == 302
    expected = []
    for day in range(5):
        expected += [(day, time(8), time(11, 30), ["Førstegangstime", "Oppfølging"]),
                     (day, time(12), time(15, 30), ["Oppfølging"])]
    expected.append((5, time(10), time(14), ["Oppfølging"]))
    assert blocks(empty) == expected  # Wednesday's own period replaced by Monday's; Saturday kept
    page = staff_client.get(response["Location"]).content.decode()
    assert "Ukemalen er lagret, og mandag er kopiert til alle hverdager." in page


def test_copying_an_empty_day_wipes_nothing(staff_client, clinic):
    tmpl = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    before = blocks(tmpl)
    data = grid(name=tmpl.name, days={0: [("8", "11.30", [])]}, kopier="2")  # Wednesday is empty
    response = staff_client.post(url(clinic, "week_template", pk=tmpl.pk), data)
    assert response.status_code == 200
    assert "Fyll inn arbeidstiden for onsdag før du kopierer den" in response.content.decode()
    assert blocks(tmpl) == before


@pytest.mark.parametrize(("start", "end", "message"), [
    ("25.00", "26", "Klokkeslettet må være mellom 00:00 og 23:59"),
    ("8.3", "12", "Skriv klokkeslettet som 8, 0830, 8.30 eller 08:30."),
    ("12", "8", "Perioden må slutte etter at den starter"),
    ("8", "", "Fyll inn når perioden slutter"),
])
def test_bad_times_are_shown_next_to_the_field_and_nothing_is_saved(staff_client, clinic, empty, start, end,
                                                                     message):
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        name="Endret", days={0: [("8", "11.30", []), (start, end, [])]}))
    assert response.status_code == 200
    html = response.content.decode()
    field = "d0-1-fra" if message.startswith(("Klokkeslettet", "Skriv")) else "d0-1-til"
    error = html[html.index(f'id="id_{field}-error"'):]
    assert message in error[:300]
    assert f'name="d0-1-fra" value="{start}"' in html  # what was typed is kept
    assert 'value="Endret"' in html
    empty.refresh_from_db()
    assert empty.name == "Kveld" and not empty.blocks.exists()


def test_overlapping_periods(staff_client, clinic, empty):
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        days={1: [("8", "12", []), ("11", "13", [])]}))
    assert "Overlapper med perioden 08:00–12:00." in response.content.decode()
    assert not empty.blocks.exists()


def test_type_longer_than_its_period_is_refused_on_top(staff_client, clinic, empty):
    t45 = clinic.appointment_types.get(name="Førstegangstime")
    TemplateBlock.appointment_types.through.objects.filter(appointmenttype=t45).delete()
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        types=[t45.pk], days={1: [("8", "8.30", [])]}))
    html = response.content.decode()
    assert response.status_code == 200 and "Ingenting er lagret" in html and "Førstegangstime" in html
    assert not empty.blocks.exists()


def test_more_rows_for_a_day_keeps_everything_and_saves_nothing(staff_client, clinic, empty):
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        days={2: [("8", "11", []), ("12", "99", [])]}, flere="2"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="d2-2-fra"' in html and 'name="rader-2" value="3"' in html
    assert 'value="99"' in html and "field-error" not in html  # not validated yet
    assert not empty.blocks.exists()


def test_arbeidsplan_rows_added_and_removed(staff_client, clinic, empty):
    first = empty.periods.get()
    data = grid(days={0: [("8", "12", [])]}, plan=[(first.start_date.isoformat(), "", "all"),
                                                  ("2030-01-07", "2030-06-30", "odd")])
    data["a0-fjern"] = "on"
    assert staff_client.post(url(clinic, "week_template", pk=empty.pk), data).status_code == 302
    assert [(p.start_date, p.end_date, p.parity) for p in empty.periods.all()] == [
        (date(2030, 1, 7), date(2030, 6, 30), "odd")]
    bad = grid(plan=[("2030-01-07", "2029-01-01", "all")])
    response = staff_client.post(url(clinic, "week_template", pk=empty.pk), bad)
    assert "Til-datoen kan ikke være før fra-datoen." in response.content.decode()


def test_preview_shows_the_next_two_weeks_as_the_booking_page(staff_client, clinic, empty):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    WeekTemplate.objects.filter(practitioner=empty.practitioner).exclude(pk=empty.pk).delete()
    staff_client.post(url(clinic, "week_template", pk=empty.pk), grid(
        types=[t30.pk], days={d: [("17", "18", [])] for d in range(7)}))
    html = staff_client.get(url(clinic, "week_template", pk=empty.pk), {"vis": t30.pk}).content.decode()
    preview = html[html.index('id="forhandsvisning"'):]
    assert preview.count('class="preview__day') == 14
    tomorrow = date.today() + timedelta(days=1)
    assert "17:00 17:30" in preview and "få ledige" in preview
    assert tomorrow.strftime("%-d.") in preview


def test_preview_warns_when_patients_would_see_nothing(staff_client, clinic):
    tmpl = clinic.practitioners.get(name="Cecilie Ås").week_templates.get()
    html = staff_client.get(url(clinic, "week_template", pk=tmpl.pk)).content.decode()
    assert "Cecilie Ås har ikke online timebok." in html


def test_delete_asks_then_deletes(staff_client, clinic, empty):
    page = staff_client.get(url(clinic, "week_template_delete", pk=empty.pk))
    assert "Slette ukemalen «Kveld»?" in page.content.decode()
    assert staff_client.post(url(clinic, "week_template_delete", pk=empty.pk)).status_code == 302
    assert not WeekTemplate.objects.filter(pk=empty.pk).exists()
