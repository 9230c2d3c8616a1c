"""Our small bokmål catalogue for the Django admin's untranslated strings: compiled, and used."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

import timebok

LOCALE = Path(timebok.__file__).parent / "locale" / "nb" / "LC_MESSAGES"


def _entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return {m[0]: m[1] for m in re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)}


def test_the_compiled_catalogue_matches_the_po_file():
    entries = _entries()
    assert entries
    with (LOCALE / "django.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for msgid, msgstr in entries.items():
        assert catalogue.gettext(msgid) == msgstr, f"run msgfmt: {msgid}"


@pytest.mark.parametrize(("english", "bokmaal"), [
    ("Skip to main content", "Hopp til innholdet"), ("Show counts", "Vis antall")])
def test_admin_strings_are_bokmaal(english, bokmaal):
    with translation.override("nb"):
        assert translation.gettext(english) == bokmaal
