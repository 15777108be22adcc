"""The command line starts without the heavy libraries: they load in the commands that
use them (``bibobscan --help`` in well under a second; the figure is measured by
benchmarks/startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "sqlalchemy", "alembic", "spacy", "httpx", "jinja2", "weasyprint", "pikepdf", "rapidfuzz",
         "fastapi", "uvicorn")


def test_help_imports_none_of_the_heavy_libraries() -> None:
    code = ("import sys, json\n"
            "from bibobscan.cli import app\n"
            "from typer.testing import CliRunner\n"
            "result = CliRunner().invoke(app, ['--help'])\n"
            "assert result.exit_code == 0, result.output\n"
            f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_every_command_still_has_its_help() -> None:
    from typer.testing import CliRunner

    from bibobscan.cli import app

    for command in (["scan", "person"], ["scan", "company"], ["demo"], ["sector"], ["case", "list"], ["archive", "verify"],
                    ["indicators", "docs"], ["match"], ["media"], ["pdf"], ["serve"]):
        result = CliRunner().invoke(app, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in result.output
