"""The command line (typer). Thin: parses arguments and calls the library.

Exit codes (documented in the README and in ``bibobscan --help``):
  0  report(s) written; every applicable source was consulted
  1  internal error (a bug: please report it)
  2  wrong argument or option
  3  report(s) written, but one or more sources failed, timed out, were rate limited
     or are not configured: the report is incomplete (it says which)
  4  broken settings, indicator or profile file, or unreadable report
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .collectors import Collector, load_collectors
from .config import Settings, load_settings
from .errors import BibobscanError, ConfigError, IndicatorError, ReportError, UsageError
from .model import Case, Municipality, Report, SourceRun, SourceStatus, Subject, SubjectKind
from .municipalities import resolve_municipality
from .report import STATUS_LABELS, write_report
from .scan import ScanOptions, scan

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_CONFIG = 0, 1, 2, 3, 4
INCOMPLETE = (SourceStatus.FAILED, SourceStatus.TIMEOUT, SourceStatus.RATE_LIMITED, SourceStatus.NOT_CONFIGURED)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=(
        "bibobscan: explainable open-source Bibob scan for Dutch municipalities.\n\n"
        "Exit codes: 0 ok; 1 internal error; 2 wrong argument; 3 report written but some "
        "sources were not consulted (failed, timeout, rate limited, not configured); "
        "4 broken settings/indicator/profile/report file."
    ),
)
scan_app = typer.Typer(no_args_is_help=True, help="Scan one person or company.")
app.add_typer(scan_app, name="scan")


def _err(message: str) -> None:
    typer.echo(f"bibobscan: {message}", err=True)


def _progress(run: SourceRun) -> None:
    label = STATUS_LABELS.get(run.status, run.status.value)
    extra = f" – {run.error}" if run.error and run.status is not SourceStatus.SKIPPED else ""
    typer.echo(f"  [{run.source}] {label} ({run.hits} hits, {run.duration_ms} ms){extra}", err=True)


def _exit_code(reports: list[Report]) -> int:
    return EXIT_INCOMPLETE if any(s.status in INCOMPLETE for r in reports for s in r.sources) else EXIT_OK


def _handle(exc: BaseException) -> int:
    if isinstance(exc, UsageError):
        _err(str(exc))
        return EXIT_USAGE
    if isinstance(exc, (ConfigError, IndicatorError, ReportError)):
        _err(str(exc))
        return EXIT_CONFIG
    if isinstance(exc, BibobscanError):
        _err(str(exc))
        return EXIT_INTERNAL
    _err(f"internal error: {type(exc).__name__}: {exc}")
    return EXIT_INTERNAL


def _parse_born(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--born {value!r} is not a date in the form YYYY-MM-DD") from None
    if born > date.today() or born.year < 1900:
        raise UsageError(f"--born {value} is not a plausible date of birth")
    return born


def _require_text(value: str, option: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"{option} may not be empty: a Bibob file must record it")
    return value.strip()


def _make_case(case_id: str, purpose: str, officer: str, legal_ground: str, retention_years: int) -> Case:
    today = date.today()
    if not 1 <= retention_years <= 30:
        raise UsageError("--retention-years must be between 1 and 30")
    return Case(
        case_id=_require_text(case_id, "--case"),
        purpose=_require_text(purpose, "--purpose"),
        officer=officer,
        legal_ground=legal_ground,
        created_on=today,
        retention_until=_add_years(today, retention_years),
    )


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _scan_and_write(subjects: list[tuple[Subject, Case]], *, demo: bool, out: Path, config: Path | None, profile: Path | None, indicators: Path | None, reference: date | None = None) -> int:
    from .demo import REFERENCE_DATE, ReplayTransport, demo_settings

    settings: Settings = demo_settings() if demo else load_settings(config)
    collectors = load_collectors()
    reports: list[Report] = []
    for subject, case in subjects:
        typer.echo(f"Scanning {subject.kind.value} {subject.name!r} ({len(collectors)} sources){' [demo world]' if demo else ''}", err=True)
        options = ScanOptions(
            settings=settings,
            transport=ReplayTransport() if demo else None,
            environ={} if demo else None,
            reference_date=reference or (REFERENCE_DATE if demo else None),
            indicators_path=indicators,
            profile_path=profile,
            demo=demo,
            progress=_progress,
        )
        report = asyncio.run(scan(subject, case, collectors, options))
        html_path, json_path = write_report(report, out)
        reports.append(report)
        a = report.assessment
        typer.echo(f"  => {a.band_label}: {a.total_points:g} points ({a.hits} hits, {a.insufficient} insufficient data)", err=True)
        typer.echo(str(html_path))
        typer.echo(str(json_path))
    return _exit_code(reports)


CaseOpt = Annotated[str, typer.Option("--case", help="Case number (zaaknummer); required.")]
PurposeOpt = Annotated[str, typer.Option("--purpose", help="Why this scan exists (aanleiding/doel); required.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for the HTML and JSON report.")]
DemoOpt = Annotated[bool, typer.Option("--demo", help="Use the embedded fictional demo world (offline).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings file (TOML).")]
ProfileOpt = Annotated[Optional[Path], typer.Option("--profile", help="Scoring profile (YAML).")]
IndicatorsOpt = Annotated[Optional[Path], typer.Option("--indicators", help="Indicator file or folder.")]
MunicipalityOpt = Annotated[Optional[str], typer.Option("--municipality", help="Municipality name or CBS code (GM0855).")]
OfficerOpt = Annotated[str, typer.Option("--officer", help="Name or role of the officer.")]
GroundOpt = Annotated[str, typer.Option("--legal-ground", help="Legal ground / policy rule.")]
RetentionOpt = Annotated[int, typer.Option("--retention-years", help="Retention period in years (default 5).")]


def _municipality(value: str | None) -> Municipality | None:
    return resolve_municipality(value) if value is not None else None


@scan_app.command("person")
def scan_person(
    name: Annotated[str, typer.Argument(help="Full name of the person.")],
    case: CaseOpt,
    purpose: PurposeOpt,
    born: Annotated[Optional[str], typer.Option("--born", help="Date of birth, YYYY-MM-DD.")] = None,
    municipality: MunicipalityOpt = None,
    out: OutOpt = Path("."),
    demo: DemoOpt = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
    officer: OfficerOpt = "",
    legal_ground: GroundOpt = "Wet Bibob art. 3",
    retention_years: RetentionOpt = 5,
) -> None:
    """Scan a person (one-click Bibob scan)."""
    try:
        subject = Subject(kind=SubjectKind.PERSON, name=_require_text(name, "NAME"), born=_parse_born(born), municipality=_municipality(municipality))
        code = _scan_and_write([(subject, _make_case(case, purpose, officer, legal_ground, retention_years))], demo=demo, out=out, config=config, profile=profile, indicators=indicators)
    except Exception as exc:
        code = _handle(exc)
    raise typer.Exit(code)


@scan_app.command("company")
def scan_company(
    case: CaseOpt,
    purpose: PurposeOpt,
    name: Annotated[Optional[str], typer.Argument(help="Company name (or give --kvk).")] = None,
    kvk: Annotated[Optional[str], typer.Option("--kvk", help="KvK number (8 digits).")] = None,
    municipality: MunicipalityOpt = None,
    out: OutOpt = Path("."),
    demo: DemoOpt = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
    officer: OfficerOpt = "",
    legal_ground: GroundOpt = "Wet Bibob art. 3",
    retention_years: RetentionOpt = 5,
) -> None:
    """Scan a company by name or KvK number."""
    try:
        if not name and not kvk:
            raise UsageError("give a company NAME or --kvk NUMBER")
        if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
            raise UsageError(f"--kvk {kvk!r} is not a KvK number (8 digits)")
        subject = Subject(kind=SubjectKind.COMPANY, name=(name or f"KvK {kvk}").strip(), kvk=kvk, municipality=_municipality(municipality))
        code = _scan_and_write([(subject, _make_case(case, purpose, officer, legal_ground, retention_years))], demo=demo, out=out, config=config, profile=profile, indicators=indicators)
    except Exception as exc:
        code = _handle(exc)
    raise typer.Exit(code)


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo reports.")] = Path("demo-out"),
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
) -> None:
    """Run the fictional demo case offline (a person and a company) and write the reports."""
    from .demo import COMPANY, PERSON, demo_case

    try:
        subjects = [(PERSON, demo_case("DEMO-2026-001")), (COMPANY, demo_case("DEMO-2026-002"))]
        code = _scan_and_write(subjects, demo=True, out=out, config=None, profile=profile, indicators=indicators)
    except Exception as exc:
        code = _handle(exc)
    raise typer.Exit(code)


@app.command("sources")
def sources_command(config: ConfigOpt = None) -> None:
    """List every collector: what it covers, whether it is configured, its terms."""
    try:
        settings = load_settings(config)
        collectors: list[Collector] = load_collectors()
    except Exception as exc:
        raise typer.Exit(_handle(exc)) from None
    for c in collectors:
        cfg = settings.source_config(c.id, c.env)
        reason = c.not_configured_reason(cfg)
        state = "configured" if reason is None else f"NOT configured: {reason}"
        kinds = ", ".join(sorted(k.value for k in c.applies_to))
        typer.echo(f"{c.id}  –  {c.title}\n  covers:  {c.covers}\n  for:     {kinds}\n  status:  {state}\n  terms:   {c.licence}")
        if c.env:
            typer.echo("  env:     " + ", ".join(f"{v} ({k})" for k, v in c.env.items()))
        typer.echo("")


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        _err("interrupted")
        sys.exit(130)
