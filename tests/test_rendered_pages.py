"""Every page, public and staff, renders without template syntax leaking into its HTML: a
multi-line {# #} comment (which Django does not support) or an unknown tag shows up here."""

from __future__ import annotations

import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

from tests.factories import at, book, details, make_clinic, monday
from tests.public.conftest import form_data
from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db

LEAK = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def paths(slug: str, pk: int) -> list[str]:
    """Every URL pattern that answers GET with a page (not the admin's own or the API's JSON)."""
    found = []
    for _func, regex, _namespace, _name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        path = simplify_regex(regex)
        if path.startswith(("/admin/", "/api/")):
            continue
        path = re.sub(r"<slug:\w+>", slug, path)
        path = re.sub(r"<int:\w+>", str(pk), path)
        path = re.sub(r"<(str:)?\w+>", "x", path)
        found.append(path)
    return sorted(set(found))


def assert_clean(response, label: str) -> None:
    if "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    leak = LEAK.search(html)
    near = html[max(0, leak.start() - 80):leak.end() + 80] if leak else ""
    assert leak is None, f"{label}: template syntax in the output near {near!r}"


def test_every_page_for_staff_and_for_a_visitor(client, staff_client, clinic):
    appointment = book(clinic)
    urls = paths(clinic.slug, appointment.pk)
    assert "/b/fysio/" in urls and "/timebok/fysio/oversikt/" in urls and "/t/x/" in urls
    for url in urls:
        for who, c in (("staff", staff_client), ("visitor", client)):
            assert_clean(c.get(url), f"{who} GET {url}")


def test_every_step_of_the_flow_and_every_refusal(client, clinic, other_clinic, settings,
                                                  django_capture_on_commit_callbacks):
    clinic.tracking_search_url = "https://t.example/s"
    clinic.save()
    summary = client.post(f"/b/{clinic.slug}/", form_data(clinic))
    assert_clean(summary, "summary")
    token = re.search(r'name="utkast" value="([^"]+)"', summary.content.decode()).group(1)
    assert_clean(client.post(f"/b/{clinic.slug}/", {"utkast": token, "handling": "rediger"}), "edit")
    assert_clean(client.post(f"/b/{clinic.slug}/", form_data(clinic, fornavn="")), "errors")
    assert_clean(client.post(f"/b/{clinic.slug}/", form_data(clinic, nettsted="x")), "rejected")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": token, "handling": "godkjenn"})
    assert_clean(client.get(done["Location"]), "receipt")
    other = make_clinic(slug="stengt", name="Stengt")
    other.online_booking = False
    other.save()
    assert_clean(client.get("/b/stengt/"), "closed")
    assert_clean(client.get("/b/finnes-ikke/"), "404")
    settings.BOOKING_RATE_LIMIT = 0
    assert_clean(client.post(f"/b/{clinic.slug}/bekreft/", {"utkast": token, "handling": "godkjenn"}),
                 "rate limited")
    assert_clean(client.post(f"/b/{other_clinic.slug}/", form_data(other_clinic)), "another clinic's summary")
    own = book(clinic, hour=13, patient=details(3))
    assert_clean(client.get(f"/t/{own.manage_token}/"), "the personal link")
    message = OutgoingMessage.objects.filter(channel="email").first()
    assert message is not None and LEAK.search(message.body) is None and LEAK.search(message.subject) is None


def test_the_leak_check_would_see_a_multi_line_comment():
    from django.template import engines

    html = engines["django"].from_string("<p>a</p>{# one\ntwo #}").render({})
    assert LEAK.search(html)


# --- Every public page in English: no Norwegian left ---------------------------------------

#: Norwegian words that an English page must not contain (outside the clinic's own data).
NORWEGIAN = re.compile(
    r"[æøåÆØÅ]|\b(og|ikke|ledig|ledige|bestill|bestilling|bestillingen|behandler|behandleren|timetype|timetypen|"
    r"ukemal|stengt|klinikken|dato|neste|forrige|måned|mandag|tirsdag|onsdag|torsdag|fredag|januar|februar|"
    r"juni|juli|oktober|desember|kr|kl|hos|eller|fra|til|du|din|dine|velg|fyll|avbestill|kvittering|"
    r"oppsummering|rediger|godkjenn|referanse|sted|timen|Hei|Vennlig|hilsen|Påminnelse)\b",
    re.IGNORECASE,
)
_TEXT_ATTRS = re.compile(r'\s(?:aria-label|title|alt|placeholder|data-(?:one|many|choose|none|loading|caption|'
                         r'granted|denied))="([^"]*)"')


def _catalogue_pieces() -> list[str]:
    """Literal pieces (12+ characters) of every source string whose English differs: any of
    them on an English page is a string that was rendered untranslated."""
    from babel.messages.pofile import read_po

    from tests.test_translations import EN_PO

    with EN_PO.open("rb") as f:
        catalogue = read_po(f)
    pieces = set()
    for message in catalogue:
        if not message.id:
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"%\(\w+\)s|%%?\w?|\{\{.*?\}\}", msgid):
                piece = piece.strip(" .,:;()«»–")
                if len(piece) >= 12 and re.search(r"[a-zæøå]", piece):
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def visible_text(html: str, data: list[str]) -> str:
    """The page's text for a reader (and the texts in attributes that are read out or shown),
    without the clinic's and patient's own data, which stays as they wrote it."""
    import html as htmllib

    attrs = " ".join(_TEXT_ATTRS.findall(html))
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html) + " " + attrs)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r'\bNorsk\b', " ", text)  # the switch back
    return re.sub(r"\s+", " ", text)


def clinic_data(clinic) -> list[str]:
    values = [clinic.name, clinic.address, "Kari", "Nordmann", "Vondt i kneet", "kari@example.com"]
    for t in clinic.appointment_types.all():
        values += [t.name, t.info_text, t.address]
    for p in clinic.practitioners.all():
        values += [p.name, p.title]
    return [v for v in values if v]


def assert_english(response, label: str, data: list[str], pieces: list[str]) -> None:
    assert response.status_code < 500, label
    assert response["Content-Language"] == "en", label
    text = visible_text(response.content.decode(), data)
    word = NORWEGIAN.search(text)
    assert word is None, f"{label}: Norwegian {word.group(0)!r} in {text[max(0, word.start() - 80):word.end() + 80]!r}"
    left = [p for p in pieces if p in text]
    assert not left, f"{label}: untranslated {left[:3]}"


def test_every_public_page_in_english(client, clinic, settings, django_capture_on_commit_callbacks):
    from tests.public.conftest import form_data

    clinic.tracking_search_url = "https://t.example/s"  # the consent banner too
    clinic.save()
    data, pieces = clinic_data(clinic), _catalogue_pieces()
    slug = clinic.slug
    en = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}

    assert_english(client.get(f"/b/{slug}/?lang=en"), "booking page", data, pieces)
    assert_english(client.get(f"/b/{slug}/", **en), "booking page (Accept-Language)", data, pieces)
    assert_english(client.get(f"/b/{slug}/?timetype=999999&behandler=x&dato=2026-13-45&lang=en"),
                   "booking page with link notices", data, pieces)
    assert_english(client.post(f"/b/{slug}/", {**form_data(clinic, fornavn="", fodselsnummer="123"), "lang": "en"}),
                   "errors", data, pieces)
    summary = client.post(f"/b/{slug}/", {**form_data(clinic), "lang": "en"})
    assert_english(summary, "summary", data, pieces)
    token = re.search(r'name="utkast" value="([^"]+)"', summary.content.decode()).group(1)
    assert_english(client.post(f"/b/{slug}/", {"utkast": token, "handling": "rediger", "lang": "en"}), "edit",
                   data, pieces)
    assert_english(client.post(f"/b/{slug}/bekreft/", {"utkast": "x", "handling": "godkjenn", "lang": "en"}),
                   "expired", data, pieces)
    assert_english(client.post(f"/b/{slug}/", {**form_data(clinic, nettsted="x"), "lang": "en"}), "rejected",
                   data, pieces)
    book(clinic, start=at(monday(), 9), patient=details(7))  # the summary's time is taken now
    assert_english(client.post(f"/b/{slug}/bekreft/", {"utkast": token, "handling": "godkjenn", "lang": "en"}),
                   "conflict with the nearest free times", data, pieces)
    other = client.post(f"/b/{slug}/", {**form_data(clinic, hour=13), "lang": "en"})
    token = re.search(r'name="utkast" value="([^"]+)"', other.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/b/{slug}/bekreft/", {"utkast": token, "handling": "godkjenn", "lang": "en"})
    assert done.status_code == 302
    assert_english(client.get(done["Location"]), "receipt (the appointment's language)", data, pieces)
    assert_english(client.get(f"/t/{'x' * 43}/?lang=en"), "unknown personal link", data, pieces)
    own = book(clinic, hour=14, patient=details(3), language="en")
    assert_english(client.get(f"/t/{own.manage_token}/"), "the personal link (the appointment's language)",
                   data, pieces)
    assert_english(client.get(f"/t/{own.manage_token}/", {"handling": "endre"}),
                   "the personal link, change the time", data, pieces)
    assert_english(client.get(f"/t/{own.manage_token}/", {"handling": "avbestill"}),
                   "the personal link, confirm the cancellation", data, pieces)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(f"/t/{own.manage_token}/", {"lang": "en", "handling": "avbestill"})
    assert_english(client.get(cancelled["Location"]), "the personal link, cancelled", data, pieces)
    assert_english(client.get("/b/finnes-ikke/?lang=en"), "404", data, pieces)
    settings.DEMO = False
    assert_english(client.get("/", HTTP_ACCEPT_LANGUAGE="en"), "home", data, pieces)
    settings.BOOKING_RATE_LIMIT = 0
    assert_english(client.post(f"/b/{slug}/bekreft/", {"utkast": token, "handling": "godkjenn", "lang": "en"}),
                   "rate limited", data, pieces)
    settings.MANAGE_LINK_RATE_LIMIT = 0
    assert_english(client.get(f"/t/{own.manage_token}/?lang=en"), "personal link rate limited", data, pieces)
    closed = make_clinic(slug="stengt", name="Closed Clinic")
    closed.online_booking = False
    closed.save()
    assert_english(client.get("/b/stengt/?lang=en"), "closed", clinic_data(closed), pieces)


def test_the_english_check_sees_norwegian(clinic):
    assert NORWEGIAN.search(visible_text("<p>Velg en dag</p>", []))
    assert NORWEGIAN.search(visible_text('<button aria-label="torsdag 3. desember">3</button>', []))
    assert "Velg en dag i kalenderen for å se ledige timer" in _catalogue_pieces()
