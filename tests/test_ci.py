"""The README's set-up commands and .ci/run stay the same commands."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_COMMAND = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest'
DEMO_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install . && bibobscan demo --out demo-out"


def test_readme_and_ci_run_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in readme
    assert TEST_COMMAND in ci.splitlines()
    assert DEMO_COMMAND in readme
    # both commands are near the top of the README
    assert readme.index(TEST_COMMAND) < 2000 and readme.index(DEMO_COMMAND) < 2000
