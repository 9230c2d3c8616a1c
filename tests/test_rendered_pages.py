"""Every page, public and staff, renders without template syntax leaking into its HTML: a
multi-line {# #} comment (which Django does not support) or an unknown tag shows up here."""

from __future__ import annotations

import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

from tests.factories import book, details, make_clinic
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
