"""The linters run as part of the test suite, so the README's one test command enforces them.

``ruff check`` (rules in ``pyproject.toml``: pycodestyle, pyflakes, import order, bugbear,
pyupgrade, simplify) over the whole repository, ``ruff format --check`` (one code style;
applied migrations are left as written), and ``mypy`` (strict on ``domain`` and
``services``, lenient elsewhere). Each test fails with the tool's findings as its message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_has_nothing_to_change():
    result = _run("ruff", "format", "--check", "--no-cache", ".", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing():
    result = _run("mypy", "--no-error-summary", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_see_a_planted_mistake(tmp_path):
    """The same configuration reports a bad file: these tests can fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x: int) -> str:\n    return x\n", encoding="utf-8")
    config = str(ROOT / "pyproject.toml")
    ruff = _run("ruff", "check", "--no-cache", "--config", config, str(bad), timeout=120)
    assert ruff.returncode == 1 and "F401" in ruff.stdout
    unformatted = tmp_path / "unformatted.py"
    unformatted.write_text("x = {'a':1}\n", encoding="utf-8")
    fmt = _run("ruff", "format", "--check", "--config", config, str(unformatted), timeout=120)
    assert fmt.returncode == 1
    mypy = _run("mypy", "--config-file", config, "--no-incremental", str(bad), timeout=300)
    assert mypy.returncode == 1 and "Incompatible return value" in mypy.stdout
