"""The tracking script against a minimal page that plugs it in like the booking page:
nothing before consent, each link once, nothing with "Avslå", no referrer, CSP-allowed."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.insights.tracking_urls"),
]

SEARCH = "https://tracker.example/collect?id=AW-123&ev=search"
BOOKED = "https://tracker.example/collect?id=AW-123&ev=booked"
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def ready(page) -> None:
    """The tracking script has run (it sends what it may at once, synchronously)."""
    page.locator("#tb-tracking[data-state=ready]").wait_for(state="attached")


def sent(page) -> str:
    """What the script has requested on this page: "", "search", "booked", …"""
    return page.locator("#tb-tracking").get_attribute("data-sent") or ""


@pytest.fixture
def tracked_clinic(clinic):
    clinic.tracking_search_url = SEARCH
    clinic.tracking_booked_url = BOOKED
    clinic.save()
    return clinic


@pytest.fixture
def hits(page):
    seen: list[dict] = []

    def handle(route, request):
        seen.append({"url": request.url, "headers": request.headers})
        route.fulfill(status=200, content_type="image/gif", body=GIF)

    page.route("https://tracker.example/**", handle)
    return seen


def test_consent_then_each_link_once(live_server, page, tracked_clinic, hits):
    base = f"{live_server.url}/test-tracking/{tracked_clinic.slug}/"
    page.goto(base + "?event=search")
    banner = page.get_by_role("region", name="Sporing")
    ready(page)
    assert banner.is_visible()
    assert sent(page) == "" and hits == []  # nothing before consent
    with page.expect_request(SEARCH):
        page.get_by_role("button", name="Godta").click()
    assert sent(page) == "search"
    assert [h["url"] for h in hits] == [SEARCH]
    assert not banner.is_visible()
    assert page.evaluate("document.activeElement.id") == "tb-consent-change"

    page.goto(base + "?event=search")  # another search in the same visit
    ready(page)
    page.evaluate("document.dispatchEvent(new CustomEvent('timebok:search'))")
    assert sent(page) == ""
    assert not page.get_by_role("region", name="Sporing").is_visible()  # remembered

    with page.expect_request(BOOKED):
        page.goto(base + "?event=booked&key=A1")
    ready(page)
    assert sent(page) == "booked"
    page.reload()
    ready(page)
    assert sent(page) == ""  # a reloaded receipt does not count twice
    assert [h["url"] for h in hits] == [SEARCH, BOOKED]
    for hit in hits:
        assert "referer" not in {k.lower() for k in hit["headers"]}


def test_search_before_consent_fires_once_when_accepted(live_server, page, tracked_clinic, hits):
    page.goto(f"{live_server.url}/test-tracking/{tracked_clinic.slug}/")
    ready(page)
    page.evaluate("document.dispatchEvent(new CustomEvent('timebok:search'))")
    assert sent(page) == "" and hits == []
    with page.expect_request(SEARCH):
        page.get_by_role("button", name="Godta").click()
    page.evaluate("document.dispatchEvent(new CustomEvent('timebok:search'))")
    assert sent(page) == "search"
    assert [h["url"] for h in hits] == [SEARCH]


def test_declined_means_no_request_and_is_remembered(live_server, page, tracked_clinic, hits):
    base = f"{live_server.url}/test-tracking/{tracked_clinic.slug}/"
    page.goto(base + "?event=search")
    page.get_by_role("button", name="Avslå").click()
    page.evaluate("document.dispatchEvent(new CustomEvent('timebok:search'))")
    assert sent(page) == ""
    for query in ("?event=booked&key=B2", "?event=search"):
        page.goto(base + query)
        ready(page)
        assert sent(page) == ""
    assert hits == []
    assert not page.get_by_role("region", name="Sporing").is_visible()
    # The choice can be changed later.
    page.get_by_role("button", name="Endre valget om sporing").click()
    assert page.get_by_role("region", name="Sporing").is_visible()


def test_csp_allows_only_the_tracking_host(live_server, page, tracked_clinic):
    response = page.goto(f"{live_server.url}/test-tracking/{tracked_clinic.slug}/")
    csp = response.headers["content-security-policy"]
    assert "img-src 'self' data: https://tracker.example;" in csp
    assert response.headers["referrer-policy"] in ("strict-origin", "no-referrer", "same-origin")
