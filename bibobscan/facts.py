"""Officer-supplied facts (``--facts FILE``): what no open source gives.

A small YAML or JSON file::

    facts:
      - fact: officer.questionnaire      # a signal type from docs/signals.md (officer.*)
        status: refused                  # attributes of that signal type
        note: Vragen 12-18 niet beantwoord
        date: 2026-11-02
        source: Bibob-vragenformulier d.d. 2026-10-30   # where the officer got it

Every officer fact may carry ``date`` (YYYY-MM-DD), ``note`` where its signal type has
one, and ``source``. Enumerated values are checked: ``officer.questionnaire`` needs
``status`` (refused, incomplete, contradicts, complete), ``officer.prior_conclusion``
needs ``degree`` (geen, mindere_mate, ernstig). A mistake is a UsageError naming the fact
number and the field.

Each fact becomes an ``officer.fact`` Evidence marked as officer-supplied in the report.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError
from .model import Evidence, clip, sha256_hex, utcnow
from .signals.vocabulary import OFFICER_TYPES, SIGNAL_TYPES

# Fields with a closed set of values (the indicators compare them literally), required.
ENUMERATED: dict[str, dict[str, tuple[str, ...]]] = {
    "officer.questionnaire": {"status": ("refused", "incomplete", "contradicts", "complete")},
    "officer.prior_conclusion": {"degree": ("geen", "mindere_mate", "ernstig")},
}
# Fields every officer fact may carry besides its signal type's attributes.
COMMON_FIELDS = ("date", "source")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _FactsLoader(yaml.SafeLoader):
    """SafeLoader that keeps YAML timestamps as text: ``date: 2026-13-45`` is then a
    clear error about fact and field instead of a crash inside the YAML parser."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_FactsLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def covered_types(evidence: list[Evidence]) -> set[str]:
    """The officer signal types actually supplied in ``evidence`` (a questionnaire fact
    says nothing about an earlier Bibob conclusion)."""
    return {
        str(e.fields.get("fact"))
        for e in evidence
        if e.kind == "officer.fact" and e.supplied_by == "officer" and e.fields.get("fact") in OFFICER_TYPES
    }


def _date(value: Any, where: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"{where}: field date {text!r} is not a date in the form YYYY-MM-DD") from None


def _enumerated(fact: str, item: dict[str, Any], where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, allowed in ENUMERATED.get(fact, {}).items():
        value = item.get(name)
        if value is None or value == "":
            raise UsageError(f"{where}: {fact} needs field {name} (one of {', '.join(allowed)})")
        normal = str(value).strip().casefold().replace(" ", "_").replace("-", "_")
        if normal not in allowed:
            raise UsageError(f"{where}: field {name} is {value!r}; allowed: {', '.join(allowed)}")
        out[name] = normal
    return out


def load_facts(path: Path) -> list[Evidence]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--facts {path}: cannot read ({exc.strerror or exc})") from exc
    is_json = path.suffix.lower() == ".json"
    try:
        data: Any = json.loads(raw) if is_json else yaml.load(raw, Loader=_FactsLoader)  # a SafeLoader
    except UnicodeDecodeError as exc:
        raise UsageError(f"--facts {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except (json.JSONDecodeError, yaml.YAMLError, ValueError, RecursionError) as exc:
        raise UsageError(f"--facts {path}: not valid {'JSON' if is_json else 'YAML'}: {exc}") from exc
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
        allowed = set(SIGNAL_TYPES[fact][1]) | {"fact", *COMMON_FIELDS}
        unknown = sorted(str(k) for k in set(item) - allowed)
        if unknown:
            raise UsageError(f"{where}: unknown field(s) {', '.join(unknown)} for {fact} (allowed: {', '.join(sorted(allowed - {'fact'}))})")
        fields = {k: (clip(str(v), 500) if isinstance(v, str) else str(v) if v is not None else "") for k, v in item.items() if k != "source"}
        fields.update(_enumerated(fact, item, where))
        if item.get("date") is not None and item.get("date") != "":
            fields["date"] = _date(item["date"], where)
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
                published_at=fields.get("date") or None,
                fields={**fields, "source": clip(str(item.get("source", "")), 300)},
                supplied_by="officer",
            )
        )
    return evidence
