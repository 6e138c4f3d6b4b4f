"""The engine stands apart: no module under zhusan/engine imports Django or
another zhusan package (only zhusan.engine itself and relative imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "zhusan" / "engine"
FORBIDDEN_ROOTS = ("django", "rest_framework", "knox", "drf_spectacular", "axes", "csp", "django_otp")


def forbidden_imports(source: str) -> list[str]:
    """Every import in ``source`` (at any depth, also inside functions) of
    Django, a Django add-on or a zhusan package other than zhusan.engine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside zhusan.engine
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            root = name.split(".")[0]
            inside_engine = name == "zhusan.engine" or name.startswith("zhusan.engine.")
            if root in FORBIDDEN_ROOTS or (root == "zhusan" and not inside_engine):
                found.append(name)
    return found


def engine_modules() -> list[Path]:
    return sorted(ENGINE.rglob("*.py"))


def test_the_engine_has_modules() -> None:
    assert {p.stem for p in engine_modules()} >= {"translit", "model", "engines", "tabular", "dates"}


@pytest.mark.parametrize("path", engine_modules(), ids=lambda p: p.name)
def test_no_engine_module_imports_django_or_another_zhusan_package(path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "from django.conf import settings",
        "from zhusan.registry.models import Person",
        "import zhusan.matching.services",
        "from zhusan import registry",
        "def f():\n    from django.utils.translation import gettext\n",
    ],
)
def test_the_check_catches_a_forbidden_import(source: str) -> None:
    assert forbidden_imports(source)


@pytest.mark.parametrize(
    "source", ["from .translit import icao", "from zhusan.engine.dates import PartialDate", "import numpy"]
)
def test_the_check_allows_the_engine_and_third_party_packages(source: str) -> None:
    assert forbidden_imports(source) == []
