"""``bibobscan case …``: the Bibob file from the command line (docs/dossier.md).

Thin: every command parses its options and calls :mod:`bibobscan.dossier`; the web page
calls the same functions.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from ..model import (
    Degree,
    DispositionAction,
    Subject,
    SubjectKind,
    Verdict,
    to_jsonable,
)
from ._app import (
    EXIT_OK,
    AuthorityOpt,
    ConfigOpt,
    DecisionTypeOpt,
    DistributionOpt,
    GroundOpt,
    IdentifiedByOpt,
    IdentifiedOnOpt,
    MunicipalityOpt,
    OfficerOpt,
    PolicyRuleOpt,
    PurposeOpt,
    ReasonOpt,
    RetentionOpt,
    ReviewerOpt,
    ZaaktypeOpt,
    app,
    guarded,
    with_args,
)
from ._store import StoreArgs
from .scan import (
    case_text,
    distribution_list,
    make_case,
    municipality_of,
    parse_born,
    parse_date,
    require_text,
    scan_and_record,
    subject_name,
)

if TYPE_CHECKING:
    from ..dossier import Dossier
    from ..store import CaseRecord

with_store_args = with_args(StoreArgs)
case_app = typer.Typer(no_args_is_help=True, help="The Bibob file: cases in the case store, review, finalise, export, seal.")
app.add_typer(case_app, name="case")
store_app = typer.Typer(no_args_is_help=True, help="The case store itself.")
app.add_typer(store_app, name="store")

CaseArg = Annotated[str, typer.Argument(help="Case number (zaaknummer).")]
SubjectOpt = Annotated[int | None, typer.Option("--subject", min=1, help="Which subject of the case (1, 2, ...); default: the only one, or all.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
ReasonTextOpt = Annotated[str, typer.Option("--reason", help="Why (required: the file records it).")]


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


# --- creating and editing ------------------------------------------------------------------


@case_app.command("new")
@guarded
@with_store_args
def case_new(
    case: CaseArg,
    kind: Annotated[str, typer.Option("--kind", help="person or company.")],
    purpose: PurposeOpt,
    name: Annotated[str, typer.Option("--name", help="The subject's name (for a company, or give --kvk).")] = "",
    born: Annotated[str | None, typer.Option("--born", help="Date of birth (person), YYYY-MM-DD.")] = None,
    kvk: Annotated[str | None, typer.Option("--kvk", help="KvK number (company).")] = None,
    municipality: MunicipalityOpt = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name of the subject (repeatable).")] = None,
    place: Annotated[list[str] | None, typer.Option("--place", help="A place known to belong to the subject (repeatable).")] = None,
    role: Annotated[str, typer.Option("--role", help="The subject's role, e.g. aanvrager, bestuurder.")] = "",
    reason: ReasonOpt = "",
    authority: AuthorityOpt = "",
    decision_type: DecisionTypeOpt = "",
    legal_ground: GroundOpt = "Wet Bibob art. 3",
    policy_rule: PolicyRuleOpt = "",
    zaaktype: ZaaktypeOpt = "Bibob-onderzoek",
    officer: OfficerOpt = "",
    reviewer: ReviewerOpt = "",
    distribution: DistributionOpt = None,
    retention_years: RetentionOpt = 5,
    identified_by: IdentifiedByOpt = "",
    identified_on: IdentifiedOnOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Open a new case file with its first subject (scan it with `bibobscan case scan`)."""
    subject = make_subject(kind, name, born=born, kvk=kvk, municipality=municipality, alias=alias, place=place, role=role,
                           identified_by=identified_by, identified_on=identified_on)
    the_case = make_case(case, purpose, officer, legal_ground, retention_years, reason=reason, authority=authority,
                         decision_type=decision_type, policy_rule=policy_rule, zaaktype=zaaktype, reviewer=reviewer, distribution=distribution)
    dossier = args.dossier(create=True)
    with dossier.store:
        record = dossier.new_case(the_case, subject, actor=args.actor, demo=args.demo)
        typer.echo(f"case {record.case_id} opened (status {record.status}) in {dossier.store.location.shown}")
    return EXIT_OK


def make_subject(kind: str, name: str, *, born: str | None = None, kvk: str | None = None, municipality: str | None = None,
                 alias: list[str] | None = None, place: list[str] | None = None, role: str = "", relation: str = "",
                 identified_by: str = "", identified_on: str | None = None) -> Subject:
    try:
        subject_kind = SubjectKind(kind.strip().lower())
    except ValueError:
        raise UsageError(f"--kind {kind!r}: use person or company") from None
    if subject_kind is SubjectKind.SECTOR:
        raise UsageError("--kind sector: a sector is scanned with `bibobscan sector`, not as a case subject")
    if subject_kind is SubjectKind.PERSON:
        name = require_text(name, "--name")
        if kvk:
            raise UsageError("--kvk is for a company; a person is identified by --name and --born")
    else:
        if born:
            raise UsageError("--born is for a person")
        if not name.strip() and not kvk:
            raise UsageError("give the company's --name or --kvk")
        if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
            raise UsageError(f"--kvk {kvk!r} is not a KvK number (8 digits)")
    return Subject(
        kind=subject_kind, name=subject_name(name, "--name"), born=parse_born(born), kvk=kvk, municipality=municipality_of(municipality),
        aliases=[subject_name(a, "--alias") for a in alias or [] if a.strip()], places=[subject_name(p, "--place") for p in place or [] if p.strip()],
        role=case_text(role, "--role"), relation=case_text(relation, "--relation"), identified_by=case_text(identified_by, "--identified-by"),
        identified_on=parse_date(identified_on, "--identified-on"),
    )


@case_app.command("add-subject")
@guarded
@with_store_args
def case_add_subject(
    case: CaseArg,
    kind: Annotated[str, typer.Option("--kind", help="person or company.")],
    name: Annotated[str, typer.Option("--name", help="The subject's name.")] = "",
    born: Annotated[str | None, typer.Option("--born", help="Date of birth (person), YYYY-MM-DD.")] = None,
    kvk: Annotated[str | None, typer.Option("--kvk", help="KvK number (company).")] = None,
    municipality: MunicipalityOpt = None,
    role: Annotated[str, typer.Option("--role", help="Role in the case, e.g. bestuurder, financier.")] = "",
    relation: Annotated[str, typer.Option("--relation", help="Relation to the other subjects, e.g. 'bestuurder van subject 1'.")] = "",
    identified_by: IdentifiedByOpt = "",
    identified_on: IdentifiedOnOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Add a subject to a case (a director, a financier); each subject is scanned and reported on by itself."""
    subject = make_subject(kind, name, born=born, kvk=kvk, municipality=municipality, role=role, relation=relation,
                           identified_by=identified_by, identified_on=identified_on)
    dossier = args.dossier()
    with dossier.store:
        number = dossier.add_subject(case, subject, actor=args.actor)
        typer.echo(f"case {case}: subject {number} added ({subject.kind.value} {subject.name or subject.kvk})")
    return EXIT_OK


@case_app.command("edit")
@guarded
@with_store_args
def case_edit(
    case: CaseArg,
    purpose: Annotated[str | None, typer.Option("--purpose", help="Doel.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Aanleiding.")] = None,
    authority: Annotated[str | None, typer.Option("--authority", help="Bestuursorgaan.")] = None,
    decision_type: Annotated[str | None, typer.Option("--decision-type", help="Type of decision.")] = None,
    legal_ground: Annotated[str | None, typer.Option("--legal-ground", help="Legal ground.")] = None,
    policy_rule: Annotated[str | None, typer.Option("--policy-rule", help="Policy rule and article.")] = None,
    zaaktype: Annotated[str | None, typer.Option("--zaaktype", help="Zaaktype.")] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="Behandelaar.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Reviewer (four eyes).")] = None,
    distribution: DistributionOpt = None,
    confidentiality: Annotated[str | None, typer.Option("--confidentiality", help="Confidentiality marking.")] = None,
    retention_until: Annotated[str | None, typer.Option("--retention-until", help="Retention date, YYYY-MM-DD.")] = None,
    subject: SubjectOpt = None,
    identified_by: Annotated[str | None, typer.Option("--identified-by", help="How the subject's identity was established.")] = None,
    identified_on: IdentifiedOnOpt = None,
    role: Annotated[str | None, typer.Option("--role", help="The subject's role.")] = None,
    relation: Annotated[str | None, typer.Option("--relation", help="The subject's relation to the others.")] = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Change case data (any option given) or a subject's identification and role; makes a new report version."""
    dossier = args.dossier()
    with dossier.store:
        record = dossier.store.case(case)
        changes: dict[str, Any] = {}
        for option, value in (("purpose", purpose), ("reason", reason), ("authority", authority), ("decision_type", decision_type),
                              ("legal_ground", legal_ground), ("policy_rule", policy_rule), ("zaaktype", zaaktype), ("officer", officer),
                              ("reviewer", reviewer), ("confidentiality", confidentiality)):
            if value is not None:
                changes[option] = case_text(value, "--" + option.replace("_", "-"))
        if changes.get("purpose") == "" or changes.get("confidentiality") == "":
            raise UsageError("--purpose and --confidentiality may not be empty")
        if distribution is not None:
            changes["distribution"] = distribution_list(distribution)
        if retention_until is not None:
            changes["retention_until"] = parse_date(retention_until, "--retention-until")
        subject_changes: dict[str, Any] = {}
        if identified_by is not None:
            subject_changes["identified_by"] = case_text(identified_by, "--identified-by")
        if identified_on is not None:
            subject_changes["identified_on"] = parse_date(identified_on, "--identified-on")
        if role is not None:
            subject_changes["role"] = case_text(role, "--role")
        if relation is not None:
            subject_changes["relation"] = case_text(relation, "--relation")
        if not changes and not subject_changes:
            raise UsageError("nothing to change: give one or more options (see --help)")
        who = args.actor
        if changes:
            dossier.edit_case(case, actor=who, case=replace(record.case, **changes))
        if subject_changes:
            number = _one_subject(dossier, case, subject)
            current = next(s.subject for s in dossier.store.subjects(case) if s.subject_no == number)
            dossier.edit_case(case, actor=who, subject_no=number, subject=replace(current, **subject_changes))
        typer.echo(f"case {case}: changed {', '.join([*changes, *subject_changes])}")
    return EXIT_OK


def _one_subject(dossier: Dossier, case: str, subject: int | None) -> int:
    subjects = dossier.store.subjects(case)
    if subject is None:
        if len(subjects) > 1:
            raise UsageError(f"case {case} has {len(subjects)} subjects: give --subject N ({'; '.join(s.label for s in subjects)})")
        return subjects[0].subject_no
    if subject not in {s.subject_no for s in subjects}:
        raise UsageError(f"case {case} has no subject {subject} ({'; '.join(s.label for s in subjects)})")
    return subject


# --- scanning ------------------------------------------------------------------------------


@case_app.command("scan")
@guarded
@with_store_args
def case_scan(
    case: CaseArg,
    subject: SubjectOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the reports as HTML and JSON into this folder.")] = None,
    config: ConfigOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Scan the case's subjects (or one) again: a new scan and report version, nothing overwritten."""
    dossier = args.dossier()
    with dossier.store:
        record = dossier.store.case(case)
        subjects = dossier.store.subjects(case)
    chosen = [s for s in subjects if subject is None or s.subject_no == subject]
    if not chosen:
        raise UsageError(f"case {case} has no subject {subject}")
    profile = Path(record.profile_path) if record.profile_path else None
    indicators = Path(record.indicators_path) if record.indicators_path else None
    return scan_and_record([(s.subject, record.case) for s in chosen], demo=args.demo, out=out, config=config, profile=profile,
                           indicators=indicators, data=args.data, database=args.database, by=args.by)


# --- review --------------------------------------------------------------------------------


@case_app.command("confirm")
@guarded
@with_store_args
def case_confirm(
    case: CaseArg,
    evidence: Annotated[str, typer.Argument(help="The evidence id (shown under each item in the report and by `case show`).")],
    reason: ReasonTextOpt,
    subject: SubjectOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Confirm that an item is about the subject: it counts as attributed, with your name and reason."""
    return _dispose(case, evidence, DispositionAction.CONFIRMED, reason, subject, args)


@case_app.command("clear")
@guarded
@with_store_args
def case_clear(
    case: CaseArg,
    evidence: Annotated[str, typer.Argument(help="The evidence id.")],
    reason: ReasonTextOpt,
    as_: Annotated[str, typer.Option("--as", help="namesake (another person or company) or not_relevant.")] = "namesake",
    subject: SubjectOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Clear an item as a namesake or as not relevant: it moves to "beoordeelde treffers" and its points go."""
    try:
        action = DispositionAction(as_.strip().lower().replace("-", "_"))
    except ValueError:
        raise UsageError(f"--as {as_!r}: use namesake or not_relevant") from None
    if action is DispositionAction.CONFIRMED:
        raise UsageError("--as confirmed: use `bibobscan case confirm` to confirm an item")
    return _dispose(case, evidence, action, reason, subject, args)


def _dispose(case: str, evidence: str, action: DispositionAction, reason: str, subject: int | None, args: StoreArgs) -> int:
    dossier = args.dossier()
    with dossier.store:
        change = dossier.dispose(case, evidence.strip(), action, reason, actor=args.actor, subject_no=subject)
        report = change.report
        typer.echo(f"case {case}: {evidence} {action.dutch}; report version {change.versions[0].version_no}: "
                   f"{report.assessment.band_label}, {report.assessment.total_points:g} points (status {change.record.status})")
    return EXIT_OK


@case_app.command("conclude")
@guarded
@with_store_args
def case_conclude(
    case: CaseArg,
    degree: Annotated[str, typer.Option("--degree", help="geen, mindere_mate or ernstig (Wet Bibob art. 3).")],
    reasoning: Annotated[str, typer.Option("--reasoning", help="The proportionality reasoning (evenredigheid, art. 3 lid 5).")],
    conditions: Annotated[str, typer.Option("--conditions", help="Voorschriften, for mindere mate van gevaar.")] = "",
    lbb_advice: Annotated[bool, typer.Option("--lbb-advice", help="Propose to ask the LBB for advice.")] = False,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Record the officer's conclusion; a second person signs it off (`case signoff`)."""
    try:
        chosen = Degree(degree.strip().lower().replace(" ", "_"))
    except ValueError:
        raise UsageError(f"--degree {degree!r}: use geen, mindere_mate or ernstig") from None
    dossier = args.dossier()
    with dossier.store:
        change = dossier.conclude(case, chosen, reasoning, actor=args.actor, conditions=conditions, lbb_advice=lbb_advice)
        typer.echo(f"case {case}: conclusion {chosen.dutch} recorded (status {change.record.status}); a reviewer signs it off with `bibobscan case signoff {case}`")
    return EXIT_OK


@case_app.command("signoff")
@guarded
@with_store_args
def case_signoff(
    case: CaseArg,
    note: Annotated[str, typer.Option("--note", help="A note with the sign-off.")] = "",
    args: StoreArgs = StoreArgs(),
) -> int:
    """The reviewer's sign-off (four eyes: not the officer, not the author of the conclusion)."""
    dossier = args.dossier()
    with dossier.store:
        change = dossier.sign_off(case, actor=args.actor, note=note)
        typer.echo(f"case {case}: signed off by {args.actor} (status {change.record.status})")
    return EXIT_OK


@case_app.command("zienswijze")
@guarded
@with_store_args
def case_zienswijze(
    case: CaseArg,
    shared_on: Annotated[str, typer.Option("--shared-on", help="When the findings or intended decision were shared, YYYY-MM-DD.")],
    shared: Annotated[str, typer.Option("--shared", help="What was shared with the applicant.")],
    response_on: Annotated[str | None, typer.Option("--response-on", help="When the applicant responded, YYYY-MM-DD.")] = None,
    response: Annotated[str, typer.Option("--response", help="The response, or a summary of it.")] = "",
    response_file: Annotated[Path | None, typer.Option("--response-file", help="The response as a UTF-8 text file (instead of --response).")] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach", help="A file the applicant sent (repeatable).")] = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Record what was shared with the applicant and their response (Wet Bibob art. 32/33)."""
    shared_date = parse_date(shared_on, "--shared-on")
    if shared_date is None:
        raise UsageError("--shared-on is required")
    text = response
    if response_file is not None:
        if response:
            raise UsageError("give --response or --response-file, not both")
        try:
            text = response_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--response-file {response_file}: cannot read it as UTF-8 text ({exc})") from exc
    files: list[tuple[str, bytes]] = []
    for path in attach or []:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"--attach {path}: {exc.strerror or exc}") from exc
    dossier = args.dossier()
    with dossier.store:
        change = dossier.record_zienswijze(case, shared_on=shared_date, shared=shared, actor=args.actor,
                                           response_on=parse_date(response_on, "--response-on"), response=text, attachments=files)
        typer.echo(f"case {case}: zienswijze recorded with {len(files)} attachment(s) (status {change.record.status})")
    return EXIT_OK


# --- finalise, reopen, destroy --------------------------------------------------------------


@case_app.command("finalise")
@guarded
@with_store_args
def case_finalise(
    case: CaseArg,
    keep_raw_bodies: Annotated[bool | None, typer.Option("--keep-raw-bodies/--drop-raw-bodies",
                                                            help="Keep the raw source responses for the archive (default: the [store] keep_raw_bodies setting, else drop them).")] = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Finalise the file: immutable from now on (a change is a new version via `case reopen`)."""
    dossier = args.dossier()
    with dossier.store:
        change = dossier.finalise(case, actor=args.actor, keep_raw_bodies=keep_raw_bodies)
        versions = ", ".join(str(v.version_no) for v in change.versions)
        typer.echo(f"case {case}: finalised (status {change.record.status}); final report version(s) {versions}; "
                   f"raw responses {change.report.file.raw_bodies if change.report.file else '?'}")
    return EXIT_OK


@case_app.command("reopen")
@guarded
@with_store_args
def case_reopen(
    case: CaseArg,
    reason: ReasonTextOpt,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Start a new file version of a finalised file; the finalised version stays as it was."""
    dossier = args.dossier()
    with dossier.store:
        record = dossier.reopen(case, actor=args.actor, reason=reason)
        typer.echo(f"case {case}: reopened as file version {record.file_version} (status {record.status})")
    return EXIT_OK


@case_app.command("purge")
@guarded
@with_store_args
def case_purge(
    case: Annotated[str | None, typer.Argument(help="Case number; or --expired for every case whose retention ended.")] = None,
    expired: Annotated[bool, typer.Option("--expired", help="Destroy every case whose retention date has passed.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the tombstone).")] = "bewaartermijn verstreken (Archiefwet, Selectielijst)",
    args: StoreArgs = StoreArgs(),
) -> int:
    """Destroy case data after its retention date; a tombstone and the audit log stay (Archiefwet)."""
    from ..dossier import Status
    if (case is None) == (not expired):
        raise UsageError("give a case number or --expired (not both)")
    dossier = args.dossier()
    who = args.actor
    with dossier.store:
        today = date.today()
        targets = [case] if case else [r.case_id for r in dossier.store.cases(expired_on=today) if r.status != Status.DESTROYED]
        for case_id in targets:
            dossier.purge(case_id, actor=who, reason=reason, today=today)
            typer.echo(f"case {case_id}: destroyed; tombstone and audit log kept")
        if not targets:
            typer.echo("no case whose retention has ended")
    return EXIT_OK


# --- reading and exporting ------------------------------------------------------------------


@case_app.command("list")
@guarded
@with_store_args
def case_list(
    status: Annotated[str | None, typer.Option("--status", help="Only cases in this state (concept, gescand, beoordeeld, ...).")] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's cases.")] = None,
    expired: Annotated[bool, typer.Option("--expired", help="Only cases whose retention date has passed.")] = False,
    search: Annotated[str | None, typer.Option("--search", help="Case number or subject name contains this.")] = None,
    as_json: JsonOpt = False,
    args: StoreArgs = StoreArgs(),
) -> int:
    """List the cases in the store, newest first."""
    from ..dossier import Status
    if status is not None and status not in {s.value for s in Status}:
        raise UsageError(f"--status {status!r}: one of {', '.join(s.value for s in Status)}")
    dossier = args.dossier()
    with dossier.store:
        records = dossier.store.cases(status=status, officer=officer, expired_on=date.today() if expired else None, search=search)
    if as_json:
        _echo_json([_case_summary(r) for r in records])
        return EXIT_OK
    for r in records:
        typer.echo(f"{r.case_id}\t{r.status}\t{r.kind}\t{r.subject_name}\t{r.officer or '-'}\tbewaren tot {r.retention_until or '-'}")
    if not records:
        typer.echo("no cases")
    return EXIT_OK


def _case_summary(r: CaseRecord) -> dict[str, Any]:
    return {"case_id": r.case_id, "status": r.status, "kind": r.kind, "subject": r.subject_name, "officer": r.officer,
            "reviewer": r.reviewer, "retention_until": r.retention_until, "file_version": r.file_version, "demo": r.demo,
            "created_at": r.created_at, "finalised_at": r.finalised_at, "archived_at": r.archived_at, "destroyed_at": r.destroyed_at}


@case_app.command("show")
@guarded
@with_store_args
def case_show(
    case: CaseArg,
    as_json: JsonOpt = False,
    args: StoreArgs = StoreArgs(),
) -> int:
    """The state of a case: data, subjects, scans, report versions, review, what is missing, and every evidence item with its id."""
    from ..dossier import Status, missing_elements, report_of, review_of
    from ..report.render import VERDICT_LABELS
    dossier = args.dossier()
    with dossier.store:
        record = dossier.store.case(case)
        subjects = dossier.store.subjects(case)
        scans = dossier.store.scans(case)
        versions = dossier.store.versions(case)
        review, lapsed = review_of(dossier.store.review_events(case), record.file_version)
        latest = {s.subject_no: next((v for v in reversed(versions) if v.subject_no == s.subject_no), None) for s in subjects}
        reports = {n: report_of(v) for n, v in latest.items() if v is not None}
        dossier.view(case, actor=args.actor, what="case show")
    missing = sorted({m for rep in reports.values() for m in missing_elements(rep)}) if Status(record.status).open else []
    if as_json:
        _echo_json({
            **_case_summary(record), "case": record.case, "subjects": [{"subject_no": s.subject_no, "subject": s.subject} for s in subjects],
            "scans": [{"scan_no": s.scan_no, "subject_no": s.subject_no, "created_at": s.created_at, "by": s.created_by, "complete": s.complete,
                       "points": s.total_points, "band": s.band_label} for s in scans],
            "versions": [{"version_no": v.version_no, "subject_no": v.subject_no, "file_version": v.file_version, "scan_no": v.scan_no,
                          "trigger": v.trigger, "status": v.status, "final": v.final, "created_at": v.created_at, "digest": v.digest} for v in versions],
            "review": review, "signoff_lapsed": lapsed, "missing": missing,
            "evidence": {n: [{"id": e.id, "title": e.title, "verdict": e.match.verdict if e.match else None} for e in rep.evidence] for n, rep in reports.items()},
        })
        return EXIT_OK
    c = record.case
    typer.echo(f"case {record.case_id} – status {record.status} (file version {record.file_version}){' [demo]' if record.demo else ''}")
    typer.echo(f"  officer {c.officer or '-'}; reviewer {c.reviewer or '-'}; retention until {c.retention_until or '-'}")
    typer.echo(f"  aanleiding: {c.reason or '-'}\n  doel: {c.purpose}")
    for s in subjects:
        typer.echo(f"subject {s.label}")
        rep = reports.get(s.subject_no)
        if rep is None:
            typer.echo("  not scanned yet")
            continue
        v = latest[s.subject_no]
        assert v is not None
        typer.echo(f"  report version {v.version_no} (scan {v.scan_no}): {rep.assessment.band_label}, {rep.assessment.total_points:g} points")
        judged = rep.review.effective()
        for e in rep.evidence:
            verdict = e.match.verdict if e.match else Verdict.POSSIBLE
            d = judged.get(e.id)
            label = f"{d.action.dutch} by {d.by}" if d else VERDICT_LABELS[verdict]
            typer.echo(f"    {e.id}  [{label}]  {e.title[:90]}")
    typer.echo(f"scans: {len(scans)}; report versions: {len(versions)}")
    if review.conclusion:
        typer.echo(f"conclusion: {review.conclusion.degree.dutch} by {review.conclusion.by}" +
                   (f"; signed off by {review.signoff.by}" if review.signoff else "; not signed off" + (" (the sign-off lapsed)" if lapsed else "")))
    for z in review.zienswijze:
        typer.echo(f"zienswijze: shared {z.shared_on}, response {z.response_on or '-'}, {len(z.attachments)} attachment(s)")
    if missing:
        typer.echo("to finalise, still missing:")
        for m in missing:
            typer.echo(f"  - {m}")
    return EXIT_OK


@case_app.command("export")
@guarded
@with_store_args
def case_export(
    case: CaseArg,
    format_: Annotated[str, typer.Option("--format", help="html, json, pdf or lbb (the LBB hand-off folder).")],
    out: Annotated[Path, typer.Option("--out", help="File to write (for lbb: a folder).")],
    subject: SubjectOpt = None,
    version: Annotated[int | None, typer.Option("--version", min=1, help="A report version (default: the newest).")] = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Export a report version (HTML, JSON, PDF/A) or the LBB hand-off; every export is in the audit log."""
    from ..dossier.export import export_case

    fmt = format_.strip().lower()
    if fmt not in ("html", "json", "pdf", "lbb"):
        raise UsageError(f"--format {format_!r}: use html, json, pdf or lbb")
    dossier = args.dossier()
    with dossier.store:
        paths = export_case(dossier, case, fmt, out, subject_no=subject, version_no=version, actor=args.actor)
    for p in paths:
        typer.echo(str(p))
    return EXIT_OK


@case_app.command("seal")
@guarded
@with_store_args
def case_seal(
    case: CaseArg,
    archive: Annotated[Path, typer.Option("--archive", help="The archive folder (created when new).")],
    config: ConfigOpt = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Seal a finalised file into the archive: one bag per subject's final report version, with the audit extract,
    the zienswijze attachments and, when kept, the raw responses. Prints the bags' paths."""
    from ..dossier.seal import seal_case
    from .archive import open_archive

    dossier = args.dossier()
    with dossier.store:
        bags = seal_case(dossier, case, open_archive(archive, config), actor=args.actor)
    for bag in bags:
        typer.echo(str(bag.path))
    return EXIT_OK


@case_app.command("audit")
@guarded
@with_store_args
def case_audit(
    case: CaseArg,
    as_json: JsonOpt = False,
    args: StoreArgs = StoreArgs(),
) -> int:
    """Who did what and when in a case."""
    dossier = args.dossier()
    with dossier.store:
        dossier.store.case(case)
        entries = dossier.store.audit_log(case)
    if as_json:
        _echo_json(entries)
        return EXIT_OK
    for e in entries:
        typer.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}  {e.detail}")
    return EXIT_OK


@case_app.command("bodies")
@guarded
@with_store_args
def case_bodies(
    case: CaseArg,
    scan: Annotated[int | None, typer.Option("--scan", min=1, help="Only this scan.")] = None,
    args: StoreArgs = StoreArgs(),
) -> int:
    """The raw source responses kept while the case is open (sha256, size, URL)."""
    dossier = args.dossier()
    with dossier.store:
        bodies = dossier.store.bodies(case, scan)
        dossier.view(case, actor=args.actor, what="raw responses (list)")
    for b in bodies:
        typer.echo(f"scan {b.scan_no}  {b.sha256}  {b.size:>9,} B{' (capped)' if b.truncated else ''}  {b.media_type}  {b.url}")
    if not bodies:
        typer.echo("no raw responses kept (none received, or dropped when the file was finalised)")
    return EXIT_OK


@case_app.command("body")
@guarded
@with_store_args
def case_body(
    case: CaseArg,
    sha256: Annotated[str, typer.Argument(help="The response's sha256 (as shown with the evidence).")],
    out: Annotated[Path, typer.Option("--out", help="File to write the response to.")],
    args: StoreArgs = StoreArgs(),
) -> int:
    """Write one raw source response to a file, to look at what evidence was read from."""
    from ..report.files import write_bytes_atomic

    dossier = args.dossier()
    with dossier.store:
        body = dossier.store.body(case, sha256.strip().lower())
        assert body.content is not None
        write_bytes_atomic(out, body.content)
        dossier.exported(case, actor=args.actor, what=f"raw response {body.sha256} to a file")
    typer.echo(str(out))
    return EXIT_OK


@store_app.command("info")
@guarded
@with_store_args
def store_info(
    args: StoreArgs = StoreArgs(),
) -> int:
    """Where the case store is, its schema revision and how many cases it holds."""
    from ..dossier import Status
    from ..store import head_revision

    dossier = args.dossier()
    with dossier.store:
        records = dossier.store.cases()
        typer.echo(f"database: {dossier.store.location.shown}\nschema revision: {dossier.store.revision()} (newest {head_revision()})\ncases: {len(records)}")
        for status in Status:
            n = sum(1 for r in records if r.status == status.value)
            if n:
                typer.echo(f"  {status.value}: {n}")
    return EXIT_OK


__all__ = ["case_app", "make_subject", "store_app"]
