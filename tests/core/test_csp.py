"""The Content-Security-Policy header is always plain printable ASCII: the builder lets through
only sources of the CSP grammar and leaves out everything else."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from timebok.core.middleware import SecurityHeadersMiddleware, UnsafeCspSource, build_policy, csp_source

SAFE = [
    "'self'", "'none'", "*", "data:", "https:", "https://a.example", "https://track.example:8443",
    "https://*.example.com", "http://localhost:9000", "http://127.0.0.1:8000", "http://[::1]:9000",
    "https://xn--bcher-kva.example", "https://xn--exmple-4nf.com", "https://a.example:*",
]
UNSAFE = [
    "https://exаmple.com",  # Cyrillic а (IDN, not in IDNA form)
    "https://bücher.example",  # Latin-1
    "https://b\xfccher.example",
    "https://a.example'", "'unsafe-inline'", "'unsafe-eval'", '"https://a.example"',  # quotes
    "https://a.example https://evil.example", "https://a.example\t", " https://a.example",  # spaces
    "https://a.example;script-src *", "https://a.example; script-src 'unsafe-inline'",  # semicolons
    "https://a.example,https://evil.example",  # a comma starts a second policy
    "https://a.example/t.gif", "https://a.example?x=1",  # paths and queries are not needed
    "https://a.example\r\nSet-Cookie: x=1", "https://a.example\x00", "https://a.example\u2028",
    "https://" + "a" * 64 + ".example",  # label over 63
    "https://" + ".".join(["abcdefghij"] * 30),  # host over 253
    "https://a.example:0", "https://a.example:99999", "https://a.example:-1", "https://-a.example",
    "https://A.EXAMPLE", "javascript:", "", "ftp://a.example", "https://[zz::1]", "https://a..example",
]


@pytest.mark.parametrize("source", SAFE)
def test_safe_sources_pass(source):
    assert csp_source(source) == source


@pytest.mark.parametrize("source", UNSAFE)
def test_unsafe_sources_are_refused(source):
    with pytest.raises(UnsafeCspSource):
        csp_source(source)


@pytest.mark.parametrize("source", UNSAFE)
def test_policy_leaves_out_unsafe_sources_and_stays_ascii(source, caplog):
    policy = build_policy({"img-src": [source, "https://ok.example"], "connect-src": [source]}, [source])
    assert policy.isascii() and policy.isprintable()
    assert "\r" not in policy and "\n" not in policy and "," not in policy and "=?" not in policy
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["img-src"] == "'self' data: https://ok.example"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert len(directives) == 10
    if source:
        assert any("CSP: left out" in r.getMessage() for r in caplog.records)


def test_a_very_long_source_list_stays_valid():
    sources = [f"https://t{i}.example" for i in range(200)]
    policy = build_policy({"img-src": sources}, ["*"])
    assert policy.isascii()
    assert policy.count("https://t") == 200
    assert "frame-ancestors *" in policy


def test_invalid_directive_names_are_left_out():
    policy = build_policy({"img-src; script-src": ["*"], "scrïpt-src": ["*"], "report-uri": []}, None)
    assert "script-src 'self';" in policy and "*" not in policy
    assert "report-uri 'self'" in policy


@pytest.mark.parametrize("source", ["https://exаmple.com", "https://bücher.example", "https://a.example;x"])
def test_middleware_header_is_ascii_whatever_a_view_adds(source):
    def view(request):  # type: ignore[no-untyped-def]
        response = HttpResponse("ok")
        response.csp_extra = {"img-src": [source]}
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    header = response["Content-Security-Policy"]
    assert header.isascii() and source not in header
    assert header.startswith("default-src 'self'; ")
    # as it goes out on the wire: Django would MIME-encode (=?utf-8?...) a non-Latin-1 value
    assert b"=?utf-8?" not in response.serialize_headers()
