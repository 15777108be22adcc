"""The pinned lint rule set ([tool.ruff] in pyproject.toml, ruff pinned in the test
extra) and strict mypy hold for the whole tree. Run as tests, so the README's test
command and .ci/run check them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_under_the_pinned_rules() -> None:
    ruff = shutil.which("ruff") or pytest.fail("ruff is missing: it is in the test extra (pip install '.[test]')")
    done = _run(ruff, "check", ".")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_strict_finds_nothing_in_the_package() -> None:
    done = _run(sys.executable, "-m", "mypy", "bibobscan")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
