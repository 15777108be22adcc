"""Officer-supplied facts (``--facts FILE``): what no open source gives.

A small YAML or JSON file::

    facts:
      - fact: officer.questionnaire      # a signal type from docs/signals.md (officer.*)
        status: refused                  # attributes of that signal type
        note: Vragen 12-18 niet beantwoord
        date: 2026-11-02
        source: Bibob-vragenformulier d.d. 2026-10-30   # where the officer got it

Each fact becomes an ``officer.fact`` Evidence marked as officer-supplied in the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError
from .model import Evidence, clip, sha256_hex, utcnow
from .signals.vocabulary import OFFICER_TYPES, SIGNAL_TYPES


def load_facts(path: Path) -> list[Evidence]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--facts {path}: cannot read ({exc.strerror})") from exc
    try:
        data: Any = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"--facts {path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}") from exc
    items = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise UsageError(f"--facts {path}: expected a top-level 'facts' list with at least one fact")
    digest = sha256_hex(raw)
    now = utcnow()
    evidence: list[Evidence] = []
    for i, item in enumerate(items, start=1):
        where = f"--facts {path}, fact {i}"
        if not isinstance(item, dict) or not isinstance(item.get("fact"), str):
            raise UsageError(f"{where}: each fact needs a 'fact' field (one of {', '.join(sorted(OFFICER_TYPES))})")
        fact = item["fact"]
        if fact not in OFFICER_TYPES:
            raise UsageError(f"{where}: unknown fact {fact!r}; officer facts are {', '.join(sorted(OFFICER_TYPES))}")
        allowed = set(SIGNAL_TYPES[fact][1]) | {"fact", "source"}
        unknown = sorted(set(item) - allowed)
        if unknown:
            raise UsageError(f"{where}: unknown field(s) {', '.join(unknown)} for {fact} (allowed: {', '.join(sorted(allowed - {'fact'}))})")
        fields = {k: (clip(str(v), 500) if isinstance(v, str) else str(v) if v is not None else "") for k, v in item.items() if k != "source"}
        description = SIGNAL_TYPES[fact][0]
        evidence.append(
            Evidence(
                id=Evidence.make_id("officer", str(i), fact, json.dumps(fields, sort_keys=True)),
                source="officer",
                kind="officer.fact",
                url="",
                query=str(path.name),
                retrieved_at=now,
                sha256=digest,
                title=f"{description}: {fields.get('status') or fields.get('degree') or ''}".rstrip(": "),
                excerpt=clip(str(item.get("note", "")), 500),
                published_at=str(item["date"]) if item.get("date") else None,
                fields={**fields, "source": clip(str(item.get("source", "")), 300)},
                supplied_by="officer",
            )
        )
    return evidence
