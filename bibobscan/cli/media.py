"""``bibobscan media check``: Dutch adverse-media detection on the user's own texts.

    bibobscan media check --subject "Bram Voorbeeld" --text-file artikel.txt [--json]
    bibobscan media check --jsonl artikelen.jsonl [--kind company]

JSONL input: one object per line, ``{"id", "subject", "text"}`` (``subject`` may be left
out when ``--subject`` is given; ``kind`` may override ``--kind`` per line; ``id`` may be
any JSON string, number, true/false or null and is written back as given, and defaults
to the line number). Output: one line per input line, ``{"id", "adverse", "themes",
"confidence", "reasons"}``. A line that cannot be checked (not JSON, not such an object,
no text, no subject, a wrong kind, an ``id`` that is an object or a list) gives
``{"id", "line", "error"}`` instead (``id`` null when it could not be read), the other
lines are still checked, and the exit code is 2 at the end, with the bad line numbers on
standard error.

A text of any length works: a text over 100,000 characters is reduced to the passages
around the subject's name (the result says so in its reasons).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from ..errors import UsageError
from ._app import EXIT_OK, EXIT_USAGE, app, guarded

if TYPE_CHECKING:
    from ..nlp import Assessment

media_app = typer.Typer(no_args_is_help=True, help="Adverse media in Dutch texts (spaCy rules, no model needed).")
app.add_typer(media_app, name="media")

KINDS = ("person", "company")


def _read(path: Path, option: str) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {option} {path}: {exc}") from None


def _kind(value: object, where: str) -> bool:
    if value not in KINDS:
        raise UsageError(f"{where}: kind must be 'person' or 'company', not {value!r}")
    return value == "company"


def _summary(item_id: object, result: Assessment) -> dict[str, Any]:
    return {
        "id": item_id,
        "adverse": result.adverse,
        "themes": result.themes,
        "confidence": round(result.confidence, 2),
        "reasons": result.reasons,
    }


class _LineError(UsageError):
    """A JSONL line that cannot be checked, whose id is known."""

    def __init__(self, item_id: object, message: str) -> None:
        super().__init__(message)
        self.item_id = item_id


class _Item(NamedTuple):
    line: int
    id: object  # a JSON scalar: str, int, float, bool or None
    subject: str
    text: str
    company: bool
    error: str | None = None


_SCALARS = (str, int, float, bool, type(None))


def _jsonl_item(line: str, number: int, subject: str | None, company: bool, where: str) -> _Item:
    """One JSONL line; raises UsageError (with the id when it could be read) when it
    cannot be checked."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(row, dict):
        raise UsageError(f"{where}: expected an object like {{\"id\": ..., \"subject\": ..., \"text\": ...}}")
    item_id = row.get("id", number)
    if not isinstance(item_id, _SCALARS):
        kind = "an object" if isinstance(item_id, dict) else "a list"
        raise UsageError(f"{where}: \"id\" must be a string, a number, true/false or null, not {kind}")
    text = row.get("text")
    if not isinstance(text, str):
        raise _LineError(item_id, f"{where}: \"text\" is missing or not a string")
    name = row.get("subject", subject)
    if not isinstance(name, str) or not name.strip():
        raise _LineError(item_id, f"{where}: \"subject\" is missing (or give --subject)")
    try:
        line_company = _kind(row["kind"], where) if "kind" in row else company
    except UsageError as exc:
        raise _LineError(item_id, str(exc)) from None
    return _Item(number, item_id, name.strip(), text, line_company)


def _jsonl_items(raw: str, subject: str | None, company: bool, source: str) -> list[_Item]:
    """Every non-empty line, good or bad (a bad one carries its error message)."""
    items: list[_Item] = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            items.append(_jsonl_item(line, number, subject, company, where))
        except _LineError as exc:
            items.append(_Item(number, exc.item_id, "", "", company, str(exc)))
        except UsageError as exc:
            items.append(_Item(number, None, "", "", company, str(exc)))
    return items


def _print_human(subject: str, company: bool, result: Assessment) -> None:
    kind = "bedrijf" if company else "persoon"
    typer.echo(f"Onderwerp: {subject} ({kind})")
    if result.adverse:
        typer.echo(f"Negatieve berichtgeving: ja - thema's: {', '.join(result.themes)} (zekerheid {result.confidence:.2f})")
    else:
        typer.echo("Negatieve berichtgeving: nee")
    for f in result.findings:
        counted = "" if f.adverse else " (telt niet mee: onder 0.50)"
        typer.echo(f"\n- {f.theme} ({f.confidence:.2f}){counted}: \"{f.sentence}\"")
        for reason in f.reasons:
            typer.echo(f"  {reason}")
    if result.dropped:
        typer.echo("")
        for reason in result.dropped:
            typer.echo(reason)


@media_app.command("check")
@guarded
def media_check(
    subject: Annotated[str | None, typer.Option("--subject", help="Name of the person or company (for --jsonl: used for lines without a subject).")] = None,
    text_file: Annotated[Path | None, typer.Option("--text-file", help="A text file to check ('-' reads standard input).")] = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help='JSON Lines file, one {"id", "subject", "text"} per line (\'-\' reads standard input).')] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result of --text-file as JSON.")] = False,
    kind: Annotated[str, typer.Option("--kind", help="person or company (default person).")] = "person",
) -> int:
    """Does a Dutch text link the subject to crime? Themes, confidence and reasons per text."""
    from ..nlp import assess_many
    company = _kind(kind, "--kind")
    if (text_file is None) == (jsonl is None):
        raise UsageError("give either --text-file FILE or --jsonl FILE")
    if text_file is not None:
        if not subject or not subject.strip():
            raise UsageError("--subject NAME is required with --text-file")
        text = _read(text_file, "--text-file")
        [result] = assess_many([(text, subject.strip(), company)])
        if as_json:
            out = {
                "subject": subject.strip(),
                "kind": "company" if company else "person",
                **_summary(str(text_file), result),
                "findings": [
                    {"theme": f.theme, "confidence": f.confidence, "cue": f.cue, "sentence": f.sentence,
                     "link": f.link, "reasons": list(f.reasons)}
                    for f in result.findings
                ],
                "dropped": list(result.dropped),
            }
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            _print_human(subject.strip(), company, result)
        return EXIT_OK
    assert jsonl is not None
    items = _jsonl_items(_read(jsonl, "--jsonl"), subject.strip() if subject else None, company, str(jsonl))
    good = [item for item in items if item.error is None]
    results = iter(assess_many([(item.text, item.subject, item.company) for item in good]))
    bad: list[int] = []
    for item in items:
        if item.error is not None:
            bad.append(item.line)
            typer.echo(json.dumps({"id": item.id, "line": item.line, "error": item.error}, ensure_ascii=False))
        else:
            typer.echo(json.dumps(_summary(item.id, next(results)), ensure_ascii=False))
    if bad:
        lines = ", ".join(str(n) for n in bad[:20]) + (f" and {len(bad) - 20} more" if len(bad) > 20 else "")
        typer.echo(f"bibobscan: {len(bad)} line(s) of {jsonl} could not be checked (line {lines}); see the \"error\" lines", err=True)
        return EXIT_USAGE
    return EXIT_OK
