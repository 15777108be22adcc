"""Load and validate indicator files (YAML). Every error names file, line, indicator, field.

One file may hold one indicator (a mapping) or several (a list of mappings). The
language is documented in docs/indicators.md; the schema lives in ``schema.py``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import IndicatorError
from ..model import SubjectKind
from ..signals.vocabulary import SIGNAL_TYPES, forbidden_term
from .model import OPERATORS, Band, Indicator, InlineTest

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
STATUSES = ("experimental", "test", "stable", "deprecated")
MEASURES = re.compile(r"^(count|(max|min|sum|distinct)\(([a-z_]+)\))$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLAIN_PLACEHOLDERS = frozenset({"subject", "count", "value", "points", "band"})
KNOWN_KEYS = frozenset(
    {
        "id", "version", "status", "title", "description", "themes", "applies_to", "legal_anchor",
        "references", "requires", "signal", "where", "measure", "bands", "no_hit", "insufficient",
        "false_positives", "tests", "bibob_ref", "author", "modified", "data_source_note",
    }
)
REQUIRED_KEYS = ("id", "version", "status", "title", "description", "themes", "applies_to", "legal_anchor", "requires", "signal", "bands", "insufficient", "tests")
THEMES = frozenset(
    {
        "drugs", "witwassen", "vastgoed", "mensenhandel", "zorgfraude", "omg", "milieu",
        "cybercrime", "havens", "buitengebied", "fraude", "geweld", "corruptie", "handhaving",
        "sancties", "register", "bibob", "strafrecht", "ondermijning",
    }
)


# libyaml's parser when PyYAML was built with it (about ten times faster on the
# indicator set), the pure-Python one otherwise; both give the same marks (lines).
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that remembers the line of every mapping and of each of its keys, and
    refuses a key that occurs twice in one mapping (plain PyYAML keeps the last)."""


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key occurs twice in one YAML mapping; ``problem_mark`` is the second one."""

    def __init__(self, key: str, first_line: int, node: yaml.MappingNode, second: yaml.Node) -> None:
        super().__init__(
            "while constructing a mapping", node.start_mark,
            f"duplicate key {key!r} (first on line {first_line})", second.start_mark,
        )
        self.key = key


def _check_duplicate_keys(node: yaml.MappingNode) -> None:
    first: dict[str, int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue  # merge keys ("<<") may legitimately be overridden
        key = str(key_node.value)
        if key in first:
            raise DuplicateKeyError(key, first[key], node, key_node)
        first[key] = key_node.start_mark.line + 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    _check_duplicate_keys(node)
    mapping = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]



def indicator_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise IndicatorError("no such file or directory", file=str(path))
    return sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and "profiles" not in p.relative_to(path).parts)


def set_hash(files: list[Path]) -> str:
    """sha256 over the indicator files' names and bytes: identifies the set a report used."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def load_indicators(path: Path) -> list[Indicator]:
    """Load every indicator under ``path``; raise the first IndicatorError found."""
    indicators, errors = load_indicators_collecting(path)
    if errors:
        raise errors[0]
    return indicators


def load_indicators_collecting(path: Path) -> tuple[list[Indicator], list[IndicatorError]]:
    """Load all indicators and collect every error (for ``indicators validate``)."""
    indicators: list[Indicator] = []
    errors: list[IndicatorError] = []
    seen: dict[str, str] = {}
    found = 0  # indicator entries, valid or not
    for file in indicator_files(path):
        try:
            docs = list(yaml.load_all(file.read_text(encoding="utf-8"), Loader=_LineLoader))
        except yaml.YAMLError as exc:
            errors.append(yaml_error(exc, str(file)))
            found += 1  # the file is not empty; its error says what is wrong
            continue
        entries: list[Any] = []
        for doc in docs:
            if doc is None:
                continue
            entries.extend(doc if isinstance(doc, list) else [doc])
        found += len(entries)
        for entry in entries:
            try:
                ind = parse_indicator(entry, str(file))
            except IndicatorError as exc:
                errors.append(exc)
                continue
            if ind.id in seen:
                errors.append(IndicatorError(f"duplicate id (also in {seen[ind.id]})", file=str(file), line=ind.line, indicator=ind.id, field="id"))
                continue
            seen[ind.id] = str(file)
            indicators.append(ind)
    if not found:
        errors.append(IndicatorError(f"no indicators found in {path} (expected *.yaml files with one indicator or a list of indicators; profiles/ is skipped)", file=str(path)))
    return indicators, errors


def yaml_error(exc: yaml.YAMLError, file: str) -> IndicatorError:
    """An IndicatorError for a YAML file that does not load (syntax, duplicate key)."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    if isinstance(exc, DuplicateKeyError):
        return IndicatorError(exc.problem or "duplicate key", file=file, line=line, field=exc.key)
    return IndicatorError(f"YAML syntax: {getattr(exc, 'problem', exc)}", file=file, line=line)


def load_yaml_with_lines(text: str | bytes) -> Any:
    """One YAML document; mappings are LineDicts (``line``, ``key_lines``); a duplicate
    key raises DuplicateKeyError. Used for scoring profiles."""
    return yaml.load(text, Loader=_LineLoader)  # _LineLoader is a SafeLoader


def _fail(msg: str, file: str, node: LineDict | dict[str, Any], ind: str | None, field: str) -> IndicatorError:
    line = None
    if isinstance(node, LineDict):
        parts = [p.split("[")[0] for p in field.split(".")]
        keys = getattr(node, "key_lines", {})
        line = next((keys[p] for p in reversed(parts) if p in keys), node.line)
    return IndicatorError(msg, file=file, line=line, indicator=ind, field=field)


def _str(node: dict[str, Any], key: str, file: str, ind: str | None) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail("must be a non-empty text", file, node, ind, key)
    return value.strip()


def _str_list(node: dict[str, Any], key: str, file: str, ind: str | None, *, allow_empty: bool = False) -> list[str]:
    value = node.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or (not value and not allow_empty):
        raise _fail("must be a list of texts" + ("" if allow_empty else " (at least one)"), file, node, ind, key)
    return list(value)


NUMERIC_OPERATORS = ("gte", "gt", "lte", "lt")
BAND_KEYS = ("name", "when", "points", "sentence")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def check_condition(cond: Any, where: str = "", *, numeric: bool = False) -> str | None:
    """None when ``cond`` is a valid condition value, else what is wrong (prefixed with
    ``where`` when given). ``numeric``: the condition is compared with a number (a band's
    ``when`` sees the measured value), so text values can never hold and are refused."""
    prefix = f"{where}: " if where else ""
    if isinstance(cond, dict):
        if not cond:
            return f"{prefix}empty condition"
        for op, arg in cond.items():
            if op not in OPERATORS:
                return f"{prefix}unknown operator {op!r} (use one of {', '.join(OPERATORS)})"
            problem = _check_operand(str(op), arg, numeric)
            if problem:
                return f"{prefix}{problem}"
        return None
    if _is_scalar(cond):
        if numeric and isinstance(cond, str):
            return f"{prefix}the measured value is a number; {cond!r} is a text"
        return None
    return f"{prefix}a condition is a value or a mapping of operator: value"


def _check_operand(op: str, arg: Any, numeric: bool) -> str | None:
    if op in NUMERIC_OPERATORS:
        return None if _is_number(arg) else f"{op!r} takes a number, not {arg!r}"
    if op in ("in", "not_in"):
        if not isinstance(arg, list) or not arg or not all(_is_scalar(a) for a in arg):
            return f"{op!r} takes a list of values, e.g. {op}: [a, b], not {arg!r}"
        if numeric and any(isinstance(a, str) for a in arg):
            return f"{op!r}: the measured value is a number; use numbers"
        return None
    if op == "startswith":
        if numeric:
            return "'startswith' compares texts; the measured value is a number"
        if isinstance(arg, str) and arg:
            return None
        if isinstance(arg, list) and arg and all(isinstance(a, str) and a for a in arg):
            return None
        return f"'startswith' takes a text or a list of texts (quote codes: \"5610\"), not {arg!r}"
    if op in ("contains", "not_contains"):
        if numeric:
            return f"{op!r} compares texts; the measured value is a number"
        return None if (isinstance(arg, str) and arg) or _is_number(arg) else f"{op!r} takes a text, not {arg!r}"
    # eq, ne
    if not _is_scalar(arg):
        return f"{op!r} takes one value, not {arg!r}"
    if numeric and isinstance(arg, str):
        return f"{op!r}: the measured value is a number; {arg!r} is a text"
    return None


def condition_texts(cond: Any) -> list[str]:
    """Every text a condition compares with (for the special-category guard)."""
    if isinstance(cond, dict):
        return [t for arg in cond.values() for t in condition_texts(arg)]
    if isinstance(cond, list):
        return [t for arg in cond for t in condition_texts(arg)]
    return [cond] if isinstance(cond, str) else []


def _check_sentence(text: str, file: str, node: dict[str, Any], ind: str, field: str, attrs: dict[str, str], signal: str) -> None:
    for name in PLACEHOLDER.findall(text):
        if name in PLAIN_PLACEHOLDERS:
            continue
        m = re.fullmatch(r"(first|list)\.([a-z_]+)", name)
        if m and m.group(2) in attrs:
            continue
        if m:
            raise _fail(f"unknown placeholder {{{name}}}: signal {signal} has no attribute {m.group(2)!r} (has: {', '.join(attrs)})", file, node, ind, field)
        raise _fail(
            f"unknown placeholder {{{name}}} (use {{subject}}, {{count}}, {{value}}, {{points}}, {{band}}, {{first.<attribute>}} or {{list.<attribute>}})",
            file, node, ind, field,
        )


def parse_indicator(node: Any, file: str) -> Indicator:
    if not isinstance(node, dict):
        raise IndicatorError("an indicator must be a mapping of fields", file=file)
    raw_id = node.get("id")
    ind_id = raw_id if isinstance(raw_id, str) else None
    for key in REQUIRED_KEYS:
        if key not in node:
            raise _fail("required field is missing", file, node, ind_id, key)
    unknown = sorted(set(node) - KNOWN_KEYS)
    if unknown:
        raise _fail(f"unknown field (known: {', '.join(sorted(KNOWN_KEYS))})", file, node, ind_id, unknown[0])
    if not isinstance(raw_id, str) or not ID_PATTERN.match(raw_id):
        raise _fail("must look like 'area.name' (lower case, dots, digits, underscores)", file, node, ind_id, "id")
    ind = raw_id
    version = node["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail("must be a whole number >= 1", file, node, ind, "version")
    status = node["status"]
    if status not in STATUSES:
        raise _fail(f"must be one of {', '.join(STATUSES)}", file, node, ind, "status")
    themes = _str_list(node, "themes", file, ind)
    for theme in themes:
        if theme not in THEMES:
            raise _fail(f"unknown theme {theme!r} (known: {', '.join(sorted(THEMES))})", file, node, ind, "themes")
    applies = _str_list(node, "applies_to", file, ind)
    kinds = {k.value for k in SubjectKind}
    for kind in applies:
        if kind not in kinds:
            raise _fail(f"unknown subject kind {kind!r} (use person, company, sector)", file, node, ind, "applies_to")
    requires = _str_list(node, "requires", file, ind)
    signal = _str(node, "signal", file, ind)
    for name in [*requires, signal]:
        term = forbidden_term(name)
        if term:
            raise _fail(f"special-category data ({term}) may not be used as an indicator (BIBOB.md §2.H)", file, node, ind, "signal" if name == signal else "requires")
        if name not in SIGNAL_TYPES:
            raise _fail(f"unknown signal type {name!r} (see docs/signals.md)", file, node, ind, "signal" if name == signal else "requires")
    if signal not in requires:
        raise _fail(f"the signal {signal!r} must also be listed in requires", file, node, ind, "requires")
    where = node.get("where") or {}
    if not isinstance(where, dict):
        raise _fail("must be a mapping of attribute: condition", file, node, ind, "where")
    known_attrs = SIGNAL_TYPES[signal][1]
    for attr, cond in where.items():
        fld = f"where.{attr}"  # the nested mapping knows the line of each attribute
        term = forbidden_term(str(attr))
        if term:
            raise _fail(f"special-category data ({term}) may not be used as an indicator (BIBOB.md §2.H)", file, where, ind, fld)
        if attr not in known_attrs:
            raise _fail(f"signal {signal} has no attribute {attr!r} (has: {', '.join(known_attrs)})", file, where, ind, fld)
        problem = check_condition(cond)
        if problem:
            raise _fail(problem, file, where, ind, fld)
        for text in condition_texts(cond):
            term = forbidden_term(text)
            if term:
                raise _fail(f"the value {text!r} selects on special-category data ({term}); that may not be used as an indicator (BIBOB.md §2.H)", file, where, ind, fld)
    measure = node.get("measure", "count")
    m = MEASURES.match(str(measure))
    if not m:
        raise _fail("must be count, max(attr), min(attr), sum(attr) or distinct(attr)", file, node, ind, "measure")
    if m.group(3) and m.group(3) not in known_attrs:
        raise _fail(f"signal {signal} has no attribute {m.group(3)!r}", file, node, ind, "measure")
    bands_raw = node["bands"]
    if not isinstance(bands_raw, list) or not bands_raw:
        raise _fail("must be a list of at least one band", file, node, ind, "bands")
    bands: list[Band] = []
    for i, b in enumerate(bands_raw):
        fld = f"bands[{i}]"
        if not isinstance(b, dict):
            raise _fail("a band is a mapping with name, when, points, sentence", file, node, ind, fld)
        extra = [k for k in b if k not in BAND_KEYS]
        if extra:
            raise _fail(f"unknown band field (a band has {', '.join(BAND_KEYS)})", file, b, ind, f"{fld}.{extra[0]}")
        for key in BAND_KEYS:
            if key not in b:
                raise _fail(f"band misses {key!r}", file, b, ind, f"{fld}.{key}")
        problem = check_condition(b["when"], numeric=True)
        if problem:
            raise _fail(problem, file, b, ind, f"{fld}.when")
        if not isinstance(b["points"], (int, float)) or isinstance(b["points"], bool) or b["points"] < 0:
            raise _fail("points must be a number >= 0", file, b, ind, f"{fld}.points")
        if not isinstance(b["sentence"], str) or not b["sentence"].strip():
            raise _fail("sentence must be a non-empty Dutch text", file, b, ind, f"{fld}.sentence")
        _check_sentence(b["sentence"], file, b, ind, f"{fld}.sentence", known_attrs, signal)
        bands.append(Band(name=str(b["name"]), when=b["when"], points=float(b["points"]), sentence=b["sentence"].strip()))
    insufficient = _str(node, "insufficient", file, ind)
    _check_sentence(insufficient, file, node, ind, "insufficient", known_attrs, signal)
    no_hit = node.get("no_hit") or "Geen aanwijzingen gevonden in de geraadpleegde bronnen."
    if not isinstance(no_hit, str):
        raise _fail("must be a text", file, node, ind, "no_hit")
    _check_sentence(no_hit, file, node, ind, "no_hit", known_attrs, signal)
    tests = _parse_tests(node, file, ind)
    return Indicator(
        id=ind,
        version=version,
        status=status,
        title=_str(node, "title", file, ind),
        description=_str(node, "description", file, ind),
        themes=themes,
        applies_to=applies,
        legal_anchor=_str(node, "legal_anchor", file, ind),
        references=_str_list(node, "references", file, ind, allow_empty=True),
        requires=requires,
        signal=signal,
        where=dict(where),
        measure=str(measure),
        bands=bands,
        no_hit=no_hit.strip(),
        insufficient=insufficient,
        false_positives=_str_list(node, "false_positives", file, ind, allow_empty=True),
        tests=tests,
        bibob_ref=str(node.get("bibob_ref", "")),
        file=file,
        line=node.line if isinstance(node, LineDict) else 0,
    )


def _parse_tests(node: dict[str, Any], file: str, ind: str) -> list[InlineTest]:
    raw = node["tests"]
    if not isinstance(raw, list) or not raw:
        raise _fail("must be a list of at least one inline test", file, node, ind, "tests")
    tests: list[InlineTest] = []
    for i, t in enumerate(raw):
        fld = f"tests[{i}]"
        if not isinstance(t, dict) or "name" not in t or "expect" not in t:
            raise _fail("a test is a mapping with name, signals (optional), coverage (optional) and expect", file, node, ind, fld)
        signals = t.get("signals", [])
        if not isinstance(signals, list) or not all(isinstance(s, dict) and isinstance(s.get("type"), str) for s in signals):
            raise _fail("signals must be a list of mappings with a 'type'", file, t, ind, f"{fld}.signals")
        for s in signals:
            if s["type"] not in SIGNAL_TYPES:
                raise _fail(f"unknown signal type {s['type']!r}", file, t, ind, f"{fld}.signals")
            attrs = SIGNAL_TYPES[s["type"]][1]
            extra = sorted(set(s) - {"type"} - set(attrs))
            if extra:
                raise _fail(f"signal {s['type']} has no attribute {extra[0]!r} (has: {', '.join(attrs)})", file, t, ind, f"{fld}.signals")
        coverage = t.get("coverage")
        if coverage is not None and (not isinstance(coverage, list) or not all(isinstance(c, str) for c in coverage)):
            raise _fail("coverage must be a list of signal types", file, t, ind, f"{fld}.coverage")
        expect = t["expect"]
        if not isinstance(expect, dict) or not set(expect) <= {"outcome", "band", "points"} or not expect:
            raise _fail("expect takes outcome (hit/no_hit/insufficient), band and/or points", file, t, ind, f"{fld}.expect")
        if "outcome" in expect and expect["outcome"] not in ("hit", "no_hit", "insufficient"):
            raise _fail("outcome must be hit, no_hit or insufficient", file, t, ind, f"{fld}.expect")
        subject = t.get("subject", "Onderwerp")
        tests.append(InlineTest(name=str(t["name"]), signals=[dict(s) for s in signals], coverage=list(coverage) if coverage is not None else None, expect=dict(expect), subject=str(subject), line=t.line if isinstance(t, LineDict) else 0))
    return tests
