"""The tracking pieces the booking page plugs in: CSP hosts, headers, and the include."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string

from timebok.core.middleware import build_policy
from timebok.insights.tracking import apply_tracking_headers, tracking_csp, tracking_origin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "origin"), [
    ("https://www.googletagmanager.com/x?id=1&y=2", "https://www.googletagmanager.com"),
    ("https://Track.Example:8443/p", "https://track.example:8443"),
    ("http://localhost:9000/p", "http://localhost:9000"),
    ("", None), ("nonsense", None), ("https://x.example:99999/", None), ("https://x.example:0/", None),
    # links stored before they were normalised: read tolerantly, never a broken header
    ("https://exаmple.com/t.gif", "https://xn--exmple-4nf.com"),
    ("https://BÜCHER.example/t.gif", "https://xn--bcher-kva.example"),
    ("https://a_b.example/t.gif", None), ("https://a.example;script-src%20*/t", None),
    ("https://[::1]:9000/t", "https://[::1]:9000"),
])
def test_tracking_origin(url, origin):
    assert tracking_origin(url) == origin


def test_tracking_csp_lists_only_the_configured_hosts(clinic):
    assert tracking_csp(clinic) == {}
    clinic.tracking_search_url = "https://a.example/s?id=1"
    clinic.tracking_booked_url = "https://b.example/b"
    assert tracking_csp(clinic) == {"img-src": ["https://a.example", "https://b.example"],
                                    "connect-src": ["https://a.example", "https://b.example"]}
    clinic.tracking_booked_url = "https://a.example/b"
    assert tracking_csp(clinic)["img-src"] == ["https://a.example"]


def test_apply_tracking_headers(clinic):
    clinic.tracking_search_url = "https://a.example/s"
    response = HttpResponse()
    response.csp_extra = {"img-src": ["https://maps.example"]}
    apply_tracking_headers(response, clinic)
    policy = build_policy(response.csp_extra, None)
    assert "img-src 'self' data: https://maps.example https://a.example" in policy
    assert "connect-src 'self' https://a.example" in policy
    assert "script-src 'self';" in policy


def test_include_renders_nothing_without_links(clinic):
    assert render_to_string("insights/_tracking.html", {"clinic": clinic, "tracking_event": "search"}).strip() == ""


def test_include_renders_banner_and_data_without_inline_script(clinic):
    clinic.tracking_search_url = "https://a.example/s?id=1&x=2"
    clinic.tracking_booked_url = "https://b.example/b"
    html = render_to_string("insights/_tracking.html", {"clinic": clinic, "tracking_event": "booked",
                                                     "tracking_event_key": "k1"})
    assert 'data-search-url="https://a.example/s?id=1&amp;x=2"' in html
    assert 'data-booked-url="https://b.example/b"' in html
    assert 'data-event="booked"' in html and 'data-event-key="k1"' in html
    assert ">Godta<" in html and ">Avslå<" in html
    assert "a.example, b.example" in html
    assert 'src="/static/timebok/insights/tracking.js"' in html
    assert "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(("stored", "origin"), [
    ("https://exаmple.com/t.gif", "https://xn--exmple-4nf.com"),
    ("https://bücher.example/t.gif", "https://xn--bcher-kva.example"),
    ("https://a.example;script-src 'unsafe-inline'/t", None),
    ("https://a.example,https://evil.example/t", None),
])
def test_booking_page_csp_survives_any_stored_link(anon_client, clinic, stored, origin):
    """A value stored before the form normalised links (or written by a script) can never
    switch the booking page's CSP off: the header stays plain ASCII."""
    type(clinic).objects.filter(pk=clinic.pk).update(tracking_search_url=stored)
    response = anon_client.get(f"/b/{clinic.slug}/")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert header.isascii() and header.isprintable() and "," not in header
    assert "script-src 'self';" in header and "unsafe" not in header
    assert (f"img-src 'self' data: {origin};" in header) if origin else ("img-src 'self' data:;" in header)
    assert b"=?utf-8?" not in response.serialize_headers()
