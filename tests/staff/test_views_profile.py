"""Min profil: the staff user's language for the Timebok module."""

from __future__ import annotations

import re

import pytest

from timebok.core.models import AuditEntry, StaffProfile

pytestmark = pytest.mark.django_db
URL = "/timebok/min-profil/"


def test_the_profile_is_linked_in_the_menu_and_defaults_to_bokmaal(staff_client, clinic):
    html = staff_client.get(f"/timebok/{clinic.slug}/oversikt/").content.decode()
    assert f'<a href="{URL}">Min profil</a>' in html
    page = staff_client.get(URL).content.decode()
    assert "Språk i Timebok" in page
    assert re.search(r'<input type="radio" name="language" value="nb"[^>]* checked', page)


def test_choosing_english_switches_the_staff_pages_and_is_audited(staff_client, staff_user, clinic):
    r = staff_client.post(URL, {"language": "en"})
    assert r.status_code == 302 and r["Location"] == URL
    assert StaffProfile.objects.get(user=staff_user).language == "en"
    page = staff_client.get(URL)
    assert page["Content-Language"] == "en" and "Your profile has been saved." in page.content.decode()
    overview = staff_client.get(f"/timebok/{clinic.slug}/oversikt/").content.decode()
    assert "Week templates" in overview and "Ukemaler" not in overview
    entry = AuditEntry.objects.get(action="profile.language_changed")
    assert entry.actor == staff_user and entry.data == {"before": "nb", "after": "en"}
    staff_client.post(URL, {"language": "nb"})
    assert staff_client.get(URL)["Content-Language"] == "nb"


def test_a_bad_choice_is_refused_next_to_the_field(staff_client, staff_user):
    r = staff_client.post(URL, {"language": "de"})
    assert r.status_code == 422 and "Velg et språk fra listen." in r.content.decode()
    assert not StaffProfile.objects.filter(user=staff_user).exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    r = client.get(URL)
    assert r.status_code == 302 and "/timebok/logg-inn/" in r["Location"]
