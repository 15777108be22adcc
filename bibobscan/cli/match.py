"""``bibobscan match``: compare two names, or screen a list of name pairs (CSV).

    bibobscan match "A.B.C. Visser" "Anna Visser" [--kind person|company] [--json]
        [--born-a YYYY[-MM[-DD]]] [--born-b ...] [--place-a PLAATS ...] [--place-b ...]
        [--kvk-a 12345678] [--kvk-b ...] [--reg-a NUMMER ...] [--reg-b ...]
        [--alias-a NAAM ...] [--alias-b ...]
    bibobscan match --pairs pairs.csv [--kind ...] [--out results.csv]

The pairs file has the columns name1,name2 and optionally kind (a header row with
those names is allowed). With a header row it may also have the columns born1, born2,
place1, place2, kvk1, kvk2, reg1 and reg2, in any order; several places or
registration numbers in one cell are separated by ';'. Each row gets score, verdict
and reasons. The facts (date of birth, place, KvK number, registration numbers) are
compared by :func:`bibobscan.matching.compare`: an equal KvK or registration number
confirms, another date of birth or KvK number rules out.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import OutputError, UsageError
from ..model import Verdict
from ._app import EXIT_OK, app, guarded
from ._dates import day_first_hint, impossible

if TYPE_CHECKING:
    from ..matching import Record, Result

VERDICT_LABELS = {
    Verdict.MATCH: "match (same name)",
    Verdict.POSSIBLE: "possible (a possible namesake)",
    Verdict.NO_MATCH: "no match (another name)",
}
RULED_OUT_LABEL = "no match (a namesake: the names agree, but a hard fact such as the date of birth differs)"


def verdict_label(result: Result) -> str:
    """The verdict in words; a pair that a hard fact ruled out is a namesake, not another name."""
    if result.verdict is Verdict.NO_MATCH and any(f.name == "ruled_out" for f in result.match.features):
        return RULED_OUT_LABEL
    return VERDICT_LABELS[result.verdict]
OUT_COLUMNS = ["name1", "name2", "kind", "score", "verdict", "reasons"]
MAX_NAME = 500
MAX_FACT = 200
# the columns a pairs file with a header row may have (name1 and name2 are required)
FACT_COLUMNS = ("born", "place", "kvk", "reg")
IN_COLUMNS = ("name1", "name2", "kind", *(f"{fact}{side}" for fact in FACT_COLUMNS for side in "12"))
FACT_LABELS = {"born": "date of birth", "place": "place", "kvk": "KvK number", "reg": "registration number"}

_BORN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _kind(value: str | None, where: str) -> str | None:
    from ..matching import KINDS
    if value is None or not value.strip():
        return None
    kind = value.strip().lower()
    if kind not in KINDS:
        raise UsageError(f"{where}: kind must be 'person' or 'company', not {value!r}")
    return kind


def parse_born(value: str, where: str) -> str:
    """A date of birth as YYYY, YYYY-MM or YYYY-MM-DD (returned as given, stripped)."""
    text = value.strip()
    m = _BORN.match(text)
    if not m:
        raise UsageError(f"{where} {value!r}: not a date of birth; write YYYY, YYYY-MM or YYYY-MM-DD{day_first_hint(text)}")
    year = int(m[1])
    month = int(m[2]) if m[2] else None
    day = int(m[3]) if m[3] else None
    why = impossible(year, month, day or 1) if month is not None else None
    if why:
        raise UsageError(f"{where} {value!r} is an impossible date: {why}")
    today = date.today()
    given = (year, month or 1, day or 1)
    if year < 1900 or given > (today.year, today.month, today.day):
        raise UsageError(f"{where} {value!r}: not a plausible date of birth (1900 to today)")
    return text


def parse_kvk(value: str, where: str) -> str:
    """A KvK number: exactly 8 digits (spaces and dots between them are allowed)."""
    digits = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(r"\d{8}", digits):
        hint = ""
        if re.fullmatch(r"\d{12}", digits):
            hint = " (a 12-digit number is a vestigingsnummer, not a KvK number)"
        elif re.fullmatch(r"\d{1,7}", digits):
            hint = (" (is a leading zero missing?)" if where.startswith("--")
                    else " (a spreadsheet may have dropped leading zeros: keep the column as text)")
        raise UsageError(f"{where} {value!r}: a KvK number has exactly 8 digits{hint}")
    return digits


def _text_fact(value: str, where: str, what: str, needs: str, limit: int) -> str:
    """A fact given as text: stripped, with at least one character of the kind ``needs``
    ("digits", "letters" or "" for any), at most ``limit`` characters."""
    text = value.strip()
    test = {"digits": str.isdigit, "letters": str.isalpha}.get(needs)
    if not text or (test is not None and not any(test(c) for c in text)):
        raise UsageError(f"{where} {value!r}: {what} must contain {needs}" if test is not None else f"{where}: an empty {what}")
    if len(text) > limit:
        raise UsageError(f"{where}: {what} longer than {limit} characters")
    return text


def parse_reg(value: str, where: str) -> str:
    """A registration number (RSIN, LEI, passport, ...): any text with at least one digit."""
    return _text_fact(value, where, "a registration number", "digits", MAX_FACT)


def parse_place(value: str, where: str) -> str:
    return _text_fact(value, where, "a place", "letters", MAX_FACT)


def parse_alias(value: str, where: str) -> str:
    return _text_fact(value, where, "name", "", MAX_NAME)


def _as_dict(result: Result) -> dict[str, Any]:
    return {
        "name_a": result.name_a,
        "name_b": result.name_b,
        "kind": result.kind,
        "verdict": result.verdict.value,
        "score": result.score,
        "features": [{"name": f.name, "weight": f.weight, "sentence": f.sentence} for f in result.match.features],
    }


def _print_one(result: Result) -> None:
    from ..matching import MATCH_THRESHOLD, POSSIBLE_THRESHOLD
    typer.echo(f"{result.name_a}  <->  {result.name_b}  ({result.kind})")
    typer.echo(f"verdict: {verdict_label(result)}   score {result.score:.2f} "
               f"(match >= {MATCH_THRESHOLD:.2f}, possible >= {POSSIBLE_THRESHOLD:.2f})")
    for f in result.match.features:
        typer.echo(f"  {f.weight:+.2f}  {f.name:<20} {f.sentence}")


def _note_one_sided(given_a: dict[str, bool], given_b: dict[str, bool], name_a: str, name_b: str) -> None:
    """A fact on one side only is never compared: say so on standard error."""
    for fact, label in FACT_LABELS.items():
        if given_a[fact] != given_b[fact]:
            have, lack = (name_a, name_b) if given_a[fact] else (name_b, name_a)
            typer.echo(f"note: {have.format(fact=fact)} without {lack.format(fact=fact)}: "
                       f"the {label} is not compared", err=True)


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _record(name: str, kind: str | None, cells: dict[str, str], side: str, where: str) -> Record:
    """One side of a pair from the cells of a row (columns born1, place1, ... for side "1")."""
    from ..matching import Record
    born = cells.get(f"born{side}", "")
    kvk = cells.get(f"kvk{side}", "")
    return Record(
        name,
        kind=kind,
        born=parse_born(born, f"{where}, column born{side}") if born else None,
        places=[parse_place(p, f"{where}, column place{side}") for p in _split(cells.get(f"place{side}", ""))],
        kvk=parse_kvk(kvk, f"{where}, column kvk{side}") if kvk else None,
        registrations=[parse_reg(r, f"{where}, column reg{side}") for r in _split(cells.get(f"reg{side}", ""))],
    )


def _header(cells: list[str], where: str) -> list[str] | None:
    """The columns of a header row, or None when the row is a name pair."""
    names = [c.lower() for c in cells]
    if "name1" not in names or "name2" not in names:
        return None
    while names and not names[-1]:
        names.pop()
    for number, column in enumerate(names, 1):
        if not column:
            raise UsageError(f"{where}: header column {number} has no name")
        if column not in IN_COLUMNS:
            raise UsageError(f"{where}: unknown column {column!r} in the header; known columns: {', '.join(IN_COLUMNS)}")
        if names.count(column) > 1:
            raise UsageError(f"{where}: column {column!r} appears twice in the header")
    if names == ["name1", "name2"]:
        names.append("kind")  # as before: a third, unnamed column is the kind
    return names


def read_pairs(path: Path, default_kind: str | None) -> list[tuple[Record, Record]]:
    """Rows of a pairs file as two records each; a UsageError names the line (and
    column) of the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"--pairs {path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"--pairs {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"--pairs {path}: cannot be read ({exc.strerror or exc})") from None
    rows: list[tuple[Record, Record]] = []
    columns: list[str] | None = None
    seen_first = False
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            line = reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            where = f"{path}, line {line}"
            if not seen_first:
                seen_first = True
                columns = _header(cells, where)
                if columns is not None:
                    given = {fact: {side: f"{fact}{side}" in columns for side in "12"} for fact in FACT_COLUMNS}
                    _note_one_sided({f: g["1"] for f, g in given.items()}, {f: g["2"] for f, g in given.items()},
                                    "column {fact}1", "column {fact}2")
                    continue
            if columns is None:
                expected = "name1,name2[,kind]"
                if len(cells) > 3:
                    raise UsageError(f"{where}: expected {expected}, got {len(cells)} columns (quote names that contain commas)")
                named = dict(zip(("name1", "name2", "kind"), cells, strict=False))
            else:
                others = [c for c in columns if c not in ("name1", "name2")]
                expected = "name1,name2" + (f"[,{','.join(others)}]" if others else "")
                if any(cells[len(columns):]):
                    raise UsageError(f"{where}: expected {expected} as in the header, got {len(cells)} columns "
                                     "(quote names that contain commas)")
                named = dict(zip(columns, cells, strict=False))
            name1, name2 = named.get("name1", ""), named.get("name2", "")
            if not name1 or not name2:
                raise UsageError(f"{where}: expected {expected}, got {len(cells)} column(s)"
                                 + (" with an empty name" if len(cells) >= 2 else ""))
            if max(len(name1), len(name2)) > MAX_NAME:
                raise UsageError(f"{where}: a name longer than {MAX_NAME} characters")
            kind = _kind(named.get("kind"), where) or default_kind
            rows.append((_record(name1, kind, named, "1", where), _record(name2, kind, named, "2", where)))
    except csv.Error as exc:
        raise UsageError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise UsageError(f"--pairs {path}: no name pairs found")
    return rows


def _side(name: str, kind: str | None, side: str, born: str | None, places: Sequence[str] | None,
          kvk: str | None, regs: Sequence[str] | None, aliases: Sequence[str] | None) -> Record:
    """One side of the single form from its options (--born-a, --place-a, ...)."""
    from ..matching import Record
    return Record(
        name,
        kind=kind,
        aliases=[parse_alias(a, f"--alias-{side}") for a in aliases or ()],
        born=parse_born(born, f"--born-{side}") if born is not None else None,
        places=[parse_place(p, f"--place-{side}") for p in places or ()],
        kvk=parse_kvk(kvk, f"--kvk-{side}") if kvk is not None else None,
        registrations=[parse_reg(r, f"--reg-{side}") for r in regs or ()],
    )


def _given(record: Record) -> dict[str, bool]:
    return {"born": record.born is not None, "place": bool(record.places),
            "kvk": record.kvk is not None, "reg": bool(record.registrations)}


BORN_HELP = "Date of birth of {side}: YYYY, YYYY-MM or YYYY-MM-DD."
PLACE_HELP = "Place of residence or establishment of {side} (repeatable)."
KVK_HELP = "KvK number of {side} (8 digits)."
REG_HELP = "Other registration number of {side}: RSIN, LEI, passport, ... (repeatable)."
ALIAS_HELP = "Another name of {side} (repeatable); the best pair of names counts."


@app.command("match")
@guarded
def match_command(
    name_a: Annotated[str | None, typer.Argument(help="First name.", show_default=False)] = None,
    name_b: Annotated[str | None, typer.Argument(help="Second name.", show_default=False)] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="person or company (default: guessed from the names).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    pairs: Annotated[Path | None, typer.Option("--pairs", help="CSV file with name1,name2[,kind] per line; with a header row also born1,born2,place1,place2,kvk1,kvk2,reg1,reg2.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="With --pairs: write the results CSV here (default: standard output).")] = None,
    born_a: Annotated[str | None, typer.Option("--born-a", help=BORN_HELP.format(side="A"))] = None,
    born_b: Annotated[str | None, typer.Option("--born-b", help=BORN_HELP.format(side="B"))] = None,
    place_a: Annotated[list[str] | None, typer.Option("--place-a", help=PLACE_HELP.format(side="A"))] = None,
    place_b: Annotated[list[str] | None, typer.Option("--place-b", help=PLACE_HELP.format(side="B"))] = None,
    kvk_a: Annotated[str | None, typer.Option("--kvk-a", help=KVK_HELP.format(side="A"))] = None,
    kvk_b: Annotated[str | None, typer.Option("--kvk-b", help=KVK_HELP.format(side="B"))] = None,
    reg_a: Annotated[list[str] | None, typer.Option("--reg-a", help=REG_HELP.format(side="A"))] = None,
    reg_b: Annotated[list[str] | None, typer.Option("--reg-b", help=REG_HELP.format(side="B"))] = None,
    alias_a: Annotated[list[str] | None, typer.Option("--alias-a", help=ALIAS_HELP.format(side="A"))] = None,
    alias_b: Annotated[list[str] | None, typer.Option("--alias-b", help=ALIAS_HELP.format(side="B"))] = None,
) -> int:
    """Compare two names (or every pair in a CSV file): score, verdict and the reasons.

    Facts given for both sides (date of birth, place, KvK number, registration numbers) confirm or rule out a match.
    """
    from ..matching import compare
    default_kind = _kind(kind, "--kind")
    side_options = {
        "--born-a": born_a, "--born-b": born_b, "--place-a": place_a, "--place-b": place_b,
        "--kvk-a": kvk_a, "--kvk-b": kvk_b, "--reg-a": reg_a, "--reg-b": reg_b,
        "--alias-a": alias_a, "--alias-b": alias_b,
    }
    if pairs is not None:
        if name_a is not None or name_b is not None:
            raise UsageError("give either two names or --pairs FILE, not both")
        used = [option for option, value in side_options.items() if value]
        if used:
            raise UsageError(f"{used[0]} goes with two names, not with --pairs (use the columns of the file)")
        return _batch(pairs, default_kind, out, as_json)
    if out is not None:
        raise UsageError("--out only goes with --pairs FILE")
    if not name_a or not name_b or not name_a.strip() or not name_b.strip():
        raise UsageError("give two names (NAME_A NAME_B) or --pairs FILE")
    if max(len(name_a.strip()), len(name_b.strip())) > MAX_NAME:
        raise UsageError(f"a name longer than {MAX_NAME} characters")
    a = _side(name_a.strip(), default_kind, "a", born_a, place_a, kvk_a, reg_a, alias_a)
    b = _side(name_b.strip(), default_kind, "b", born_b, place_b, kvk_b, reg_b, alias_b)
    _note_one_sided(_given(a), _given(b), "--{fact}-a", "--{fact}-b")
    result = compare(a, b)
    if as_json:
        typer.echo(json.dumps(_as_dict(result), ensure_ascii=False, indent=2))
    else:
        _print_one(result)
    return EXIT_OK


def _batch(pairs: Path, default_kind: str | None, out: Path | None, as_json: bool) -> int:
    from ..matching import compare
    from ..report.cells import safe_cell
    rows = read_pairs(pairs, default_kind)
    results = [compare(a, b) for a, b in rows]
    counts = {v: sum(1 for r in results if r.verdict is v) for v in Verdict}
    if as_json:
        body = "".join(json.dumps(_as_dict(r), ensure_ascii=False) + "\n" for r in results)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(OUT_COLUMNS)
        for r in results:
            reasons = " | ".join(f"{f.name} {f.weight:+.2f}: {f.sentence}" for f in r.match.features)
            writer.writerow([safe_cell(r.name_a), safe_cell(r.name_b), r.kind, f"{r.score:.4f}", r.verdict.value, safe_cell(reasons)])
        body = buffer.getvalue()
    if out is None:
        sys.stdout.write(body)
        sys.stdout.flush()
    else:
        try:
            from .._atomic import write_text

            write_text(out, body)
        except OSError as exc:
            raise OutputError(f"--out {out}: cannot be written ({exc.strerror or exc})") from None
        typer.echo(str(out))
    typer.echo(f"{len(results)} pairs: {counts[Verdict.MATCH]} match, {counts[Verdict.POSSIBLE]} possible, "
               f"{counts[Verdict.NO_MATCH]} no match", err=True)
    return EXIT_OK
