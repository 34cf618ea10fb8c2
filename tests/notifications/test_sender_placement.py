"""The sender never runs in the public listener: nothing under ``intake/`` (nor the
services it uses) imports the sender, and the listener's serve command never starts it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tuffops_desktop"
SENDER = ("tuffops_desktop.services.mail_sender", "tuffops_desktop.cli_notify", "tuffops_desktop.services.sender_role")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_listener_never_imports_the_sender():
    listener = [*sorted((PACKAGE / "intake").rglob("*.py")), PACKAGE / "services" / "intake.py"]
    found = [f"{p.relative_to(PACKAGE)} imports {n}" for p in listener for n in _imports(p) if n.startswith(SENDER)]
    assert found == []


def test_the_listeners_command_path_does_not_start_a_sender():
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    serve = source[source.index("def _serve_intake") :]
    serve = serve[: serve.index("\ndef ", 1)]
    assert "notify" not in serve and "mail_sender" not in serve and "SenderLoop" not in serve


def test_loading_the_listener_does_not_load_the_sender():
    import subprocess
    import sys

    code = (
        "import sys, tuffops_desktop.intake.server, tuffops_desktop.intake.app; "
        "print(sorted(m for m in sys.modules if m.startswith(('tuffops_desktop.services.mail_sender', "
        "'tuffops_desktop.cli_notify', 'tuffops_desktop.services.sender_role'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
