"""The layering rules, checked on the source: domain is pure; Qt lives in ui/ only."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tuffops_desktop"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py") if folder else PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if not folder and (rel.startswith("ui/") or rel == "app.py"):
            continue
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{rel} imports {name}")
    return found


def test_domain_is_pure_python():
    assert (
        _violations(
            "domain",
            (
                "PySide6",
                "sqlalchemy",
                "alembic",
                "tuffops_desktop.db",
                "tuffops_desktop.services",
                "tuffops_desktop.ui",
                "tuffops_desktop.intake",
            ),
        )
        == []
    )


def test_nothing_outside_ui_imports_qt():
    assert _violations("", ("PySide6", "tuffops_desktop.ui")) == []


def test_services_and_intake_do_not_reach_into_the_ui():
    for folder in ("services", "intake", "db", "documents"):
        assert _violations(folder, ("PySide6", "tuffops_desktop.ui", "tuffops_desktop.app")) == []


def test_the_check_itself_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert _imports(sample) == {"PySide6.QtWidgets", "sqlalchemy.orm"}
