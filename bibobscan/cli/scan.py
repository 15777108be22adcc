"""Commands for the Bibob officer: ``scan person``, ``scan company``, ``demo``, ``sources``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import __version__
from ..errors import UsageError
from ..model import (
    MAX_SUBJECT_NAME,
    Case,
    Municipality,
    Report,
    SourceRun,
    SourceStatus,
    Subject,
    SubjectKind,
)
from ._app import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    AuthorityOpt,
    CaseOpt,
    ConfigOpt,
    DecisionTypeOpt,
    DemoOpt,
    DistributionOpt,
    FactsOpt,
    GroundOpt,
    IdentifiedByOpt,
    IdentifiedOnOpt,
    IndicatorsOpt,
    MunicipalityOpt,
    OfficerOpt,
    OutOpt,
    PolicyRuleOpt,
    ProfileOpt,
    PurposeOpt,
    ReasonOpt,
    RetentionOpt,
    ReviewerOpt,
    ZaaktypeOpt,
    app,
    guarded,
    scan_app,
    with_args,
)
from ._dates import iso_date
from ._store import ByOpt, DatabaseOpt, DataOpt

if TYPE_CHECKING:
    from ..collectors import Collector

# The command line speaks English (the reports and pages speak Dutch): one word per status.
CLI_STATUS = {
    SourceStatus.OK: "consulted, with hits",
    SourceStatus.NO_RESULTS: "consulted, no hits",
    SourceStatus.FAILED: "FAILED",
    SourceStatus.TIMEOUT: "TIMED OUT",
    SourceStatus.RATE_LIMITED: "REFUSED (rate limited)",
    SourceStatus.NOT_CONFIGURED: "NOT CONFIGURED",
    SourceStatus.SKIPPED: "not applicable",
}


def _progress(run: SourceRun) -> None:
    label = CLI_STATUS.get(run.status, run.status.value)
    # the technical message is English; the Dutch sentence is for the report
    detail = run.technische_melding or run.error
    extra = f" – {detail}" if detail and run.status is not SourceStatus.SKIPPED else ""
    if run.uncovered or run.partial:
        extra += f" – incomplete: {', '.join(run.uncovered + run.partial)}"
    if run.absent:
        extra += f" – no data in this source: {', '.join(run.absent)}"
    typer.echo(f"  [{run.source}] {label} ({run.hits} hits, {run.duration_ms} ms){extra}", err=True)


def summary_line(report: Report) -> str:
    """The scan's result in one English line; an incomplete scan says so first."""
    a = report.assessment
    missing = sum(1 for r in report.sources if r.incomplete)
    first = f"INCOMPLETE: {missing} source{'s' if missing != 1 else ''} not (fully) consulted; " if missing else ""
    return f"  => {first}{a.total_points:g} points, band {a.band!r} ({a.hits} indicator hits, {a.insufficient} with insufficient data)"


def exit_code(reports: list[Report]) -> int:
    return EXIT_OK if all(r.assessment.complete for r in reports) else EXIT_INCOMPLETE


def parse_born(value: str | None) -> date | None:
    if value is None:
        return None
    born = iso_date(value, "--born")
    if born > date.today() or born.year < 1900:
        raise UsageError(f"--born {value} is not a plausible date of birth")
    return born


def subject_name(value: str, option: str) -> str:
    """A name, alias or place of a subject, whitespace collapsed, at most MAX_SUBJECT_NAME."""
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_SUBJECT_NAME:
        raise UsageError(f"{option} is {len(cleaned)} characters; a name or place is at most {MAX_SUBJECT_NAME}")
    return cleaned


def require_text(value: str, option: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"{option} may not be empty: a Bibob file must record it")
    return value.strip()


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


MAX_CASE_TEXT = 2000
MAX_CASE_ID = 100


def parse_date(value: str | None, option: str) -> date | None:
    if value is None or not value.strip():
        return None
    return iso_date(value, option)


def case_text(value: str, option: str) -> str:
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_CASE_TEXT:
        raise UsageError(f"{option} is {len(cleaned)} characters; at most {MAX_CASE_TEXT}")
    return cleaned


def distribution_list(value: str | None) -> list[str]:
    """``--distribution "Naam, functie; Naam, functie"`` as a list (separated by ';')."""
    return [case_text(part, "--distribution") for part in (value or "").split(";") if part.strip()]


def make_case(case_id: str, purpose: str, officer: str, legal_ground: str, retention_years: int, *, reason: str = "",
              authority: str = "", decision_type: str = "", policy_rule: str = "", zaaktype: str = "Bibob-onderzoek",
              reviewer: str = "", distribution: str | None = None) -> Case:
    if not 1 <= retention_years <= 30:
        raise UsageError("--retention-years must be between 1 and 30")
    case_id = require_text(case_id, "--case")
    if len(case_id) > MAX_CASE_ID or any(not c.isprintable() for c in case_id):
        raise UsageError(f"--case must be at most {MAX_CASE_ID} printable characters")
    today = date.today()
    return Case(
        case_id=case_id,
        purpose=case_text(require_text(purpose, "--purpose"), "--purpose"),
        officer=case_text(officer, "--officer"),
        legal_ground=case_text(legal_ground, "--legal-ground"),
        created_on=today,
        retention_until=add_years(today, retention_years),
        reason=case_text(reason, "--reason"),
        authority=case_text(authority, "--authority"),
        decision_type=case_text(decision_type, "--decision-type"),
        policy_rule=case_text(policy_rule, "--policy-rule"),
        zaaktype=case_text(zaaktype, "--zaaktype"),
        reviewer=case_text(reviewer, "--reviewer"),
        distribution=distribution_list(distribution),
    )


def municipality_of(value: str | None) -> Municipality | None:
    from ..municipalities import resolve_municipality
    return resolve_municipality(value) if value is not None else None


def scan_and_record(
    subjects: list[tuple[Subject, Case]],
    *,
    demo: bool,
    out: Path | None,
    config: Path | None,
    profile: Path | None,
    indicators: Path | None,
    facts: Path | None = None,
    data: Path | None = None,
    database: str | None = None,
    by: str | None = None,
    reopen: bool = False,
) -> int:
    """Scan each subject for its case, record the scan and its report version in the
    case store, and write the report files into ``out`` when given."""
    from ..collectors import load_collectors
    from ..demo import demo_config_note, wired
    from ..dossier.scanning import scan_into_case
    from ..facts import load_facts
    from ..report import write_report
    from ..report.store import prepare_out_dir
    from ..scan import ScanOptions
    from ._store import actor, open_dossier

    officer = load_facts(facts) if facts is not None else []
    if out is not None:
        prepare_out_dir(out)  # before any request: a bad --out must not cost a scan
    who = actor(by)
    dossier = open_dossier(data, database, config=None if demo else config, demo=demo)  # a broken store must not cost a scan either
    options = wired(ScanOptions(indicators_path=indicators, profile_path=profile, progress=_progress, officer_evidence=list(officer)),
                    demo=demo, config=config)
    if demo and (note := demo_config_note(config)):
        typer.echo(f"  note: {note}", err=True)
    collectors = load_collectors()
    reports: list[Report] = []
    with dossier.store:
        for subject, case in subjects:
            if reopen:
                _reopen_if_final(dossier, case.case_id, who)

            def started(record: Any, subject_no: int, subject: Subject = subject, case: Case = case) -> None:
                _note_differences(record.case, case)
                shown = subject.name or f"KvK {subject.kvk}"
                typer.echo(f"Scanning {subject.kind.value} {shown!r} for case {record.case_id} ({len(collectors)} sources){' [demo world]' if demo else ''}", err=True)

            change = scan_into_case(dossier, case, subject, options, actor=who, demo=demo, collectors=collectors, on_start=started)
            version = change.versions[0]
            report = change.report
            reports.append(report)
            typer.echo(summary_line(report), err=True)
            typer.echo(f"  recorded: case {change.record.case_id}, subject {version.subject_no}, scan {version.scan_no}, report version {version.version_no} "
                       f"(status {change.record.status}) in {dossier.store.location.shown}", err=True)
            if out is not None:
                html_path, json_path = write_report(report, out)
                typer.echo(str(html_path))
                typer.echo(str(json_path))
    return exit_code(reports)


def _reopen_if_final(dossier: Any, case_id: str, who: str) -> None:
    """The demo command runs again on a demo case that was finalised in an earlier
    walk-through: a new file version, on record, instead of a refusal."""
    record = dossier.store.find(case_id)
    if record is not None and record.status in ("vastgesteld", "gearchiveerd"):
        dossier.reopen(case_id, actor=who, reason="demo opnieuw uitgevoerd (bibobscan demo)")
        typer.echo(f"  case {case_id} was {record.status}: reopened as file version {record.file_version + 1}", err=True)


def _note_differences(stored: Case, given: Case) -> None:
    """A re-scan of an existing case uses the stored case data; say so when the command
    line gave other values, instead of ignoring them silently."""
    differing = [name for name in ("purpose", "reason", "authority", "decision_type", "legal_ground", "officer", "reviewer")
                 if getattr(given, name) and getattr(given, name) != getattr(stored, name)]
    if differing:
        typer.echo(f"  note: case {stored.case_id} exists; its stored case data is used, not the {', '.join(differing)} given here "
                   f"(change it with `bibobscan case edit {stored.case_id}`)", err=True)


@dataclass(frozen=True, slots=True)
class ScanArgs:
    """The options ``scan person`` and ``scan company`` share, declared once here. A
    command takes ``args: ScanArgs``; :func:`with_scan_args` shows typer these fields as
    its options instead: the required ones first, the others after the command's own."""

    case: CaseOpt
    purpose: PurposeOpt
    municipality: MunicipalityOpt = None
    out: OutOpt = None
    demo: DemoOpt = False
    config: ConfigOpt = None
    profile: ProfileOpt = None
    indicators: IndicatorsOpt = None
    facts: FactsOpt = None
    officer: OfficerOpt = ""
    legal_ground: GroundOpt = "Wet Bibob art. 3"
    retention_years: RetentionOpt = 5
    reason: ReasonOpt = ""
    authority: AuthorityOpt = ""
    decision_type: DecisionTypeOpt = ""
    policy_rule: PolicyRuleOpt = ""
    zaaktype: ZaaktypeOpt = "Bibob-onderzoek"
    reviewer: ReviewerOpt = ""
    distribution: DistributionOpt = None
    identified_by: IdentifiedByOpt = ""
    identified_on: IdentifiedOnOpt = None
    data: DataOpt = None
    database: DatabaseOpt = None
    by: ByOpt = None

    def make_case(self) -> Case:
        return make_case(self.case, self.purpose, self.officer, self.legal_ground, self.retention_years, reason=self.reason,
                         authority=self.authority, decision_type=self.decision_type, policy_rule=self.policy_rule, zaaktype=self.zaaktype,
                         reviewer=self.reviewer, distribution=self.distribution)

    def identify(self, subject: Subject) -> Subject:
        """``subject`` with how its identity was established (--identified-by/-on)."""
        return replace(subject, identified_by=case_text(self.identified_by, "--identified-by"),
                       identified_on=parse_date(self.identified_on, "--identified-on"))

    def scan(self, subject: Subject) -> int:
        """Scan ``subject`` for this case, record it in the case store and write its
        report files when --out is given."""
        return scan_and_record(
            [(self.identify(subject), self.make_case())], demo=self.demo, out=self.out, config=self.config, profile=self.profile,
            indicators=self.indicators, facts=self.facts, data=self.data, database=self.database, by=self.by,
        )


with_scan_args = with_args(ScanArgs)


@scan_app.command("person")
@guarded
@with_scan_args
def scan_person(
    name: Annotated[str, typer.Argument(help="Full name of the person.")],
    args: ScanArgs,
    born: Annotated[str | None, typer.Option("--born", help="Date of birth, YYYY-MM-DD.")] = None,
) -> int:
    """Scan a person (one-click Bibob scan)."""
    subject = Subject(kind=SubjectKind.PERSON, name=subject_name(require_text(name, "NAME"), "NAME"), born=parse_born(born), municipality=municipality_of(args.municipality))
    return args.scan(subject)


@scan_app.command("company")
@guarded
@with_scan_args
def scan_company(
    args: ScanArgs,
    name: Annotated[str | None, typer.Argument(help="Company name (or give --kvk).")] = None,
    kvk: Annotated[str | None, typer.Option("--kvk", help="KvK number (8 digits).")] = None,
) -> int:
    """Scan a company by name or KvK number."""
    if not name and not kvk:
        raise UsageError("give a company NAME or --kvk NUMBER")
    if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
        raise UsageError(f"--kvk {kvk!r} is not a KvK number (8 digits)")
    # Without a name the scan asks the register for it first (scan._collect_by_kvk_only).
    subject = Subject(kind=SubjectKind.COMPANY, name=subject_name(name or "", "NAME"), kvk=kvk, municipality=municipality_of(args.municipality))
    return args.scan(subject)


@app.command("demo")
@guarded
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo reports.")] = Path("demo-out"),
    profile: ProfileOpt = None,
    indicators: IndicatorsOpt = None,
    data: DataOpt = None,
    by: ByOpt = None,
) -> int:
    """Run the fictional demo case offline (a person and a company) and write the reports."""
    from ..demo import COMPANY, PERSON, demo_case

    subjects = [(PERSON, demo_case("DEMO-2026-001")), (COMPANY, demo_case("DEMO-2026-002"))]
    return scan_and_record(subjects, demo=True, out=out, config=None, profile=profile, indicators=indicators, data=data, by=by, reopen=True)


@app.command("sources")
@guarded
def sources_command(config: ConfigOpt = None) -> int:
    """List every collector: what it covers, whether it is configured, its terms."""
    from ..collectors import load_collectors
    from ..config import load_settings
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
