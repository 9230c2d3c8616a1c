"""Host names in the one form that is safe everywhere: lower-case ASCII, internationalised
names in IDNA (punycode) form, as a browser sends them in DNS and compares them in a
Content-Security-Policy.

``bücher.example`` becomes ``xn--bcher-kva.example``; ``exаmple.com`` with a Cyrillic "а"
becomes ``xn--exmple-4nf.com``, so the look-alike is plain to see once stored.
"""

from __future__ import annotations

import ipaddress
import re

import idna

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DNS_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")


def ascii_host(host: str) -> str:
    """The host in ASCII form (IDNA for international names); ValueError if it is not a
    valid DNS name, IPv4 address or bracket-less IPv6 address."""
    host = host.strip()
    if not host or len(host) > 253:
        raise ValueError("empty or too long host")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise ValueError(f"not a valid international host name: {exc}") from None
    host = host.lower()
    if len(host) > 253 or not DNS_NAME.fullmatch(host):
        raise ValueError("not a valid host name")
    return host
