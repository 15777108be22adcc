"""Plugins are discovered by entry points (built-ins too), and nothing goes undocumented."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibobscan.collectors import load_collectors
from bibobscan.errors import UsageError
from bibobscan.municipalities import all_municipalities, resolve_municipality
from bibobscan.signals import SIGNAL_TYPES
from bibobscan.signals.docs import current_markdown

ROOT = Path(__file__).resolve().parent.parent
BUILT_INS = {"kvk", "un_sanctions", "opensanctions", "news", "koop"}


def test_built_ins_are_registered_as_entry_points() -> None:
    assert {c.id for c in load_collectors()} >= BUILT_INS


def test_every_collector_is_described_and_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for c in load_collectors():
        assert c.title and c.covers and c.licence, c.id
        assert c.applies_to, c.id
        assert c.provides <= set(SIGNAL_TYPES), (c.id, c.provides - set(SIGNAL_TYPES))
        assert f"`{c.id}`" in readme, f"collector {c.id} is not documented in README.md"
        for var in c.env.values():
            assert var in readme, f"environment variable {var} of {c.id} is not documented in README.md"


def test_every_setting_of_every_collector_is_in_the_readme_settings_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 4 and cells[0].startswith("`") and cells[1].startswith("`"):
            documented.setdefault(cells[0].strip("`"), set()).update(w.strip("` ") for w in cells[1].split(","))
    for c in load_collectors():
        missing = set(c.options) - documented.get(c.id, set())
        assert not missing, f"settings {sorted(missing)} of {c.id} are not in the README settings table"


def test_every_signal_type_is_documented() -> None:
    doc = (ROOT / "docs" / "signals.md").read_text(encoding="utf-8")
    for name in SIGNAL_TYPES:
        assert f"`{name}`" in doc, f"signal {name} is missing from docs/signals.md"
    assert doc == current_markdown(), "docs/signals.md is stale: python -m bibobscan.signals.docs > docs/signals.md"


def test_municipalities() -> None:
    assert len(all_municipalities()) == 342
    assert resolve_municipality("GM0855").name == "Tilburg"
    assert resolve_municipality("855").code == "GM0855"
    assert resolve_municipality("tilburg").code == "GM0855"
    assert resolve_municipality("'s-Hertogenbosch").code == "GM0796"
    with pytest.raises(UsageError, match="Tilburg"):
        resolve_municipality("Tilbrug")
    with pytest.raises(UsageError):
        resolve_municipality("GM9999")
