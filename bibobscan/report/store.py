"""Write a report pair (HTML + JSON) and read a JSON report back (for rescore)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from anyascii import anyascii

from ..errors import OutputError, ReportError
from ..model import (
    Assessment,
    IndicatorHit,
    Outcome,
    Report,
    Signal,
    case_from_dict,
    evidence_from_dict,
    file_info_from_dict,
    review_from_dict,
    source_run_from_dict,
    subject_from_dict,
)
from .files import write_text_atomic
from .integrity import Seal, check
from .render import render_html, render_json, slug

MAX_SERIAL = 999  # <name>-2 ... <name>-999 before giving up


def _name_part(text: str) -> str:
    """A file-name part for ``text``: accents folded ("Ömer Çelik" -> "omer-celik"); a
    name in another script is transliterated and gets a short hash of the name appended
    ("Иван Петров" -> "ivan-petrov-1a2b3c4d"), so two such names never share a file name
    even when they transliterate alike or not at all."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    if all(c.isascii() for c in folded if c.isalnum()):  # Latin letters; punctuation may be anything
        return slug(folded)
    flat = re.sub(r"[^a-z0-9]+", "-", anyascii(folded).casefold()).strip("-")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{flat[:51]}-{digest}" if flat else f"rapport-{digest}"


def report_basename(report: Report) -> str:
    subject = report.subject.name or (f"kvk {report.subject.kvk}" if report.subject.kvk else "")
    return f"{_name_part(report.case.case_id)}-{_name_part(subject)}"


def _ensure_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(20, "exists and is not a folder", str(path))
    path.mkdir(parents=True, exist_ok=True)


def prepare_out_dir(path: Path) -> Path:
    """Create the report folder (``--out``) and check that reports can be written there,
    before any source is asked; an OutputError naming the folder otherwise (exit code 4,
    as for every file that cannot be written). Returns ``path``."""
    try:
        _ensure_dir(path)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".bibobscan-", suffix=".probe"):
            pass
    except OSError as exc:
        where = exc.filename if exc.filename and str(exc.filename) != str(path) else None
        reason = exc.strerror or str(exc)
        raise OutputError(f"--out {path}: cannot write reports there ({reason}{f': {where}' if where else ''})") from exc
    return path


def _write_new_pair(out_dir: Path, name: str, html_text: str, json_text: str) -> tuple[Path, Path]:
    """Write ``name.html`` + ``name.json``; when either exists (another scan's report),
    ``name-2``, ``name-3``, ... Never overwrites a file and never leaves an empty or half
    one: the HTML, written whole and then hard-linked to its name (which fails when the
    name is taken, also by a scan finishing at the same moment), claims the stem; the JSON
    follows under the same stem. Ten scans of one subject started in the same second into
    one folder therefore get ``name``, ``name-2`` ... ``name-10``, each a complete pair."""
    for serial in range(1, MAX_SERIAL + 1):
        stem = name if serial == 1 else f"{name}-{serial}"
        html_path, json_path = out_dir / f"{stem}.html", out_dir / f"{stem}.json"
        if html_path.exists() or json_path.exists():
            continue
        try:
            write_text_atomic(html_path, html_text, exclusive=True)
        except FileExistsError:
            continue
        try:
            write_text_atomic(json_path, json_text, exclusive=True)
        except FileExistsError:  # a JSON without its HTML under this stem: leave it, take the next
            html_path.unlink(missing_ok=True)
            continue
        except BaseException:
            html_path.unlink(missing_ok=True)
            raise
        return html_path, json_path
    raise ReportError(f"{out_dir}: {name}.html and {MAX_SERIAL - 1} numbered copies already exist; choose another --out folder")


def write_report(report: Report, out_dir: Path, basename: str | None = None) -> tuple[Path, Path]:
    """Write ``<name>.html`` and ``<name>.json`` into ``out_dir`` (created when absent),
    atomically and never replacing an existing report (see :func:`_write_new_pair`). A
    folder or file that cannot be written is a ReportError naming it."""
    html_text, json_text = render_html(report), render_json(report)
    try:
        _ensure_dir(out_dir)
        return _write_new_pair(out_dir, basename or report_basename(report), html_text, json_text)
    except OSError as exc:
        where = exc.filename or out_dir
        raise ReportError(f"cannot write the report to {where}: {exc.strerror or exc}") from exc


# --- reading back --------------------------------------------------------------------------

_OBJECT: type = dict
_LIST: type = list
_TEXT: type = str
# Top-level fields: (type, required). Nested values are checked by the model's from_dict.
_SHAPE: dict[str, tuple[type, bool]] = {
    "subject": (_OBJECT, True),
    "case": (_OBJECT, True),
    "sources": (_LIST, True),
    "evidence": (_LIST, True),
    "signals": (_LIST, False),
    "indicators": (_LIST, True),
    "assessment": (_OBJECT, True),
    "generated_at": (_TEXT, True),
    "tool_version": (_TEXT, True),
    "indicator_set": (_OBJECT, False),
    "reference_date": (_TEXT, False),
    "review": (_OBJECT, False),
    "file": (_OBJECT, False),
    "integrity": (_OBJECT, False),
}
_TYPE_NAMES: dict[type, str] = {dict: "an object", list: "a list", str: "a text"}
# Text fields whose wrong type would only fail later, deep inside rescoring.
_TEXT_FIELDS = {
    "subject": ("kind", "name", "kvk"),
    "case": ("case_id", "purpose"),
    "sources": ("source", "status"),
    "evidence": ("id", "source", "kind", "title"),
    "signals": ("type",),
    "indicators": ("indicator_id", "title", "outcome"),
    "assessment": ("band", "band_label"),
}


def _check_shape(data: Any) -> None:
    """A ValueError saying which field of the report has the wrong shape."""
    if not isinstance(data, dict):
        raise ValueError(f"the file holds {type(data).__name__}, not a report object")
    for key, (kind, required) in _SHAPE.items():
        if key not in data or (data[key] is None and not required):
            if required:
                raise ValueError(f"field {key!r} is missing")
            continue
        if not isinstance(data[key], kind):
            raise ValueError(f"field {key!r} must be {_TYPE_NAMES[kind]}, not {type(data[key]).__name__}")
    for key, fields in _TEXT_FIELDS.items():
        items = data.get(key) or []
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            where = f"{key}[{i}]" if isinstance(items, list) else key
            if not isinstance(item, dict):
                raise ValueError(f"{where} must be an object, not {type(item).__name__}")
            for name in fields:
                value = item.get(name)
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{where}.{name} must be a text, not {type(value).__name__}")
    municipality = data["subject"].get("municipality")
    if municipality is not None and not isinstance(municipality, dict):
        raise ValueError(f"subject.municipality must be an object, not {type(municipality).__name__}")


def read_report(path: Path, *, require_seal: bool = False) -> Report:
    """Load a JSON report written by bibobscan; a broken or changed file is a
    ReportError naming it and the check that failed (see :mod:`.integrity`)."""
    return load_report(path, require_seal=require_seal)[0]


def load_report(path: Path, *, require_seal: bool = False) -> tuple[Report, bytes, Seal]:
    """The report in ``path``, the file's exact bytes and what the integrity check found.
    ``require_seal``: refuse a report without a digest (written before version 0.2)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    data = parse_report_json(raw, str(path))
    seal = check(data, str(path))
    if require_seal and not seal.sealed:
        raise ReportError(f"{path}: the report carries no integrity digest (written by an older bibobscan); it cannot be shown to be unchanged")
    return report_from_dict(data, str(path)), raw, seal


def parse_report_json(raw: bytes, where: str) -> dict[str, Any]:
    """The report object in ``raw``; a ReportError naming ``where`` when it is not one."""
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ReportError(f"{where}: not UTF-8 text (byte {exc.start}); not a report written by bibobscan") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{where}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise ReportError(f"{where}: not a bibobscan report (JSON nested too deeply)") from exc
    try:
        _check_shape(data)
    except ValueError as exc:
        raise ReportError(f"{where}: not a bibobscan report (ValueError: {exc})") from exc
    return data  # type: ignore[no-any-return]


def _known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that ``cls`` has fields for (a newer report may carry more)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in values.items() if k in names}


def report_from_dict(data: dict[str, Any], where: str = "report") -> Report:
    """A Report from a (checked) report object; a ReportError naming ``where`` otherwise."""
    try:
        a = data["assessment"]
        return Report(
            subject=subject_from_dict(data["subject"]),
            case=case_from_dict(data["case"]),
            sources=[source_run_from_dict(s) for s in data["sources"]],
            evidence=[evidence_from_dict(e) for e in data["evidence"]],
            signals=[Signal(s["type"], dict(s.get("attrs") or {}), list(s.get("evidence_ids") or [])) for s in data.get("signals") or []],
            indicators=[IndicatorHit(**{**_known(IndicatorHit, h), "outcome": Outcome(h["outcome"])}) for h in data["indicators"]],
            assessment=Assessment(**_known(Assessment, a)),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            tool_version=data["tool_version"],
            indicator_set=dict(data.get("indicator_set") or {}),
            demo=bool(data.get("demo", False)),
            reference_date=date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None,
            review=review_from_dict(data.get("review")),
            file=file_info_from_dict(data.get("file")),
        )
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        detail = f"field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{where}: not a bibobscan report ({type(exc).__name__}: {detail})") from exc
