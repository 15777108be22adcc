"""Zaken: the list, a new case, the case page, scanning with live progress, the report
in the page, downloads, versions and the diff between them."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ...accounts import CASE_ROLES
from ...dossier import ALLOWED, LIFE, Status, missing_elements, report_of
from ...dossier.diff import diff_reports
from ...dossier.export import export_lbb
from ...errors import BibobscanError, CaseNotFound
from ...model import utcnow
from ...report import render_html
from ...report.render import FILE_STATUS_LABELS, slug
from .._app import REPORT_CSP
from .._auth import check_csrf, login_required, redirect
from .._cases import case_for, start_scan, subject_views, verdict_label, visible_cases
from .._forms import check_new_case
from .._render import page

router = APIRouter(include_in_schema=False)


def ws_of(request: Request) -> Any:
    return request.app.state.workspace


@router.get("/")
def home(request: Request) -> Response:
    session = login_required(request)
    if session.account.role not in CASE_ROLES:
        return RedirectResponse("/bureau", status_code=303)
    return RedirectResponse("/zaken", status_code=303)


@router.get("/zaken")
def case_list(request: Request, q: str = "", status: str = "", behandelaar: str = "", bewaartermijn: str = "") -> Response:
    session = login_required(request)
    ws = ws_of(request)
    filters: dict[str, Any] = {"search": q.strip()[:200] or None, "status": status if status in {s.value for s in Status} else None,
                               "officer": behandelaar.strip()[:200] or None}
    if bewaartermijn == "verlopen":
        filters["expired_on"] = date.today()
    cases = visible_cases(ws, session.account, **filters)
    if bewaartermijn == "lopend":
        cases = [c for c in cases if not c.expired(date.today())]
    officers = sorted({c.officer for c in visible_cases(ws, session.account) if c.officer})
    return page(request, "cases.html.j2", cases=cases, q=q[:200], status=status, behandelaar=behandelaar[:200], bewaartermijn=bewaartermijn,
                statuses=[(s.value, FILE_STATUS_LABELS.get(s.value, s.value)) for s in LIFE], officers=officers,
                jobs={j.case_id: j for j in ws.jobs.running()}, today=date.today(), is_role_ok=session.account.role in CASE_ROLES)


@router.get("/zaken/nieuw")
def new_case_form(request: Request) -> Response:
    session = login_required(request)
    if session.account.role not in CASE_ROLES:
        raise HTTPException(status_code=403, detail="Uw rol werkt niet met zaken.")
    values = {"soort": "persoon", "grondslag": "Wet Bibob art. 3", "zaaktype": "Bibob-onderzoek", "bewaartermijn": "5",
              "behandelaar": session.account.name, "team": session.account.teams[0] if session.account.teams else ""}
    return page(request, "new_case.html.j2", values=values, errors={}, teams=session.account.teams)


@router.post("/zaken/nieuw")
async def new_case(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_new_case, request, form)


def _new_case(request: Request, form: Any) -> Response:
    session = login_required(request)
    check_csrf(request, session, form.get("csrf"))
    if session.account.role not in CASE_ROLES:
        raise HTTPException(status_code=403, detail="Uw rol werkt niet met zaken.")
    ws = ws_of(request)
    checked = check_new_case(form, teams=session.account.teams, officer=session.account.name)
    if checked.ok and ws.store.find(checked.values["zaaknummer"].strip()) is not None:
        checked.errors["zaaknummer"] = "Er is al een zaak met dit nummer."
    if not checked.ok or checked.case is None or checked.subject is None:
        return page(request, "new_case.html.j2", status_code=400, values=checked.values, errors=checked.errors, teams=session.account.teams)
    team = checked.values["team"].strip() or session.account.teams[0]
    try:
        record = ws.dossier.new_case(checked.case, checked.subject, actor=session.account.name, demo=ws.config.demo, team=team)
    except BibobscanError as exc:
        checked.errors["zaaknummer"] = f"De zaak is niet aangemaakt: {exc}"
        return page(request, "new_case.html.j2", status_code=400, values=checked.values, errors=checked.errors, teams=session.account.teams)
    if form.get("direct_scannen"):
        job = start_scan(ws, session.account, record, 1)
        return redirect(f"/zaken/{record.case_id}/scan/{job.id}")
    return redirect(f"/zaken/{record.case_id}", flash=f"Zaak {record.case_id} is aangemaakt.")


@router.get("/zaken/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    session = login_required(request)
    ws = ws_of(request)
    record = case_for(ws, session.account, case_id)
    ws.dossier.view(case_id, actor=session.account.name, what="zaakpagina")
    review, _ = ws.dossier.review(case_id)
    subjects = subject_views(ws, record)
    missing: list[str] = []
    for view in subjects:
        if view.report is None:
            missing.append(f"betrokkene {view.label}: nog niet gescand")
        else:
            missing.extend(missing_elements(view.report, dutch=True))
    versions = ws.store.versions(case_id)
    jobs = sorted(ws.jobs.for_case(case_id), key=lambda j: j.created, reverse=True)
    return page(request, "case.html.j2", record=record, review=review, subjects=subjects, versions=versions, jobs=jobs,
                missing=missing, allowed=ALLOWED.get(Status(record.status), ()), status_label=FILE_STATUS_LABELS.get(record.status, record.status),
                verdict_label=verdict_label, dispositions=review.effective(), today=date.today(), Status=Status,
                open=Status(record.status).open, now_iso=utcnow().isoformat())


@router.post("/zaken/{case_id}/scan")
async def scan_case(request: Request, case_id: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_scan_case, request, case_id, form)


def _scan_case(request: Request, case_id: str, form: Any) -> Response:
    session = login_required(request)
    check_csrf(request, session, form.get("csrf"))
    ws = ws_of(request)
    record = case_for(ws, session.account, case_id)
    if not Status(record.status).open:
        return redirect(f"/zaken/{case_id}", flash="Dit dossier is vastgesteld; heropen het eerst om opnieuw te scannen (een nieuwe dossierversie).")
    try:
        subject_no = int(str(form.get("betrokkene", "1")))
    except ValueError:
        subject_no = 1
    if subject_no not in {s.subject_no for s in ws.store.subjects(case_id)}:
        raise HTTPException(status_code=400, detail=f"Deze zaak heeft geen betrokkene {subject_no}.")
    job = start_scan(ws, session.account, record, subject_no)
    return redirect(f"/zaken/{case_id}/scan/{job.id}")


def _job(request: Request, case_id: str, job_id: str) -> Any:
    session = login_required(request)
    ws = ws_of(request)
    case_for(ws, session.account, case_id)
    job = ws.jobs.get(job_id)
    if job is None or job.case_id != case_id:
        raise HTTPException(status_code=404, detail="Deze scan is niet (meer) bekend: de server is misschien opnieuw gestart. De zaakpagina toont de scans die zijn vastgelegd.")
    return job


@router.get("/zaken/{case_id}/scan/{job_id}")
def scan_progress(request: Request, case_id: str, job_id: str) -> Response:
    job = _job(request, case_id, job_id)
    return page(request, "progress.html.j2", job=job.snapshot(), case_id=case_id)


@router.get("/zaken/{case_id}/scan/{job_id}/voortgang.json")
def scan_progress_json(request: Request, case_id: str, job_id: str) -> Response:
    job = _job(request, case_id, job_id)
    return JSONResponse(job.snapshot())


def _version(ws: Any, case_id: str, version_no: int | None, subject_no: int) -> Any:
    try:
        return ws.store.version(case_id, version_no) if version_no else ws.store.version(case_id, subject_no=subject_no)
    except CaseNotFound:
        raise HTTPException(status_code=404, detail="Dit rapport bestaat niet (nog geen scan, of een onbekende versie).") from None


@router.get("/zaken/{case_id}/rapport")
def report_page(request: Request, case_id: str, versie: int | None = None, betrokkene: int = 1) -> Response:
    """The report itself, for the frame in the case page (and to open on its own)."""
    session = login_required(request)
    ws = ws_of(request)
    record = case_for(ws, session.account, case_id)
    version = _version(ws, record.case_id, versie, betrokkene)
    ws.dossier.view(case_id, actor=session.account.name, what=f"rapport versie {version.version_no}")
    response = HTMLResponse(render_html(report_of(version)))
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


DOWNLOADS = {"html": "text/html; charset=utf-8", "json": "application/json", "pdf": "application/pdf", "lbb": "application/zip"}


@router.get("/zaken/{case_id}/download/{fmt}")
def download(request: Request, case_id: str, fmt: str, versie: int | None = None, betrokkene: int = 1) -> Response:
    session = login_required(request)
    ws = ws_of(request)
    record = case_for(ws, session.account, case_id)
    if fmt not in DOWNLOADS:
        raise HTTPException(status_code=404, detail=f"Onbekend formaat {fmt[:20]!r}: html, pdf, json of lbb.")
    base = slug(f"{record.case_id}") or "zaak"
    if fmt == "lbb":
        data = _lbb_zip(ws, record.case_id)
        name = f"{base}-lbb-overdracht.zip"
        what = "LBB-overdracht (zip)"
    else:
        version = _version(ws, record.case_id, versie, betrokkene)
        report = report_of(version)
        if fmt == "html":
            data = render_html(report).encode("utf-8")
        elif fmt == "json":
            data = version.report_json.encode("utf-8")
        else:
            from ...report.pdf import render_pdf

            data = render_pdf(report, version.report_json)
        name = f"{base}-v{version.version_no}.{fmt}"
        what = f"rapport versie {version.version_no} als {fmt}"
    ws.dossier.exported(case_id, actor=session.account.name, what=what + " (werkplek)")
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(data, media_type=DOWNLOADS[fmt], headers=headers)


def _lbb_zip(ws: Any, case_id: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="bibobscan-lbb-") as tmp:
        folder = Path(tmp) / "overdracht"
        try:
            paths = export_lbb(ws.dossier, case_id, folder)
        except BibobscanError as exc:
            raise HTTPException(status_code=409, detail=f"De LBB-overdracht kan nog niet worden gemaakt: {exc}") from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(paths):
                archive.write(path, path.relative_to(folder).as_posix())
        return buffer.getvalue()


@router.get("/zaken/{case_id}/versies")
def versions_page(request: Request, case_id: str, van: int | None = None, naar: int | None = None) -> Response:
    session = login_required(request)
    ws = ws_of(request)
    record = case_for(ws, session.account, case_id)
    versions = ws.store.versions(case_id)
    diff = None
    chosen = (van, naar)
    if van is None or naar is None:
        # by default: the newest two versions of the same subject with different scans
        scans = {}
        for v in sorted(versions, key=lambda v: v.version_no, reverse=True):
            if v.subject_no == 1 and v.scan_no not in scans:
                scans[v.scan_no] = v.version_no
        newest = sorted(scans.values(), reverse=True)[:2]
        chosen = (newest[1], newest[0]) if len(newest) == 2 else (None, None)
    if chosen[0] and chosen[1]:
        old = _version(ws, case_id, chosen[0], 1)
        new = _version(ws, case_id, chosen[1], 1)
        if old.subject_no != new.subject_no:
            raise HTTPException(status_code=400, detail="Vergelijk twee versies van dezelfde betrokkene.")

        diff = diff_reports(report_of(old), report_of(new))
    ws.dossier.view(case_id, actor=session.account.name, what=f"versies{f' en verschil {chosen[0]}→{chosen[1]}' if diff else ''}")
    return page(request, "versions.html.j2", record=record, versions=versions, diff=diff, van=chosen[0], naar=chosen[1])
