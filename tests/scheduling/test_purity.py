"""The engine is pure Python: importing it pulls in neither Django nor the rest of Timebok."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import timebok.scheduling

PACKAGE = Path(timebok.scheduling.__file__).parent


def test_import_does_not_load_django_or_other_timebok_modules() -> None:
    code = (
        "import sys, timebok.scheduling\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'\n"
        "             or (m.startswith('timebok.') and not m.startswith('timebok.scheduling')))\n"
        "print(','.join(bad))\n"
    )
    src = str(PACKAGE.parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert out.stdout.strip() == ""


def test_sources_import_only_the_standard_library_and_the_package() -> None:
    allowed = {"__future__", "bisect", "collections", "dataclasses", "datetime", "zoneinfo"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside the package
                    continue
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


def test_public_api() -> None:
    for name in (
        "Block", "Period", "Template", "Closure", "Busy", "Rules", "Slot", "DayInfo",
        "ScheduleInput", "free_slots", "day_levels", "level_for", "FEW_MAX", "Availability",
        "IntInput", "IntTemplate", "IntBlock", "IntPeriod", "IntClosure", "DAY_US", "to_int_input",
    ):
        assert name in timebok.scheduling.__all__
        assert hasattr(timebok.scheduling, name)
