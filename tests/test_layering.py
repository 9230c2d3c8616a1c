"""The layers, enforced: the engine is pure; the web layers (public, api, staff) are siblings
over the domain (appointments, clinics, core); insights sits beside them; the domain imports no
web layer. Every import counts, also one inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import timebok

ROOT = Path(timebok.__file__).parent

#: package -> packages of timebok it must never import
FORBIDDEN = {
    "scheduling": {"*"},
    "validation": {"*"},
    "appointments": {"api", "public", "staff", "insights"},
    "clinics": {"api", "public", "staff", "insights"},
    "core": {"api", "public", "staff", "insights", "appointments", "notifications"},
    "notifications": {"api", "public", "staff", "insights"},
    "public": {"api", "staff"},
    "api": {"public", "staff"},
    "insights": {"api", "public", "staff"},
    "staff": {"api", "public"},
}
#: packages that must not import Django at all
PURE = {"scheduling", "validation"}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def timebok_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "timebok" and len(parts) > 1 else None


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package):
    forbidden = FORBIDDEN[package]
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in imports_of(path):
            target = timebok_package(module)
            root = module.split(".")[0]
            if package in PURE and root == "django":
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
            if target is None or target == package:
                continue
            if "*" in forbidden or target in forbidden:
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
    assert problems == []


def test_the_rules_are_not_vacuous():
    # Every package named above exists, and the scan sees a known import.
    for package in FORBIDDEN:
        assert (ROOT / package / "__init__.py").exists(), package
    assert "timebok.appointments.services.booking_request" in imports_of(ROOT / "api" / "api.py")
