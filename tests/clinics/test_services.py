"""Master-data writes: one durable transaction each, re-checked, audited with the actor and
what changed, nothing half-saved, and an availability_changed signal after commit."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.factories import book, details, monday, weekday_in
from timebok.appointments.models import Appointment
from timebok.appointments.services.booking import cancel_appointment
from timebok.clinics import services, signals
from timebok.clinics.closures import ClosureSpec
from timebok.clinics.models import AppointmentType, Closure, Practitioner, TemplateBlock, WeekTemplate
from timebok.clinics.services import PeriodSpec
from timebok.clinics.validation import BlockSpec
from timebok.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(django_capture_on_commit_callbacks):
    """Runs the after-commit callbacks of each call and collects availability_changed events."""
    events: list[dict] = []

    def receiver(sender, clinic, practitioner_ids, **kwargs):
        events.append({"clinic": clinic.pk, "practitioner_ids": practitioner_ids})

    signals.availability_changed.connect(receiver)
    yield events
    signals.availability_changed.disconnect(receiver)


def run(capture, fn, *args, **kwargs):
    with capture(execute=True):
        return fn(*args, **kwargs)


# --- Practitioners -------------------------------------------------------------------------

def test_create_practitioner_goes_last_and_is_audited(clinic, staff_user, changed, django_capture_on_commit_callbacks):
    p = run(django_capture_on_commit_callbacks, services.create_practitioner, clinic, actor=staff_user,
            name="Dina Moe", title="Osteopat", online=False)
    assert p.sort_order == 4 and list(clinic.practitioners.all())[-1] == p
    entry = AuditEntry.objects.get(action="practitioner.created")
    assert entry.actor == staff_user and entry.clinic == clinic and entry.object_id == str(p.pk)
    assert entry.data["values"] == {"name": "Dina Moe", "title": "Osteopat", "online": False}
    assert changed == [{"clinic": clinic.pk, "practitioner_ids": [p.pk]}]


def test_notifications_need_an_email_and_nothing_is_saved(clinic, staff_user, changed):
    with pytest.raises(ValidationError) as info:
        services.create_practitioner(clinic, actor=staff_user, name="Dina Moe", notify_on_booking=True)
    assert "email" in info.value.message_dict
    assert not Practitioner.objects.filter(name="Dina Moe").exists()
    assert not AuditEntry.objects.exists() and changed == []


def test_update_practitioner_records_what_changed(clinic, staff_user):
    p = clinic.practitioners.get(name="Anne Lie")
    services.update_practitioner(p, actor=staff_user, name="Anne Lie", title="Manuellterapeut", online=False)
    entry = AuditEntry.objects.get(action="practitioner.updated")
    assert entry.data["changes"] == {"title": ["Fysioterapeut", "Manuellterapeut"], "online": [True, False]}
    services.update_practitioner(p, actor=staff_user, title="Manuellterapeut")  # no change, no entry
    assert AuditEntry.objects.filter(action="practitioner.updated").count() == 1


def test_unknown_field_is_a_programming_error(clinic, staff_user):
    with pytest.raises(ValueError, match="not editable"):
        services.update_practitioner(clinic.practitioners.first(), actor=staff_user, clinic_id=99)


def test_move_practitioner(clinic, staff_user):
    anne, bjorn, cecilie = clinic.practitioners.all()
    assert services.move_practitioner(bjorn, actor=staff_user, direction="up")
    assert [p.name for p in clinic.practitioners.all()] == ["Bjørn Dahl", "Anne Lie", "Cecilie Ås"]
    assert services.move_practitioner(bjorn, actor=staff_user, direction="down")
    assert not services.move_practitioner(anne, actor=staff_user, direction="up")  # already first
    assert not services.move_practitioner(cecilie, actor=staff_user, direction="down")
    assert [p.sort_order for p in clinic.practitioners.all()] == [1, 2, 3]
    assert AuditEntry.objects.filter(action="practitioner.reordered").count() == 2


# --- Appointment types ---------------------------------------------------------------------

def test_a_new_type_starts_offline():
    assert AppointmentType._meta.get_field("online").default is False


def test_new_online_type_without_a_template_is_refused_and_nothing_saved(clinic, staff_user):
    with pytest.raises(ValidationError) as info:
        services.create_appointment_type(clinic, actor=staff_user, name="Akupunktur", duration_minutes=30,
                                         price=600, online=True)
    message = " ".join(info.value.message_dict["online"])
    assert "Ingen ukemal tillater timetypen." in message and "Tillat den i en ukemal" in message
    assert not AppointmentType.objects.filter(name="Akupunktur").exists()
    assert not AuditEntry.objects.exists()


def test_new_type_allowed_in_a_template_can_be_online_at_once(clinic, staff_user):
    template = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    atype = services.create_appointment_type(clinic, actor=staff_user, name="Akupunktur", duration_minutes=30,
                                             price=600, online=True, templates=[template.pk])
    assert atype.online and atype.sort_order == 1  # after the factory's three (all 0)
    assert TemplateBlock.objects.filter(template=template, appointment_types=atype).count() == 10
    entry = AuditEntry.objects.get(action="appointment_type.created")
    assert entry.data["templates_allowed"] == [template.pk] and entry.data["values"]["price"] == 600


def test_only_an_offline_practitioners_template_is_not_enough(clinic, staff_user):
    template = clinic.practitioners.get(name="Cecilie Ås").week_templates.get()
    with pytest.raises(ValidationError) as info:
        services.create_appointment_type(clinic, actor=staff_user, name="Akupunktur", duration_minutes=30,
                                         online=True, templates=[template.pk])
    assert "uten online timebok" in " ".join(info.value.message_dict["online"])
    assert not AppointmentType.objects.filter(name="Akupunktur").exists()


def test_a_template_whose_arbeidsplan_is_over_is_not_enough(clinic, staff_user):
    template = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    template.periods.update(end_date=date.today() - timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        services.create_appointment_type(clinic, actor=staff_user, name="Akupunktur", duration_minutes=30,
                                         online=True, templates=[template.pk])
    assert "ingen arbeidsplan som gjelder nå eller senere" in " ".join(info.value.message_dict["online"])


def test_switching_an_offline_type_online(clinic, staff_user):
    group = clinic.appointment_types.get(name="Gruppetime")  # allowed in every template
    clinic.practitioners.filter(name__in=["Anne Lie", "Bjørn Dahl"]).update(online=False)
    with pytest.raises(ValidationError):
        services.update_appointment_type(group, actor=staff_user, online=True)
    group.refresh_from_db()
    assert not group.online
    clinic.practitioners.filter(name="Anne Lie").update(online=True)
    services.update_appointment_type(group, actor=staff_user, online=True)
    group.refresh_from_db()
    assert group.online
    assert AuditEntry.objects.get(action="appointment_type.updated").data["changes"]["online"] == [False, True]


def test_an_online_type_may_lose_its_templates_with_a_warning_not_a_refusal(clinic, staff_user):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    templates = {t.pk: False for t in WeekTemplate.objects.filter(practitioner__clinic=clinic)}
    services.update_appointment_type(t30, actor=staff_user, templates=templates)
    assert not TemplateBlock.objects.filter(appointment_types=t30).exists()
    entry = AuditEntry.objects.get(action="appointment_type.updated")
    assert sorted(entry.data["changes"]["templates_removed"]) == sorted(templates)


def test_duration_longer_than_every_block_that_allows_it(clinic, staff_user):
    template = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    with pytest.raises(ValidationError) as info:
        services.create_appointment_type(clinic, actor=staff_user, name="Lang", duration_minutes=300,
                                         templates=[template.pk])
    assert "duration_minutes" in info.value.message_dict
    assert not AppointmentType.objects.filter(name="Lang").exists()


def test_another_clinics_template_is_refused(clinic, other_clinic, staff_user):
    foreign = other_clinic.practitioners.first().week_templates.get()
    with pytest.raises(ValidationError) as info:
        services.create_appointment_type(clinic, actor=staff_user, name="Snik", duration_minutes=30,
                                         templates=[foreign.pk])
    assert "templates" in info.value.message_dict
    assert not TemplateBlock.objects.filter(appointment_types__name="Snik").exists()


def test_move_type(clinic, staff_user):
    names = [t.name for t in clinic.appointment_types.all()]
    assert services.move_appointment_type(clinic.appointment_types.get(name=names[2]), actor=staff_user,
                                          direction="up")
    assert [t.name for t in clinic.appointment_types.all()] == [names[0], names[2], names[1]]


# --- Week templates ------------------------------------------------------------------------

def _spec(day, start, end, *types):
    return BlockSpec(day, time(*start), time(*end), frozenset(t.pk for t in types))


def test_create_week_template_with_its_arbeidsplan(clinic, staff_user, changed, django_capture_on_commit_callbacks):
    anne = clinic.practitioners.get(name="Anne Lie")
    start = date.today()
    tmpl = run(django_capture_on_commit_callbacks, services.create_week_template, anne, actor=staff_user,
               name=" Kveld ", periods=[PeriodSpec(start, None, "odd")])
    assert tmpl.name == "Kveld" and [(p.start_date, p.parity) for p in tmpl.periods.all()] == [(start, "odd")]
    assert AuditEntry.objects.get(action="week_template.created").data["periods"] == [[start.isoformat(), None, "odd"]]
    assert changed == [{"clinic": clinic.pk, "practitioner_ids": [anne.pk]}]


def test_update_week_template_replaces_blocks_and_periods(clinic, staff_user):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    t45 = clinic.appointment_types.get(name="Førstegangstime")
    tmpl = WeekTemplate.objects.create(practitioner=clinic.practitioners.get(name="Anne Lie"), name="Ny")
    blocks = [_spec(d, (8,), (11, 30), t30) for d in range(5)] + [_spec(0, (12,), (15, 30), t30, t45)]
    services.update_week_template(tmpl, actor=staff_user, name="Ny uke", blocks=blocks,
                                  periods=[PeriodSpec(date(2030, 1, 7))])
    tmpl.refresh_from_db()
    assert tmpl.name == "Ny uke" and tmpl.blocks.count() == 6 and tmpl.periods.count() == 1
    monday_pm = tmpl.blocks.get(weekday=0, start_time=time(12))
    assert set(monday_pm.appointment_types.values_list("name", flat=True)) == {"Oppfølging", "Førstegangstime"}
    changes = AuditEntry.objects.get(action="week_template.updated").data["changes"]
    assert changes["name"] == ["Ny", "Ny uke"]
    assert changes["blocks"][0] == [] and [0, "12:00", "15:30", sorted([t30.pk, t45.pk])] in changes["blocks"][1]
    assert changes["periods"] == [[], [["2030-01-07", None, "all"]]]
    # The same again changes nothing and writes no entry.
    services.update_week_template(tmpl, actor=staff_user, name="Ny uke", blocks=blocks,
                                  periods=[PeriodSpec(date(2030, 1, 7))])
    assert AuditEntry.objects.filter(action="week_template.updated").count() == 1


@pytest.mark.parametrize("bad", ["overlap", "backwards", "too_long", "foreign_type"])
def test_bad_template_changes_save_nothing(clinic, other_clinic, staff_user, bad):
    t30 = clinic.appointment_types.get(name="Oppfølging")
    tmpl = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    before = list(tmpl.blocks.values_list("weekday", "start_time", "end_time"))
    blocks = {
        "overlap": [_spec(0, (8,), (11,), t30), _spec(0, (10, 30), (12,), t30)],
        "backwards": [_spec(0, (11,), (8,), t30)],
        "too_long": [_spec(0, (8,), (8, 20), t30)],
        "foreign_type": [_spec(0, (8,), (11,), other_clinic.appointment_types.first())],
    }[bad]
    if bad == "too_long":  # the only block that allows it, once the others are gone
        TemplateBlock.appointment_types.through.objects.filter(appointmenttype=t30).delete()
    with pytest.raises(ValidationError):
        services.update_week_template(tmpl, actor=staff_user, name="Endret", blocks=blocks, periods=[])
    tmpl.refresh_from_db()
    assert tmpl.name != "Endret" and list(tmpl.blocks.values_list("weekday", "start_time", "end_time")) == before
    assert tmpl.periods.count() == 1 and not AuditEntry.objects.exists()


def test_changing_a_template_never_touches_appointments(clinic, staff_user):
    appt = book(clinic, day=monday(), hour=9)
    tmpl = clinic.practitioners.get(name="Anne Lie").week_templates.get()
    services.update_week_template(tmpl, actor=staff_user, name=tmpl.name, blocks=[], periods=[])
    services.delete_week_template(tmpl, actor=staff_user)
    appt.refresh_from_db()
    assert appt.is_booked and appt.start.hour == 8  # 09:00 Oslo in UTC (winter) is 08:00
    assert AuditEntry.objects.filter(action="week_template.deleted").exists()


# --- Closures ------------------------------------------------------------------------------

def test_closure_without_bookings_is_saved_at_once(clinic, staff_user, changed, django_capture_on_commit_callbacks):
    day = weekday_in(20, 2)
    result = run(django_capture_on_commit_callbacks, services.create_closure, clinic,
                 ClosureSpec(day, day, reason="Planleggingsdag"), actor=staff_user)
    [closure] = result.closures
    assert (closure.start_date, closure.end_date, closure.reason) == (day, day, "Planleggingsdag")
    entry = AuditEntry.objects.get(action="closure.created")
    assert entry.actor == staff_user and entry.data["booked"] == [] and entry.data["reason"] == "Planleggingsdag"
    assert changed == [{"clinic": clinic.pk, "practitioner_ids": None}]


@pytest.fixture
def booked_day(clinic):
    day = weekday_in(20, 2)
    a = book(clinic, day=day, hour=9, practitioner="Anne Lie", patient=details(1))
    b = book(clinic, day=day, hour=14, practitioner="Bjørn Dahl", patient=details(2))
    other_day = book(clinic, day=day + timedelta(days=1), hour=9, practitioner="Anne Lie", patient=details(3))
    return day, a, b, other_day


def test_closure_over_booked_appointments_asks_first_and_saves_nothing(clinic, staff_user, booked_day):
    day, a, b, _other = booked_day
    with pytest.raises(services.ClosureHasBookings) as info:
        services.create_closure(clinic, ClosureSpec(day, day), actor=staff_user)
    assert [x.pk for x in info.value.appointments] == [a.pk, b.pk] and not info.value.changed
    assert not Closure.objects.exists() and not AuditEntry.objects.filter(action="closure.created").exists()


def test_the_list_must_be_the_one_shown(clinic, staff_user, booked_day):
    day, a, _b, _other = booked_day
    with pytest.raises(services.ClosureHasBookings) as info:
        services.create_closure(clinic, ClosureSpec(day, day), actor=staff_user, shown=[a.pk], cancel_booked=True)
    assert info.value.changed and len(info.value.appointments) == 2
    assert not Closure.objects.exists() and Appointment.objects.filter(status="booked").count() == 3


def test_keep_the_appointments(clinic, staff_user, booked_day):
    day, a, b, _other = booked_day
    result = services.create_closure(clinic, ClosureSpec(day, day), actor=staff_user, shown=[a.pk, b.pk])
    assert result.cancelled == [] and Closure.objects.count() == 1
    assert Appointment.objects.filter(status="booked").count() == 3
    assert AuditEntry.objects.get(action="closure.created").data["booked"] == [a.pk, b.pk]


def test_cancel_them_all_and_tell_each_patient_the_reason_and_phone(
        clinic, staff_user, booked_day, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "timebok.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path
    day, a, b, other = booked_day
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.create_closure(clinic, ClosureSpec(day, day, reason="Planleggingsdag"), actor=staff_user,
                                         shown=[a.pk, b.pk], cancel_booked=True)
    assert {x.pk for x in result.cancelled} == {a.pk, b.pk}
    assert set(Appointment.objects.filter(status="cancelled").values_list("pk", flat=True)) == {a.pk, b.pk}
    other.refresh_from_db()
    assert other.is_booked  # the next day is not closed
    entries = AuditEntry.objects.filter(action="appointment.cancelled")
    assert {e.actor for e in entries} == {staff_user} and {e.data["reason"] for e in entries} == {"Planleggingsdag"}
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "har dessverre måttet avlyse timen din" in message.body
        assert "Årsak: Planleggingsdag" in message.body and "ring oss på 22 00 00 00" in message.body
    sms = [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt")]
    assert len(sms) == 2 and all("Årsak: Planleggingsdag." in s and "ring 22 00 00 00" in s for s in sms)


def test_a_closure_without_a_reason_still_says_why(clinic, staff_user, booked_day, settings,
                                                   django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    day, a, _b, _other = booked_day
    anne = clinic.practitioners.get(name="Anne Lie")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.create_closure(clinic, ClosureSpec(day, day, practitioner_id=anne.pk), actor=staff_user,
                                         shown=[a.pk], cancel_booked=True)
    assert [x.pk for x in result.cancelled] == [a.pk]  # Bjørn's patient is not affected
    assert "Årsak: Behandleren er ikke til stede\n" in mail.outbox[0].body


def test_time_range_closure_covers_only_overlapping_appointments(clinic, staff_user, booked_day):
    day, a, _b, _other = booked_day
    with pytest.raises(services.ClosureHasBookings) as info:
        services.create_closure(clinic, ClosureSpec(day, day, time(9, 15), time(12)), actor=staff_user)
    assert [x.pk for x in info.value.appointments] == [a.pk]  # 09:00–09:30 overlaps; 14:00 does not
    services.create_closure(clinic, ClosureSpec(day, day, time(9, 30), time(12)), actor=staff_user)  # touches only


def test_an_appointment_the_patient_cancelled_meanwhile_is_skipped(clinic, staff_user, booked_day):
    day, a, b, _other = booked_day
    with pytest.raises(services.ClosureHasBookings):
        services.create_closure(clinic, ClosureSpec(day, day), actor=staff_user)
    covered = [a, b]
    services.create_closures(clinic, [ClosureSpec(day, day)], actor=staff_user, shown=[a.pk, b.pk])
    cancel_appointment(a, by_patient=True)
    cancelled = services._cancel_all(covered, actor=staff_user, reasons={a.pk: "x", b.pk: "x"}, now=None)
    assert [x.pk for x in cancelled] == [b.pk]


def test_cancel_booked_in_an_existing_closure(clinic, staff_user, booked_day):
    day, a, b, _other = booked_day
    result = services.create_closure(clinic, ClosureSpec(day, day, reason="Kurs"), actor=staff_user,
                                     shown=[a.pk, b.pk])
    [closure] = result.closures
    with pytest.raises(services.ClosureHasBookings):
        services.cancel_booked_in_closure(closure, actor=staff_user, shown=[a.pk])
    cancelled = services.cancel_booked_in_closure(closure, actor=staff_user, shown=[a.pk, b.pk])
    assert {x.pk for x in cancelled} == {a.pk, b.pk}
    assert {e.data["reason"] for e in AuditEntry.objects.filter(action="appointment.cancelled")} == {"Kurs"}


def test_closure_for_another_clinics_practitioner_or_bad_dates(clinic, other_clinic, staff_user):
    day = weekday_in(20, 2)
    foreign = other_clinic.practitioners.first()
    with pytest.raises(ValidationError):
        services.create_closure(clinic, ClosureSpec(day, day, practitioner_id=foreign.pk), actor=staff_user)
    with pytest.raises(ValidationError):
        services.create_closure(clinic, ClosureSpec(day, day - timedelta(days=1)), actor=staff_user)
    with pytest.raises(ValidationError):
        services.create_closure(clinic, ClosureSpec(day, day, time(12), time(9)), actor=staff_user)
    assert not Closure.objects.exists()


def test_several_closures_in_one_go(clinic, staff_user):
    dec24, dec31 = date(2030, 12, 24), date(2030, 12, 31)
    result = services.create_closures(clinic, [ClosureSpec(dec24, dec24, reason="Julaften"),
                                               ClosureSpec(dec31, dec31, reason="Nyttårsaften")], actor=staff_user)
    assert [c.reason for c in result.closures] == ["Julaften", "Nyttårsaften"]
    assert AuditEntry.objects.filter(action="closure.created").count() == 2


def test_delete_closure(clinic, staff_user, changed, django_capture_on_commit_callbacks):
    day = weekday_in(20, 2)
    closure = Closure.objects.create(clinic=clinic, start_date=day, end_date=day, reason="Fagdag",
                                     practitioner=clinic.practitioners.first())
    run(django_capture_on_commit_callbacks, services.delete_closure, closure, actor=staff_user)
    assert not Closure.objects.exists()
    entry = AuditEntry.objects.get(action="closure.deleted")
    assert entry.data["reason"] == "Fagdag" and entry.actor == staff_user
    assert changed == [{"clinic": clinic.pk, "practitioner_ids": [closure.practitioner_id]}]
