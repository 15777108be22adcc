"""Commands for the Bibob officer: ``scan person``, ``scan company``, ``demo``, ``sources``."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional, get_type_hints

import typer

from .. import __version__
from ..collectors import Collector, load_collectors
from ..config import load_settings
from ..errors import UsageError
from ..model import Case, Municipality, Report, SourceRun, SourceStatus, Subject, SubjectKind
from ..municipalities import resolve_municipality
from ..report import STATUS_LABELS, write_report
from ..report.store import prepare_out_dir
from ..scan import ScanOptions, scan
from ._app import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    CaseOpt,
    ConfigOpt,
    DemoOpt,
    FactsOpt,
    GroundOpt,
    IndicatorsOpt,
    MunicipalityOpt,
    OfficerOpt,
    OutOpt,
    ProfileOpt,
    PurposeOpt,
    RetentionOpt,
    app,
    guarded,
    scan_app,
)


def _progress(run: SourceRun) -> None:
    label = STATUS_LABELS.get(run.status, run.status.value)
    extra = f" – {run.error}" if run.error and run.status is not SourceStatus.SKIPPED else ""
    if run.uncovered or run.partial:
        extra += f" – onvolledig: {', '.join(run.uncovered + run.partial)}"
    if run.absent:
        extra += f" – geen gegevens in deze bron: {', '.join(run.absent)}"
    typer.echo(f"  [{run.source}] {label} ({run.hits} hits, {run.duration_ms} ms){extra}", err=True)


def exit_code(reports: list[Report]) -> int:
    return EXIT_OK if all(r.assessment.complete for r in reports) else EXIT_INCOMPLETE


def parse_born(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--born {value!r} is not a date in the form YYYY-MM-DD") from None
    if born > date.today() or born.year < 1900:
        raise UsageError(f"--born {value} is not a plausible date of birth")
    return born


def require_text(value: str, option: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"{option} may not be empty: a Bibob file must record it")
    return value.strip()


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def make_case(case_id: str, purpose: str, officer: str, legal_ground: str, retention_years: int) -> Case:
    if not 1 <= retention_years <= 30:
        raise UsageError("--retention-years must be between 1 and 30")
    today = date.today()
    return Case(
        case_id=require_text(case_id, "--case"),
        purpose=require_text(purpose, "--purpose"),
        officer=officer,
        legal_ground=legal_ground,
        created_on=today,
        retention_until=add_years(today, retention_years),
    )


def municipality_of(value: str | None) -> Municipality | None:
    return resolve_municipality(value) if value is not None else None


def scan_and_write(
    subjects: list[tuple[Subject, Case]],
    *,
    demo: bool,
    out: Path,
    config: Path | None,
    profile: Path | None,
    indicators: Path | None,
    facts: Path | None = None,
) -> int:
    from ..demo import wired
    from ..facts import load_facts

    officer = load_facts(facts) if facts is not None else []
    prepare_out_dir(out)  # before any request: a bad --out must not cost a scan

    options = wired(ScanOptions(indicators_path=indicators, profile_path=profile, progress=_progress), demo=demo, config=config)
    collectors = load_collectors()
    reports: list[Report] = []
    for subject, case in subjects:
        shown = subject.name or f"KvK {subject.kvk}"
        typer.echo(f"Scanning {subject.kind.value} {shown!r} ({len(collectors)} sources){' [demo world]' if demo else ''}", err=True)
        report = asyncio.run(scan(subject, case, collectors, replace(options, officer_evidence=list(officer))))
        html_path, json_path = write_report(report, out)
        reports.append(report)
        a = report.assessment
        typer.echo(f"  => {a.band_label}: {a.total_points:g} points ({a.hits} hits, {a.insufficient} insufficient data)", err=True)
        typer.echo(str(html_path))
        typer.echo(str(json_path))
    return exit_code(reports)


@dataclass(frozen=True, slots=True)
class ScanArgs:
    """The options ``scan person`` and ``scan company`` share, declared once here. A
    command takes ``args: ScanArgs``; :func:`with_scan_args` shows typer these fields as
    its options instead: the required ones first, the others after the command's own."""

    case: CaseOpt
    purpose: PurposeOpt
    municipality: MunicipalityOpt = None
    out: OutOpt = Path(".")
    demo: DemoOpt = False
    config: ConfigOpt = None
    profile: ProfileOpt = None
    indicators: IndicatorsOpt = None
    facts: FactsOpt = None
    officer: OfficerOpt = ""
    legal_ground: GroundOpt = "Wet Bibob art. 3"
    retention_years: RetentionOpt = 5

    def scan(self, subject: Subject) -> int:
        """Scan ``subject`` for this case and write its report."""
        the_case = make_case(self.case, self.purpose, self.officer, self.legal_ground, self.retention_years)
        return scan_and_write(
            [(subject, the_case)], demo=self.demo, out=self.out, config=self.config, profile=self.profile, indicators=self.indicators, facts=self.facts
        )


def with_scan_args(command: Callable[..., int]) -> Callable[..., int]:
    """Give typer ``command``'s own parameters plus :class:`ScanArgs`' fields, and call
    ``command`` with those fields gathered into ``args``."""
    hints = get_type_hints(ScanArgs, include_extras=True)
    shared = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=inspect.Parameter.empty if f.default is MISSING else f.default, annotation=hints[f.name])
        for f in fields(ScanArgs)
    ]
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "args"]
    required = [p for p in shared if p.default is inspect.Parameter.empty]
    params = [*required, *own, *(p for p in shared if p not in required)]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> int:
        args = ScanArgs(**{p.name: kwargs.pop(p.name) for p in shared})
        return command(args=args, **kwargs)

    wrapper.__signature__ = inspect.Signature(params, return_annotation=int)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params} | {"return": int}
    return wrapper


@scan_app.command("person")
@guarded
@with_scan_args
def scan_person(
    name: Annotated[str, typer.Argument(help="Full name of the person.")],
    args: ScanArgs,
    born: Annotated[Optional[str], typer.Option("--born", help="Date of birth, YYYY-MM-DD.")] = None,
) -> int:
    """Scan a person (one-click Bibob scan)."""
    subject = Subject(kind=SubjectKind.PERSON, name=require_text(name, "NAME"), born=parse_born(born), municipality=municipality_of(args.municipality))
    return args.scan(subject)


@scan_app.command("company")
@guarded
@with_scan_args
def scan_company(
    args: ScanArgs,
    name: Annotated[Optional[str], typer.Argument(help="Company name (or give --kvk).")] = None,
    kvk: Annotated[Optional[str], typer.Option("--kvk", help="KvK number (8 digits).")] = None,
) -> int:
    """Scan a company by name or KvK number."""
    if not name and not kvk:
        raise UsageError("give a company NAME or --kvk NUMBER")
    if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
        raise UsageError(f"--kvk {kvk!r} is not a KvK number (8 digits)")
    # Without a name the scan asks the register for it first (scan._collect_by_kvk_only).
    subject = Subject(kind=SubjectKind.COMPANY, name=(name or "").strip(), kvk=kvk, municipality=municipality_of(args.municipality))
    return args.scan(subject)


@app.command("demo")
@guarded
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo reports.")] = Path("demo-out"),
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
) -> int:
    """Run the fictional demo case offline (a person and a company) and write the reports."""
    from ..demo import COMPANY, PERSON, demo_case

    subjects = [(PERSON, demo_case("DEMO-2026-001")), (COMPANY, demo_case("DEMO-2026-002"))]
    return scan_and_write(subjects, demo=True, out=out, config=None, profile=profile, indicators=indicators)


@app.command("sources")
@guarded
def sources_command(config: ConfigOpt = None) -> int:
    """List every collector: what it covers, whether it is configured, its terms."""
    settings = load_settings(config)
    collectors: list[Collector] = load_collectors()
    for c in collectors:
        reason = c.not_configured_reason(settings.source_config(c.id, c.env))
        state = "configured" if reason is None else f"NOT configured: {reason}"
        kinds = ", ".join(sorted(k.value for k in c.applies_to))
        typer.echo(f"{c.id}  –  {c.title}\n  covers:  {c.covers}\n  for:     {kinds}\n  status:  {state}\n  terms:   {c.licence}")
        if c.env:
            typer.echo("  env:     " + ", ".join(f"{v} ({k})" for k, v in c.env.items()))
        typer.echo("")
    return EXIT_OK


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)
