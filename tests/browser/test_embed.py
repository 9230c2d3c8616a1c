"""The embed from the link generator, on a clinic's page on another origin: with the loader
script the iframe grows and shrinks with the booking page's content; messages that do not
come from the iframe, or do not have the right shape, are ignored; without the script the
iframe keeps its fixed height."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from timebok.clinics.demo import load_demo
from timebok.staff.views.settings import iframe_snippet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_site() -> Iterator[dict]:
    """A tiny web server on another origin (127.0.0.1 and its own port; the live server is
    localhost): the clinic's own page. Tests put the HTML to serve in ``pages``."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "pages": pages}
    finally:
        server.shutdown()
        server.server_close()


def clinic_page(body: str) -> str:
    return (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Klinikken</title></head>'
            f"<body><h1>Bestill time hos oss</h1>{body}<p>Velkommen!</p></body></html>")


def content_height(frame) -> int:
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


def iframe_height(page) -> int:
    """The iframe's inner height (without its border)."""
    return page.evaluate("document.querySelector('iframe[data-timebok-embed]').clientHeight")


def wait_for_fit(page, frame) -> int:
    """Until the iframe is as tall as its content (the loader has applied the last height)."""
    page.wait_for_function(
        """(want) => { const f = document.querySelector('iframe[data-timebok-embed]');
                       return Math.abs(f.clientHeight - want) <= 1; }""",
        arg=content_height(frame))
    return iframe_height(page)


def test_iframe_follows_the_content_with_the_loader(live_server, page, clinic_site):
    load_demo()
    snippet = iframe_snippet(f"{live_server.url}/b/demo/", "Bestill time", f"{live_server.url}/static/timebok/embed.js")
    clinic_site["pages"]["/"] = clinic_page(snippet)
    page.goto(clinic_site["url"] + "/")
    assert page.evaluate("location.origin") != live_server.url  # really another origin

    page.wait_for_selector("iframe[data-timebok-height]", state="attached")
    frame = page.locator("iframe[data-timebok-embed]").element_handle().content_frame()
    frame.wait_for_load_state()
    first = wait_for_fit(page, frame)
    assert first != 900  # sized to the booking page, not the fallback

    # The content grows (as when times appear): the iframe follows. CSSOM, as the page's CSP allows.
    frame.evaluate("""() => { const d = document.createElement('div'); d.id = 'grow';
                              d.style.height = '1500px'; document.querySelector('main').append(d); }""")
    grown = wait_for_fit(page, frame)
    assert grown >= first + 1499
    # ... and shrinks back.
    frame.evaluate("() => document.getElementById('grow').remove()")
    assert abs(wait_for_fit(page, frame) - first) <= 1

    # A message from the clinic's page itself, or one of the wrong shape, changes nothing.
    page.evaluate("""() => { window.probes = 0;
                             addEventListener('message', (e) => {
                               if (e.data && e.data.type === 'probe') { probes++; } }); }""")
    before = iframe_height(page)
    page.evaluate("""() => { postMessage({type: 'timebok:height', height: 77}, '*');
                             postMessage({type: 'probe'}, '*'); }""")
    frame.evaluate("""() => { parent.postMessage({type: 'timebok:height', height: '5000'}, '*');
                              parent.postMessage({type: 'timebok:height', height: -1}, '*');
                              parent.postMessage('timebok:height 5000', '*');
                              parent.postMessage({type: 'probe'}, '*'); }""")
    page.wait_for_function("window.probes === 2")
    assert iframe_height(page) == before


def test_without_the_script_the_iframe_keeps_a_fixed_height(live_server, page, clinic_site):
    load_demo()
    snippet = iframe_snippet(f"{live_server.url}/b/demo/", "Bestill time", "").split("\n")[0]  # iframe only
    clinic_site["pages"]["/"] = clinic_page(snippet)
    page.goto(clinic_site["url"] + "/")
    frame = page.locator("iframe[data-timebok-embed]").element_handle().content_frame()
    frame.wait_for_load_state()
    frame.get_by_label("Timetype").wait_for()  # the booking page works inside
    assert iframe_height(page) == 900
    assert content_height(frame) > 0
