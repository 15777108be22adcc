"""Shared by the case pages and the API: finding a case the account may see, starting a
scan job, and what the case page shows of a report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from ..accounts import CASE_ROLES, Account
from ..collectors import load_collectors
from ..demo import wired
from ..dossier import Change, report_of
from ..dossier.scanning import scan_into_case
from ..errors import CaseNotFound
from ..model import Report, Verdict
from ..report.render import split_evidence
from ..scan import ScanOptions
from ..store import CaseRecord
from ._context import Workspace
from ._jobs import Job


def case_for(ws: Workspace, account: Account, case_id: str) -> CaseRecord:
    """The case, when this account may open it; 404 otherwise — the same answer for a
    case of another team as for one that does not exist, so nothing leaks."""
    if account.role not in CASE_ROLES:
        raise HTTPException(status_code=403, detail="Uw rol werkt niet met zaken.")
    try:
        record = ws.store.case(case_id)
    except CaseNotFound:
        raise HTTPException(status_code=404, detail="Deze zaak bestaat niet, of u heeft er geen toegang toe.") from None
    if not account.may_open(record.team):
        raise HTTPException(status_code=404, detail="Deze zaak bestaat niet, of u heeft er geen toegang toe.")
    return record


def visible_cases(ws: Workspace, account: Account, **filters: Any) -> list[CaseRecord]:
    if account.role not in CASE_ROLES:
        return []
    cases = ws.store.cases(**filters)
    return [c for c in cases if account.may_open(c.team)]


def scan_now(ws: Workspace, actor: str, case_id: str, subject_no: int, job: Job | None = None) -> Change:
    """Scan one subject of a case and record it (the work of a scan job, and of each
    case of a batch): the case's own indicator files and demo flag, the workspace's
    settings or demo transport; progress per source into ``job`` when given."""
    current = ws.store.case(case_id)
    subject = next(s.subject for s in ws.store.subjects(case_id) if s.subject_no == subject_no)
    base = ScanOptions(indicators_path=Path(current.indicators_path) if current.indicators_path else None,
                       profile_path=Path(current.profile_path) if current.profile_path else None)
    if ws.config.demo_transport is not None:
        options = wired(base, demo=current.demo, config=ws.config.config, transport=ws.config.demo_transport)
    else:
        options = wired(base, demo=current.demo, config=ws.config.config)
    collectors = load_collectors()
    if job is not None:
        job.expect([(c.id, c.title) for c in collectors])
    return scan_into_case(ws.dossier, current.case, subject, options, actor=actor, demo=current.demo,
                          collectors=collectors, progress=job.on_source if job is not None else None)


def start_scan(ws: Workspace, account: Account, record: CaseRecord, subject_no: int) -> Job:
    case_id = record.case_id

    def work(job: Job) -> dict[str, Any]:
        change = scan_now(ws, account.name, case_id, subject_no, job)
        version = change.versions[0]
        a = change.report.assessment
        return {"version_no": version.version_no, "scan_no": version.scan_no, "subject_no": version.subject_no,
                "total_points": a.total_points, "band_label": a.band_label, "complete": a.complete, "status": change.record.status}

    return ws.jobs.start("scan", case_id, started_by=account.name, team=record.team, work=work)


@dataclass
class SubjectView:
    subject_no: int
    label: str
    version_no: int | None
    report: Report | None
    to_review: list[Any]  # evidence items a person can judge (attributed or possible)


def subject_views(ws: Workspace, record: CaseRecord) -> list[SubjectView]:
    views = []
    for s in ws.store.subjects(record.case_id):
        try:
            version = ws.store.version(record.case_id, subject_no=s.subject_no)
        except CaseNotFound:
            views.append(SubjectView(s.subject_no, s.label, None, None, []))
            continue
        report = report_of(version)
        groups = split_evidence(report)
        items = [*groups["match"], *groups["possible"], *groups["cleared"]]
        views.append(SubjectView(s.subject_no, s.label, version.version_no, report, items))
    return views


def verdict_label(ev: Any) -> str:
    verdict = ev.match.verdict if ev.match else Verdict.POSSIBLE
    return {Verdict.MATCH: "toegeschreven", Verdict.POSSIBLE: "mogelijk dezelfde"}.get(verdict, "niet toegeschreven")
