"""The staff services: settings writes and the logged reveal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import valid_fnr
from timebok.core.models import AuditEntry
from timebok.staff import services

pytestmark = pytest.mark.django_db


# --- Settings ------------------------------------------------------------------------------

def test_update_tracking_links(clinic, staff_user):
    services.update_tracking_links(clinic, actor=staff_user, search_url="https://t.example/s", booked_url="")
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "https://t.example/s"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.clinic) == ("clinic.tracking_updated", staff_user, clinic)
    assert entry.data["changes"] == {"tracking_search_url": ["", "https://t.example/s"]}


def test_update_tracking_links_rechecks_and_saves_nothing(clinic, staff_user):
    with pytest.raises(ValidationError) as err:
        services.update_tracking_links(clinic, actor=staff_user, search_url="https://ok.example/s",
                                       booked_url="http://insecure.example/b")
    assert "tracking_booked_url" in err.value.error_dict
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == "" and not AuditEntry.objects.exists()


@pytest.mark.parametrize(("given", "stored"), [
    ("https://exаmple.com/t.gif", "https://xn--exmple-4nf.com/t.gif"),  # Cyrillic а
    ("https://bücher.example/p?q=ø#å", "https://xn--bcher-kva.example/p?q=%C3%B8#%C3%A5"),
    ("HTTPS://BÜCHER.Example:8443/p", "https://xn--bcher-kva.example:8443/p"),
    ("https://t.example/a%20b?x=1&y=2", "https://t.example/a%20b?x=1&y=2"),
    ("https://t.example:65535/", "https://t.example:65535/"),
])
def test_tracking_links_are_stored_in_ascii_form(clinic, staff_user, given, stored):
    services.update_tracking_links(clinic, actor=staff_user, search_url=given)
    clinic.refresh_from_db()
    assert clinic.tracking_search_url == stored and stored.isascii()


@pytest.mark.parametrize(("given", "code"), [
    ("https://t.example:99999/", "tracking_port"), ("https://t.example:0/", "tracking_port"),
    ("https://t.example:http/", "tracking_port"), ("https://a_b.example/", "tracking_host"),
    ("https://user:pw@t.example/", "tracking_userinfo"), ("https://t.example/\u200b", "tracking_control"),
    ("https://[::1/", "tracking_invalid"), ("https://t.example/a b", "tracking_space"),
])
def test_tracking_links_with_bad_host_or_port_are_refused(clinic, staff_user, given, code):
    with pytest.raises(ValidationError) as err:
        services.update_tracking_links(clinic, actor=staff_user, booked_url=given)
    assert [e.code for e in err.value.error_dict["tracking_booked_url"]] == [code]
    clinic.refresh_from_db()
    assert clinic.tracking_booked_url == "" and not AuditEntry.objects.exists()


def test_unchanged_settings_write_no_audit_entry(clinic, staff_user):
    services.update_booking_rules(clinic, actor=staff_user, horizon_days=clinic.horizon_days)
    assert not AuditEntry.objects.exists()


def test_update_booking_rules(clinic, staff_user):
    services.update_booking_rules(clinic, actor=staff_user, online_booking=False, horizon_days=14, first_free_only=True)
    clinic.refresh_from_db()
    assert (clinic.online_booking, clinic.horizon_days, clinic.first_free_only) == (False, 14, True)
    assert AuditEntry.objects.get().data["changes"]["online_booking"] == [True, False]


@pytest.mark.parametrize("bad", [{"horizon_days": 0}, {"min_notice_hours": -3}, {"max_future_bookings": 0}])
def test_update_booking_rules_rejects_bad_values(clinic, staff_user, bad):
    with pytest.raises(ValidationError):
        services.update_booking_rules(clinic, actor=staff_user, **bad)
    clinic.refresh_from_db()
    assert (clinic.horizon_days, clinic.min_notice_hours, clinic.max_future_bookings) == (60, 2, 3)


def test_update_booking_rules_only_touches_rules(clinic, staff_user):
    with pytest.raises(ValueError):
        services.update_booking_rules(clinic, actor=staff_user, slug="kapret")


# --- Reveal ----------------------------------------------------------------------------------

def test_reveal_fnr_logs_and_returns_the_number(clinic, staff_user, appointment):
    assert services.reveal_fnr(appointment, actor=staff_user) == valid_fnr()
    entry = AuditEntry.objects.get(action="patient.fnr_revealed")
    assert entry.actor == staff_user and entry.object_type == "appointments.patient"
    assert entry.data == {"appointment": appointment.reference}
    assert services.reveal_fnr(appointment.patient, actor=staff_user) == valid_fnr()
    assert AuditEntry.objects.filter(action="patient.fnr_revealed").count() == 2


def test_reveal_fnr_refuses_other_clinics_staff_and_anonymous(appointment, other_staff_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.reveal_fnr(appointment, actor=other_staff_user)
    with pytest.raises(PermissionError):
        services.reveal_fnr(appointment, actor=AnonymousUser())
    assert not AuditEntry.objects.filter(action="patient.fnr_revealed").exists()
