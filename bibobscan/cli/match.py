"""``bibobscan match``: compare two names, or screen a list of name pairs (CSV).

    bibobscan match "A.B.C. Visser" "Anna Visser" [--kind person|company] [--json]
    bibobscan match --pairs pairs.csv [--kind ...] [--out results.csv]

The pairs file has the columns name1,name2 and optionally kind (a header row with
those names is allowed). Each row gets score, verdict and reasons.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from ..matching import KINDS, MATCH_THRESHOLD, POSSIBLE_THRESHOLD, Result, compare_names
from ..model import Verdict
from ..report.cells import safe_cell
from ._app import EXIT_OK, app, guarded

VERDICT_LABELS = {
    Verdict.MATCH: "match (zelfde naam)",
    Verdict.POSSIBLE: "possible (mogelijke naamgenoot)",
    Verdict.NO_MATCH: "no match (andere naam)",
}
OUT_COLUMNS = ["name1", "name2", "kind", "score", "verdict", "reasons"]
MAX_NAME = 500


def _kind(value: str | None, where: str) -> str | None:
    if value is None or not value.strip():
        return None
    kind = value.strip().lower()
    if kind not in KINDS:
        raise UsageError(f"{where}: kind must be 'person' or 'company', not {value!r}")
    return kind


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
    typer.echo(f"{result.name_a}  <->  {result.name_b}  ({result.kind})")
    typer.echo(f"verdict: {VERDICT_LABELS[result.verdict]}   score {result.score:.2f} "
               f"(match >= {MATCH_THRESHOLD:.2f}, possible >= {POSSIBLE_THRESHOLD:.2f})")
    for f in result.match.features:
        typer.echo(f"  {f.weight:+.2f}  {f.name:<20} {f.sentence}")


def read_pairs(path: Path, default_kind: str | None) -> list[tuple[str, str, str | None]]:
    """Rows of a pairs file; a UsageError names the line of the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"--pairs {path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"--pairs {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"--pairs {path}: cannot be read ({exc.strerror or exc})") from None
    rows: list[tuple[str, str, str | None]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            line = reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if not rows and [c.lower() for c in cells[:2]] == ["name1", "name2"]:
                continue  # header
            where = f"{path}, line {line}"
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise UsageError(f"{where}: expected name1,name2[,kind], got {len(cells)} column(s)"
                                 + (" with an empty name" if len(cells) >= 2 else ""))
            if len(cells) > 3:
                raise UsageError(f"{where}: expected name1,name2[,kind], got {len(cells)} columns (quote names that contain commas)")
            if max(len(cells[0]), len(cells[1])) > MAX_NAME:
                raise UsageError(f"{where}: a name longer than {MAX_NAME} characters")
            kind = _kind(cells[2], where) if len(cells) == 3 else None
            rows.append((cells[0], cells[1], kind or default_kind))
    except csv.Error as exc:
        raise UsageError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise UsageError(f"--pairs {path}: no name pairs found")
    return rows


@app.command("match")
@guarded
def match_command(
    name_a: Annotated[Optional[str], typer.Argument(help="First name.", show_default=False)] = None,
    name_b: Annotated[Optional[str], typer.Argument(help="Second name.", show_default=False)] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="person or company (default: guessed from the names).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    pairs: Annotated[Optional[Path], typer.Option("--pairs", help="CSV file with name1,name2[,kind] per line.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="With --pairs: write the results CSV here (default: standard output).")] = None,
) -> int:
    """Compare two names (or every pair in a CSV file): score, verdict and the reasons."""
    default_kind = _kind(kind, "--kind")
    if pairs is not None:
        if name_a is not None or name_b is not None:
            raise UsageError("give either two names or --pairs FILE, not both")
        return _batch(pairs, default_kind, out, as_json)
    if out is not None:
        raise UsageError("--out only goes with --pairs FILE")
    if not name_a or not name_b or not name_a.strip() or not name_b.strip():
        raise UsageError("give two names (NAME_A NAME_B) or --pairs FILE")
    result = compare_names(name_a.strip(), name_b.strip(), default_kind)
    if as_json:
        typer.echo(json.dumps(_as_dict(result), ensure_ascii=False, indent=2))
    else:
        _print_one(result)
    return EXIT_OK


def _batch(pairs: Path, default_kind: str | None, out: Path | None, as_json: bool) -> int:
    rows = read_pairs(pairs, default_kind)
    results = [compare_names(a, b, k) for a, b, k in rows]
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
            out.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot be written ({exc.strerror or exc})") from None
        typer.echo(str(out))
    typer.echo(f"{len(results)} pairs: {counts[Verdict.MATCH]} match, {counts[Verdict.POSSIBLE]} possible, "
               f"{counts[Verdict.NO_MATCH]} no match", err=True)
    return EXIT_OK
