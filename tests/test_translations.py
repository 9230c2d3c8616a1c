"""The English catalogue: complete, nothing fuzzy, up to date with the source strings, and
compiled (the system check timebok.E001)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from babel.messages.pofile import read_po
from django.core import checks
from django.utils import translation

import timebok
from timebok.core.language import check_catalogues

PACKAGE = Path(timebok.__file__).parent
EN_PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _catalogue(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as f:
        return read_po(f)


def _keys(catalogue) -> set[tuple[object, object]]:  # type: ignore[no-untyped-def]
    return {(m.id, m.context) for m in catalogue if m.id}


def test_every_source_string_has_an_english_translation_and_none_is_fuzzy():
    catalogue = _catalogue(EN_PO)
    assert len(catalogue) > 600
    untranslated = [m.id for m in catalogue if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [], f"translate in {EN_PO}: {untranslated[:5]}"
    assert fuzzy == [], f"fuzzy entries: {fuzzy[:5]}"
    assert not catalogue.fuzzy


def test_the_translations_keep_their_placeholders():
    import re

    for m in _catalogue(EN_PO):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(re.findall(r"%\(\w+\)s|%%", ids[-1]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)s|%%", s)) <= wanted | {"%%"}, (m.id, s)
            assert wanted - {"%(n)s"} <= set(re.findall(r"%\(\w+\)s|%%", s)), (m.id, s)


#: The marking functions, as makemessages (xgettext) reads them, plus N_ of the pure packages.
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "gettext_noop": None, "N_": None,
            "ngettext": (1, 2), "ngettext_lazy": (1, 2), "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "npgettext_lazy": ((1, "c"), 2, 3)}


def source_strings() -> set[tuple[object, object]]:
    """Every marked string of the source, extracted as makemessages does (Django's templatize
    turns a template into gettext calls) but with Babel, so no GNU gettext is needed."""
    from babel.messages.extract import extract
    from django.utils.translation.template import templatize

    found = set()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html", ".txt") or {"locale", "static"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            if "templates" not in path.parts:
                continue
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
        for _line, message, _comments, context in extract("python", io.BytesIO(text.encode()), keywords=KEYWORDS,
                                                          options={"encoding": "utf-8"}):
            found.add((message, context))
    return found


def test_the_catalogue_is_up_to_date_with_the_source():
    fresh, ours = source_strings(), _keys(_catalogue(EN_PO))
    new, gone = sorted(map(str, fresh - ours)), sorted(map(str, ours - fresh))
    assert new == [], f"new source strings: run `make messages` and translate them: {new[:5]}"
    assert gone == [], f"strings no longer in the source: run `make messages`: {gone[:5]}"


def test_the_extraction_finds_templates_python_and_the_pure_packages():
    found = {message for message, _context in source_strings()}
    assert {"Godkjenn og gjennomfør", "Fødselsnummeret må ha 11 siffer.", "Fant ikke klinikken.",
            ("%(n)s ledig time %(day)s.", "%(n)s ledige timer %(day)s.")} <= found


def test_the_compiled_catalogue_is_used():
    with translation.override("en"):
        assert translation.gettext("Bestill time") == "Book an appointment"
        assert translation.gettext("Godkjenn og gjennomfør") == "Confirm and book"
    with translation.override("nb"):
        assert translation.gettext("Bestill time") == "Bestill time"


def test_a_missing_or_stale_catalogue_fails_the_system_check(settings, tmp_path):
    folder = tmp_path / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    assert [e.id for e in check_catalogues()] == ["timebok.E001"]
    mo = folder / "django.mo"
    mo.write_bytes(b"")
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    assert [e.id for e in check_catalogues()] == ["timebok.E001"]
    os.utime(mo, (po.stat().st_mtime + 10, po.stat().st_mtime + 10))
    assert check_catalogues() == []


def test_the_installed_catalogues_pass_the_check():
    assert [e for e in checks.run_checks(tags=[checks.Tags.translation]) if e.id == "timebok.E001"] == []
