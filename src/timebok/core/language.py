"""Which language a request is answered in: bokmål (the source strings) or English.

Patients choose without a cookie (the booking flow is cookie-free and works in an iframe):

1. the POST field ``lang`` (every form of the flow carries it; the switch "English"/"Norsk"
   is a submit button ``bytt_sprak`` that re-renders the same step in the other language);
2. the query parameter ``?lang=`` (booking links, embeds, the switch on GET pages);
3. the language stored with the booking draft or the appointment (the summary and confirm
   steps, the receipt, the personal link: :func:`use_stored`, called by those views);
4. the browser's ``Accept-Language``;
5. bokmål.

Staff pages (``/timebok/``, ``/admin/``) stay bokmål, unless the logged-in user chose English
in their profile (``core.StaffProfile``, page ``/timebok/min-profil/``). The API follows
``Accept-Language`` (and ``?lang=``). Responses that depend on ``Accept-Language`` say so
with ``Vary: Accept-Language``; every response carries ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

DEFAULT = "nb"
#: The switch's button; its value is the language to switch to.
SWITCH_FIELD = "bytt_sprak"
STAFF_PREFIXES = ("/timebok/", "/admin/")
API_PREFIX = "/api/"


def normalize(value: Any) -> str | None:
    """"en", "en-GB", "EN" -> "en"; "nb", "no", "nn", "nb-NO" -> "nb"; anything else None."""
    if not isinstance(value, str) or not value or len(value) > 35:
        return None
    base = value.strip().lower().replace("_", "-").split("-", 1)[0]
    if base == "en":
        return "en"
    if base in ("nb", "no", "nn"):
        return "nb"
    return None


def from_accept_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header (by its q-values)."""
    if not header or len(header) > 500:
        return None
    try:
        parsed = parse_accept_lang_header(header)
    except ValueError:
        return None
    for code, _q in parsed:
        if code == "*":
            return None
        found = normalize(code)
        if found:
            return found
    return None


def explicit_choice(request: HttpRequest) -> str | None:
    """The patient's own choice in this request: the switch, the POST field, ``?lang=``."""
    if request.method == "POST":
        try:
            post = request.POST
        except (OSError, MultiPartParserError):  # a broken body: the view answers it
            post = QueryDict()
        for name in (SWITCH_FIELD, "lang"):
            found = normalize(post.get(name))
            if found:
                return found
    return normalize(request.GET.get("lang"))


def _staff_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return DEFAULT
    from timebok.core.profiles import language_of

    return normalize(language_of(user)) or DEFAULT


def use_stored(request: HttpRequest, language: str) -> None:
    """A view that knows the appointment's language (receipt, personal link) uses it, unless
    the patient chose one in this request."""
    if getattr(request, "language_chosen", False):
        return
    found = normalize(language)
    if found:
        translation.activate(found)
        request.LANGUAGE_CODE = found


def other(language: str) -> str:
    return "nb" if language == "en" else "en"


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        varies = False
        if path.startswith(STAFF_PREFIXES):
            language = _staff_language(request)
            request.language_chosen = True  # type: ignore[attr-defined]
        else:
            chosen = explicit_choice(request)
            request.language_chosen = chosen is not None  # type: ignore[attr-defined]
            language = chosen or ""
            if not language:
                varies = True
                language = from_accept_language(request.headers.get("Accept-Language", "")) or DEFAULT
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            active = translation.get_language() or language
            translation.deactivate()
        if varies or path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Accept-Language",))
        response.setdefault("Content-Language", active)
        return response


# --- The compiled catalogues ---------------------------------------------------------------


@checks.register(checks.Tags.translation)
def check_catalogues(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """timebok.E001: a catalogue's .mo is missing or older than its .po (run ``make install``)."""
    errors: list[checks.CheckMessage] = []
    for folder in settings.LOCALE_PATHS:
        for po in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                errors.append(checks.Error(
                    f"The translation catalogue {mo} is missing or older than {po.name}.",
                    hint="Run `make install` (it compiles the catalogues with Babel).",
                    id="timebok.E001",
                ))
    return errors
