"""``bibobscan sector PRESET --municipality NAME_OR_CODE``: the branchescan."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from ..model import Case
from ._app import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    INCOMPLETE,
    ConfigOpt,
    DemoOpt,
    IndicatorsOpt,
    ProfileOpt,
    RetentionOpt,
    app,
    guarded,
)
from .scan import make_case

if TYPE_CHECKING:
    import httpx

    from ..sector import ProgressEvent
    from ..sector.spec import SectorDefinition

DEMO_PRESET = "kappers"
DEMO_MUNICIPALITY = "GM0855"
DEMO_CASE = "DEMO-2026-003"
DEMO_PURPOSE = "Planning van toezicht op kappers en barbershops in Tilburg – fictieve demonstratiecasus"
SECTOR_ZAAKTYPE = "Branchescan (planning van toezicht)"


def sector_case(case_id: str | None, purpose: str | None, officer: str, legal_ground: str, retention_years: int, *, demo: bool) -> Case:
    """The case a sector scan belongs to. A live scan needs ``--case`` and ``--purpose``
    (inspection planning has a zaak too: the ranking goes into its file); a demo scan
    without them gets the fictional demo case DEMO-2026-003."""
    if demo and case_id is None:
        from ..demo import demo_case

        if not 1 <= retention_years <= 30:
            raise UsageError("--retention-years must be between 1 and 30")
        base = demo_case(DEMO_CASE)
        return dataclasses.replace(
            base, purpose=purpose or DEMO_PURPOSE, officer=officer or base.officer, legal_ground=legal_ground or base.legal_ground, zaaktype=SECTOR_ZAAKTYPE,
        )
    if case_id is None:
        raise UsageError("--case is required for a live sector scan: the ranking goes into the file of a zaak (give its number; --demo runs without one)")
    if purpose is None and demo:
        purpose = DEMO_PURPOSE
    if purpose is None:
        raise UsageError("--purpose is required for a live sector scan: a file must record why the ranking was made")
    return dataclasses.replace(make_case(case_id, purpose, officer, legal_ground, retention_years), zaaktype=SECTOR_ZAAKTYPE)


def demo_transport() -> httpx.AsyncBaseTransport:
    """The demo world's replay transport (tests replace this to simulate failures)."""
    from ..demo import ReplayTransport

    return ReplayTransport()


class _Progress:
    """One progress bar on standard error; its length grows while addresses are planned."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = 0

    def __call__(self, event: ProgressEvent) -> None:
        if self.bar is None:
            self.bar = typer.progressbar(length=max(event.total, 1), label="Verzamelen", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.length = max(event.total, 1)
        self.bar.label = event.stage
        if event.done > self.shown:
            self.bar.update(event.done - self.shown)
            self.shown = event.done
        else:
            self.bar.render_progress()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _check_demo(definition: SectorDefinition) -> None:
    if definition.preset is None or definition.preset.id != DEMO_PRESET or definition.municipality.code != DEMO_MUNICIPALITY or definition.osm_tags:
        raise UsageError(
            f"the demo world has one sector: preset {DEMO_PRESET} in Tilburg ({DEMO_MUNICIPALITY}); "
            "run: bibobscan sector kappers --municipality Tilburg --demo"
        )


@app.command("sector")
@guarded
def sector_command(
    preset: Annotated[str | None, typer.Argument(help="Sector preset, e.g. kappers, nagelstudios, autohandel (see data/sector_presets.yaml).")] = None,
    municipality: Annotated[str, typer.Option("--municipality", help="Municipality name or CBS code (GM0855); required.")] = "",
    sbi: Annotated[str | None, typer.Option("--sbi", help="SBI codes (comma-separated prefixes) that replace the preset's, e.g. 96021,9602.")] = None,
    sbi_version: Annotated[str, typer.Option("--sbi-version", help="SBI version of --sbi: 2008 or 2025 (the register uses 2025 since 7 Sept 2025).")] = "2025",
    postcodes: Annotated[str | None, typer.Option("--postcodes", help="Narrow to postcodes: PC4 or full, comma-separated (5038,5011AB).")] = None,
    osm_tag: Annotated[list[str] | None, typer.Option("--osm-tag", help="OpenStreetMap tag filter KEY=VALUE (repeatable; replaces the preset's tags).")] = None,
    demo: DemoOpt = False,
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML, CSV, XLSX, JSON and PDF (and the request cache); an earlier report there is never replaced.")] = Path("."),
    case: Annotated[str | None, typer.Option("--case", help="Case number (zaaknummer); required for a live scan (a --demo scan defaults to DEMO-2026-003).")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="Why this ranking is made (aanleiding/doel); required for a live scan.")] = None,
    officer: Annotated[str, typer.Option("--officer", help="Name or role of the officer (toezichthouder).")] = "",
    legal_ground: Annotated[str, typer.Option("--legal-ground", help="Legal ground / policy rule of the inspection planning.")] = "",
    retention_years: RetentionOpt = 5,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF/A-3b (A4, every column; default on).")] = True,
    resume: Annotated[bool, typer.Option("--resume/--no-resume", help="Reuse answers cached by an earlier (interrupted) run in --out; --no-resume fetches everything again.")] = True,
    cache_max_age: Annotated[float | None, typer.Option("--cache-max-age", min=0, help="Reuse cached live answers at most this many days old (default 7; 0 = never). Demo answers do not age.")] = None,
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
    config: ConfigOpt = None,
) -> int:
    """Branchescan: find every establishment of a sector in a municipality (OpenStreetMap +
    Handelsregister per address), apply the indicators per establishment and for the area,
    and write a ranked report (HTML, CSV, XLSX, JSON, PDF/A) for a case. Register and
    company-level public data only: no person-level research. A re-run never replaces
    an earlier report: the new set is numbered (-2, -3, ...)."""
    from ..demo import demo_config_note, wired
    from ..report.sector import write_sector_report
    from ..report.store import prepare_out_dir
    from ..sector import SectorOptions, build_definition, run_sector
    from ..sector.checkpoint import DEFAULT_MAX_AGE_DAYS

    if not municipality.strip():
        raise UsageError("--municipality is required: a name (Tilburg) or CBS code (GM0855)")
    definition = build_definition(preset, municipality, sbi=sbi, sbi_version=sbi_version, postcodes=postcodes, osm_tags=osm_tag)
    if demo:
        _check_demo(definition)
    the_case = sector_case(case, purpose, officer, legal_ground, retention_years, demo=demo)
    prepare_out_dir(out)  # after the arguments, before any request: a bad --out must not cost a scan
    progress = _Progress()
    options = wired(
        SectorOptions(indicators_path=indicators, profile_path=profile, out_dir=out, resume=resume, progress=progress, cache_max_age_days=DEFAULT_MAX_AGE_DAYS if cache_max_age is None else cache_max_age),
        demo=demo,
        config=config,
        transport=demo_transport,
    )
    typer.echo(f"Branchescan {definition.subject().name}{' [demo world]' if demo else ''}", err=True)
    if demo and (note := demo_config_note(config)):
        typer.echo(f"  note: {note}", err=True)
    try:
        import asyncio

        report = asyncio.run(run_sector(definition, options))
    except KeyboardInterrupt:
        progress.close()
        typer.echo(
            f"bibobscan: stopped; the answers received so far are kept in {out / '.bibobscan-cache'}. "
            "Run the same command again to resume without refetching them.",
            err=True,
        )
        raise
    finally:
        progress.close()
    report.case = the_case
    paths = write_sector_report(report, out, pdf=pdf)
    for run in report.sources:
        label = run.status.value + (" (partial)" if (run.error or "").startswith("gedeeltelijk") else "")
        typer.echo(f"  [{run.source}] {label}: {run.hits}{' – ' + run.error if run.error else ''}", err=True)
    for warning in report.warnings:
        typer.echo(f"  warning: {warning}", err=True)
    top = [e for e in report.establishments if e.points > 0][:5]
    unassessable = sum(1 for e in report.establishments if not e.assessable)
    apart = f" ({unassessable} not assessable: no usable data of their own, listed apart)" if unassessable else ""
    typer.echo(f"  => {len(report.establishments)} establishments{apart}; top: " + ("; ".join(f"{e.rank}. {e.name} ({e.points:g})" for e in top) or "—"), err=True)
    for key in ("html", "csv", "toelichting", "xlsx", "json", "pdf"):
        if key in paths:
            typer.echo(str(paths[key]))
    return EXIT_INCOMPLETE if any(s.status in INCOMPLETE for s in report.sources) else EXIT_OK
