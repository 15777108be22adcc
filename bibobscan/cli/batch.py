"""``bibobscan case batch FILE.csv``: one case per applicant of a CSV, each scanned and
recorded in the case store (docs/batch.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import BatchError
from ..model import Report
from ._app import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    AuthorityOpt,
    ConfigOpt,
    DecisionTypeOpt,
    DemoOpt,
    DistributionOpt,
    GroundOpt,
    IndicatorsOpt,
    OfficerOpt,
    OutOpt,
    PolicyRuleOpt,
    ProfileOpt,
    PurposeOpt,
    ReasonOpt,
    RetentionOpt,
    ReviewerOpt,
    ZaaktypeOpt,
    guarded,
)
from ._store import ByOpt, DatabaseOpt, DataOpt, actor, open_dossier
from .case import case_app
from .scan import _progress, make_case

if TYPE_CHECKING:
    from ..batch import BatchProgress, BatchResult
    from ..store import CaseRecord


@case_app.command("batch")
@guarded
def case_batch(
    file: Annotated[Path, typer.Argument(help="CSV of applicants: naam, soort, geboortedatum, kvk, gemeente (docs/batch.md).",
                                         exists=True, dir_okay=False, readable=True)],
    case_prefix: Annotated[str, typer.Option("--case-prefix", help="Case numbers are PREFIX-NNN, NNN the applicant's line in the file; required.")],
    purpose: PurposeOpt,
    demo: DemoOpt = False,
    out: OutOpt = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
    officer: OfficerOpt = "",
    legal_ground: GroundOpt = "Wet Bibob art. 3",
    retention_years: RetentionOpt = 5,
    reason: ReasonOpt = "",
    authority: AuthorityOpt = "",
    decision_type: DecisionTypeOpt = "",
    policy_rule: PolicyRuleOpt = "",
    zaaktype: ZaaktypeOpt = "Bibob-onderzoek",
    reviewer: ReviewerOpt = "",
    distribution: DistributionOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON instead of a table.")] = False,
    data: DataOpt = None,
    database: DatabaseOpt = None,
    by: ByOpt = None,
) -> int:
    """Open one case per applicant of a CSV and scan them one after another.

    A CSV with any broken line is refused as a whole (every line's problem is named,
    in Dutch) and nothing is saved. Exit code 3 when a case's scan failed or is
    incomplete (the results table says which)."""
    from ..batch import MAX_BYTES, MAX_ROWS, create_cases, parse_applicants, run_batch
    from ..collectors import load_collectors
    from ..demo import demo_config_note, wired
    from ..dossier.scanning import scan_into_case
    from ..report import write_report
    from ..report.store import prepare_out_dir
    from ..scan import ScanOptions

    with file.open("rb") as handle:
        content = handle.read(MAX_BYTES + 1)  # parse_applicants refuses a larger file without reading all of it
    batch = parse_applicants(content, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    if batch.errors:
        raise BatchError(f"{file}: {len(batch.errors)} error{'s' if len(batch.errors) != 1 else ''} in the CSV; no case was created:\n"
                         + "\n".join(f"  {e.message}" for e in batch.errors), errors=batch.errors)
    template = make_case(case_prefix, purpose, officer, legal_ground, retention_years, reason=reason, authority=authority,
                         decision_type=decision_type, policy_rule=policy_rule, zaaktype=zaaktype, reviewer=reviewer, distribution=distribution)
    if out is not None:
        prepare_out_dir(out)  # before any case is created: a bad --out must not leave cases behind
    who = actor(by)
    dossier = open_dossier(data, database, config=None if demo else config, demo=demo)
    options = wired(ScanOptions(indicators_path=indicators, profile_path=profile, progress=_progress), demo=demo, config=config)
    if demo and (note := demo_config_note(config)):
        typer.echo(f"  note: {note}", err=True)
    collectors = load_collectors()

    def scan_one(record: CaseRecord) -> Report:
        report = scan_into_case(dossier, record.case, record.subject, options, actor=who, demo=demo, collectors=collectors).report
        if out is not None:
            for path in write_report(report, out):
                typer.echo(str(path), err=True)
        return report

    def progress(p: BatchProgress) -> None:
        if p.current is not None:
            typer.echo(f"[{p.done + 1}/{p.total}] scanning case {p.current}{' [demo world]' if demo else ''}", err=True)

    with dossier.store:
        records = create_cases(dossier, batch, case_prefix=case_prefix, case_template=template, actor=who, demo=demo,
                               indicators_path=indicators, profile_path=profile)
        typer.echo(f"{len(records)} cases opened in {dossier.store.location.shown}: {', '.join(r.case_id for r in records)}", err=True)
        results = run_batch(dossier, records, scan_one, progress=progress)
    if as_json:
        typer.echo(json.dumps([_jsonable(r) for r in results], ensure_ascii=False, indent=2))
    else:
        _table(results)
    return EXIT_OK if all(r.ok and r.complete for r in results) else EXIT_INCOMPLETE


def _jsonable(result: BatchResult) -> dict[str, Any]:
    return asdict(result)


def _table(results: list[BatchResult]) -> None:
    rows = [("case", "status", "points", "band", "complete", "hits", "name")]
    for r in results:
        points = f"{r.total_points:g}" if r.total_points is not None else "-"
        rows.append((r.case_id, r.status, points, r.band_label or "-", "ja" if r.complete else "nee", str(r.hits), r.name))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip())
    for r in results:
        if r.error:
            typer.echo(f"{r.case_id}: {r.error}")
