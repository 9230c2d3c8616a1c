"""The language middleware: the patient's choice (form field, ?lang=), the appointment's,
the browser's, bokmål; staff pages by the user's profile; no cookie, Vary where it matters."""

from __future__ import annotations

import pytest

from tests.factories import book, details
from timebok.core import profiles
from timebok.core.language import from_accept_language, normalize

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "expected"), [
    ("en", "en"), ("EN-gb", "en"), ("en_US", "en"), ("nb", "nb"), ("no", "nb"), ("nn-NO", "nb"),
    ("de", None), ("", None), ("x" * 50, None), (None, None), ("\ud800", None), ("e\x00n", None),
])
def test_normalize(value, expected):
    assert normalize(value) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9,en;q=0.5", "en"), ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
    ("de", None), ("", None), ("*", None), ("en;q=0.1,nb;q=0.9", "nb"), ("garbage;;;q=x", None), ("a" * 600, None),
])
def test_accept_language(header, expected):
    assert from_accept_language(header) == expected


def _lang(response) -> str:
    return response["Content-Language"]


def test_public_pages_follow_the_choice_then_the_browser_then_bokmaal(client, clinic):
    url = f"/b/{clinic.slug}/"
    assert _lang(client.get(url)) == "nb"
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")) == "en"
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="de")) == "nb"
    assert _lang(client.get(url + "?lang=en")) == "en"
    assert _lang(client.get(url + "?lang=nb", HTTP_ACCEPT_LANGUAGE="en")) == "nb"
    assert _lang(client.get(url + "?lang=klingon", HTTP_ACCEPT_LANGUAGE="en")) == "en"
    # The form's field wins over the query and the browser.
    assert _lang(client.post(url + "?lang=nb", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="nb")) == "en"
    assert '<html lang="en">' in client.get(url + "?lang=en").content.decode()


def test_no_cookie_and_vary_only_when_the_browser_decided(client, clinic):
    url = f"/b/{clinic.slug}/"
    chosen = client.get(url + "?lang=en")
    assert not chosen.cookies and "Accept-Language" not in chosen.get("Vary", "")
    by_browser = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert not by_browser.cookies and "Accept-Language" in by_browser["Vary"]
    assert not client.cookies


def test_the_choice_travels_in_links_and_forms(client, clinic):
    html = client.get(f"/b/{clinic.slug}/?lang=en").content.decode()
    assert html.count('<input type="hidden" name="lang" value="en">') == 2  # the search form and the booking form
    nb = client.get(f"/b/{clinic.slug}/").content.decode()
    assert 'name="lang"' not in nb  # nothing chosen: the browser keeps deciding


def test_the_personal_link_uses_the_appointments_language_unless_chosen(client, clinic):
    appt = book(clinic, patient=details(2), language="en")
    url = f"/t/{appt.manage_token}/"
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="nb")) == "en"
    assert _lang(client.get(url + "?lang=nb")) == "nb"
    nb = book(clinic, hour=13, patient=details(3))
    assert _lang(client.get(f"/t/{nb.manage_token}/", HTTP_ACCEPT_LANGUAGE="en")) == "nb"


def test_staff_pages_stay_bokmaal_unless_the_profile_says_english(staff_client, staff_user, clinic):
    url = f"/timebok/{clinic.slug}/oversikt/"
    r = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(r) == "nb" and "Accept-Language" not in r.get("Vary", "")
    assert _lang(staff_client.get(url + "?lang=en")) == "nb"
    profiles.set_language(staff_user, "en")
    r = staff_client.get(url)
    assert _lang(r) == "en" and "Closed days" in r.content.decode() and "My profile" in r.content.decode()
    # The patient's pages are the patient's choice, not the staff user's.
    assert _lang(staff_client.get(f"/b/{clinic.slug}/")) == "nb"


def test_the_login_page_is_bokmaal(client):
    assert _lang(client.get("/timebok/logg-inn/", HTTP_ACCEPT_LANGUAGE="en")) == "nb"


def test_a_broken_form_body_does_not_break_the_choice(client, clinic):
    r = client.generic("POST", f"/b/{clinic.slug}/", b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert r.status_code < 500
