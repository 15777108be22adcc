"""The JSON API for the municipality's case system (zaaksysteem), described by OpenAPI
at /openapi.json. Access is by a per-account API token (``Authorization: Bearer``,
made with ``bibobscan users token NAME``); without a valid one every endpoint answers
401. The same team rule as the pages: a case of another team is 404."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from ..accounts import CASE_ROLES, Account
from ..dossier import Status, report_of
from ..dossier.diff import diff_reports
from ..errors import BibobscanError, CaseNotFound
from ..model import to_jsonable
from ..store import CaseRecord, VersionRecord
from ._auth import api_account
from ._cases import case_for, start_scan, visible_cases
from ._forms import check_new_case

router = APIRouter(prefix="/api/v1", tags=["zaken"])
AccountDep = Annotated[Account, Depends(api_account)]


class SubjectIn(BaseModel):
    kind: Literal["person", "company"]
    name: str = Field("", max_length=200)
    born: date | None = None
    kvk: str | None = Field(None, max_length=8)
    municipality: str | None = Field(None, max_length=100)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    places: list[str] = Field(default_factory=list, max_length=20)
    role: str = Field("", max_length=200)
    identified_by: str = Field("", max_length=2000)
    identified_on: date | None = None


class CaseIn(BaseModel):
    case_id: str = Field(..., min_length=1, max_length=100, description="Zaaknummer from the case system")
    purpose: str = Field(..., min_length=1, max_length=2000, description="Doel")
    reason: str = Field(..., min_length=1, max_length=2000, description="Aanleiding")
    authority: str = Field("", max_length=2000)
    decision_type: str = Field("", max_length=2000)
    legal_ground: str = Field("Wet Bibob art. 3", max_length=2000)
    policy_rule: str = Field("", max_length=2000)
    zaaktype: str = Field("Bibob-onderzoek", max_length=2000)
    officer: str = Field("", max_length=2000)
    reviewer: str = Field("", max_length=2000)
    distribution: list[str] = Field(default_factory=list, max_length=50)
    retention_years: int = Field(5, ge=1, le=30)
    team: str = Field("", max_length=100, description="One of the token account's teams (default: its first)")
    subject: SubjectIn


class CaseOut(BaseModel):
    case_id: str
    status: str
    team: str
    officer: str
    subject: str
    kind: str
    file_version: int
    retention_until: date | None
    created_at: str
    updated_at: str
    scans_running: list[str] = Field(default_factory=list)


class ScanStarted(BaseModel):
    job_id: str
    status_url: str


class ScanStatus(BaseModel):
    job_id: str
    case_id: str
    state: str
    error: str
    sources: list[dict[str, Any]]
    result: dict[str, Any]


class VersionOut(BaseModel):
    version_no: int
    subject_no: int
    scan_no: int
    file_version: int
    trigger: str
    status: str
    final: bool
    created_at: str
    created_by: str
    digest: str


def _case_out(request: Request, record: CaseRecord) -> CaseOut:
    running = [j.id for j in request.app.state.workspace.jobs.for_case(record.case_id) if j.state in ("in de wachtrij", "bezig")]
    return CaseOut(case_id=record.case_id, status=record.status, team=record.team, officer=record.officer, subject=record.subject_name,
                   kind=record.kind, file_version=record.file_version, retention_until=record.retention_until,
                   created_at=record.created_at.isoformat(), updated_at=record.updated_at.isoformat(), scans_running=running)


def _version_out(v: VersionRecord) -> VersionOut:
    return VersionOut(version_no=v.version_no, subject_no=v.subject_no, scan_no=v.scan_no, file_version=v.file_version, trigger=v.trigger,
                      status=v.status, final=v.final, created_at=v.created_at.isoformat(), created_by=v.created_by, digest=v.digest)


def _ws(request: Request) -> Any:
    return request.app.state.workspace


@router.get("/cases", response_model=list[CaseOut], summary="The cases this account may see")
def list_cases(request: Request, account: AccountDep, status: str | None = None, q: str | None = Query(None, max_length=200)) -> list[CaseOut]:
    return [_case_out(request, r) for r in visible_cases(_ws(request), account, status=status, search=q)]


@router.post("/cases", response_model=CaseOut, status_code=201, summary="Create a case with its first subject")
def create_case(request: Request, account: AccountDep, body: CaseIn) -> CaseOut:
    if account.role not in CASE_ROLES:
        raise HTTPException(status_code=403, detail="this account's role does not work on cases")
    s = body.subject
    form = {
        "zaaknummer": body.case_id, "doel": body.purpose, "aanleiding": body.reason, "bestuursorgaan": body.authority,
        "soort_besluit": body.decision_type, "grondslag": body.legal_ground, "beleidsregel": body.policy_rule, "zaaktype": body.zaaktype,
        "behandelaar": body.officer or account.name, "reviewer": body.reviewer, "verdeellijst": "; ".join(body.distribution),
        "bewaartermijn": str(body.retention_years), "team": body.team or (account.teams[0] if account.teams else ""),
        "soort": "persoon" if s.kind == "person" else "bedrijf", "naam": s.name, "geboortedatum": s.born.isoformat() if s.born else "",
        "kvk": s.kvk or "", "gemeente": s.municipality or "", "aliassen": "; ".join(s.aliases), "plaatsen": "; ".join(s.places),
        "rol": s.role, "identiteit": s.identified_by, "identiteit_datum": s.identified_on.isoformat() if s.identified_on else "",
    }
    checked = check_new_case(form, teams=account.teams, officer=account.name)
    ws = _ws(request)
    if checked.ok and ws.store.find(body.case_id.strip()) is not None:
        raise HTTPException(status_code=409, detail=f"a case {body.case_id!r} exists already")
    if not checked.ok or checked.case is None or checked.subject is None:
        raise HTTPException(status_code=422, detail={"fields": checked.errors})
    try:
        record = ws.dossier.new_case(checked.case, checked.subject, actor=account.name, demo=ws.config.demo, team=form["team"])
    except BibobscanError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return _case_out(request, record)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="A case and its status")
def read_case(request: Request, account: AccountDep, case_id: str) -> CaseOut:
    record = case_for(_ws(request), account, case_id)
    _ws(request).dossier.view(case_id, actor=account.name, what="API: zaak")
    return _case_out(request, record)


@router.post("/cases/{case_id}/scans", response_model=ScanStarted, status_code=202, summary="Start a scan (a new version)")
def start(request: Request, account: AccountDep, case_id: str, subject_no: int = 1) -> ScanStarted:
    ws = _ws(request)
    record = case_for(ws, account, case_id)
    if subject_no not in {s.subject_no for s in ws.store.subjects(case_id)}:
        raise HTTPException(status_code=404, detail=f"case {case_id} has no subject {subject_no}")

    if not Status(record.status).open:
        raise HTTPException(status_code=409, detail=f"case {case_id} is {record.status}: reopen it (a new file version) before scanning again")
    job = start_scan(ws, account, record, subject_no)
    return ScanStarted(job_id=job.id, status_url=f"/api/v1/cases/{case_id}/scans/{job.id}")


@router.get("/cases/{case_id}/scans/{job_id}", response_model=ScanStatus, summary="The progress of a scan")
def scan_status(request: Request, account: AccountDep, case_id: str, job_id: str) -> ScanStatus:
    ws = _ws(request)
    case_for(ws, account, case_id)
    job = ws.jobs.get(job_id)
    if job is None or job.case_id != case_id:
        raise HTTPException(status_code=404, detail="no such scan (the server may have restarted; see the case's versions)")
    snap = job.snapshot()
    return ScanStatus(job_id=job.id, case_id=case_id, state=snap["state"], error=snap["error"], sources=snap["sources"], result=snap["result"])


@router.get("/cases/{case_id}/versions", response_model=list[VersionOut], summary="The report versions of a case")
def versions(request: Request, account: AccountDep, case_id: str) -> list[VersionOut]:
    ws = _ws(request)
    case_for(ws, account, case_id)
    return [_version_out(v) for v in ws.store.versions(case_id)]


def _json_report(request: Request, account: Account, case_id: str, version_no: int | None, subject_no: int) -> Response:
    ws = _ws(request)
    case_for(ws, account, case_id)
    try:
        version = ws.store.version(case_id, version_no) if version_no else ws.store.version(case_id, subject_no=subject_no)
    except CaseNotFound:
        raise HTTPException(status_code=404, detail="no such report version (not scanned yet?)") from None
    ws.dossier.exported(case_id, actor=account.name, what=f"API: report version {version.version_no} as json")
    return Response(version.report_json, media_type="application/json")


@router.get("/cases/{case_id}/report", summary="The newest report: the report JSON as `bibobscan scan` writes it, with its integrity digest",
            responses={200: {"content": {"application/json": {}}}})
def report(request: Request, account: AccountDep, case_id: str, subject_no: int = 1) -> Response:
    return _json_report(request, account, case_id, None, subject_no)


@router.get("/cases/{case_id}/versions/{version_no}", summary="One report version (JSON contract)", responses={200: {"content": {"application/json": {}}}})
def version(request: Request, account: AccountDep, case_id: str, version_no: int) -> Response:
    return _json_report(request, account, case_id, version_no, 1)


@router.get("/cases/{case_id}/diff", summary="What changed between two report versions")
def diff(request: Request, account: AccountDep, case_id: str, from_version: Annotated[int, Query(alias="from")],
         to_version: Annotated[int, Query(alias="to")]) -> Any:
    ws = _ws(request)
    case_for(ws, account, case_id)
    try:
        old, new = ws.store.version(case_id, from_version), ws.store.version(case_id, to_version)
    except CaseNotFound:
        raise HTTPException(status_code=404, detail="no such report version") from None
    if old.subject_no != new.subject_no:
        raise HTTPException(status_code=400, detail="compare two versions of the same subject")

    ws.dossier.view(case_id, actor=account.name, what=f"API: diff {from_version}->{to_version}")
    return json.loads(json.dumps(to_jsonable(diff_reports(report_of(old), report_of(new))), ensure_ascii=False))
