"""The Windows CI job cannot run here; what can be checked is that it builds with the same
script and spec as the Linux bundle, smoke-tests the frozen app and keeps the installer
under the name ``installer/identity.py`` gives it."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "windows-build.yml"


def test_the_windows_job_builds_smoke_tests_and_keeps_bundle_and_installer():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text and 'python-version: "3.11"' in text
    assert 'pip install -e ".[build]"' in text and "choco install nsis" in text
    assert "run: installer/build" in text
    for check in ('"$exe" --version', '"$exe" db upgrade', "--smoke-window admin"):
        assert check in text, check
    sys.path.insert(0, str(REPO / "installer"))
    try:
        import identity
    finally:
        sys.path.remove(str(REPO / "installer"))
    assert identity.installer_name("win64").endswith("-win64-setup.exe")
    assert "path: installer/dist/*-win64-setup.exe" in text
    assert "path: installer/dist/tuffops/" in text and identity.EXE_NAME == "tuffops"


def test_pyinstaller_is_in_the_extras_the_suite_and_the_windows_job_install():
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for name in ("dev", "build"):
        assert any(req.startswith("pyinstaller>=6.10,<7") for req in extras[name]), name
