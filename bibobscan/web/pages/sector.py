"""Branchescan for the supervisor (toezichthouder): choose a preset, a municipality and
postcodes; the scan runs in a worker thread through the same library calls as
``bibobscan sector`` (:func:`bibobscan.sector.run_sector`, wired to the settings or to the
demo world's replay transport, and :func:`bibobscan.report.sector.write_sector_report`);
the page shows the ranked table, the full sector report (with its map) in a sandboxed
frame, and offers the files the writers made (CSV, XLSX, JSON, PDF/A, HTML).

Each scan keeps its files in its own folder, ``<data>/branchescans/<job id>/``, with a
small ``werkplek.json`` that says who started it, for which case and team: the result and
its downloads survive a restart of the server (the live progress does not). A scan is
seen by the account that started it, by accounts of its team, and by the beheerder.
Every scan, view and download goes into the audit log of the case it was made for."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from rapidfuzz import process
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..._atomic import write_text
from ...accounts import Account, Role
from ...cli import sector as cli_sector
from ...cli.scan import MAX_CASE_ID, MAX_CASE_TEXT
from ...demo import wired
from ...errors import BibobscanError, ReportError, UsageError
from ...model import Case, SourceStatus
from ...municipalities import all_municipalities
from ...report import STATUS_LABELS
from ...report.sector import (
    COLUMNS,
    STATUS_PARTIAL,
    WHY,
    fmt,
    read_sector_report,
    table_rows,
    write_sector_report,
)
from ...sector import (
    Preset,
    SectorDefinition,
    SectorOptions,
    build_definition,
    load_presets,
    run_sector,
)
from ...sector.discover import ProgressEvent
from ...sector.spec import parse_postcodes, resolve_area
from .._app import REPORT_CSP
from .._auth import check_csrf, login_required, redirect
from .._context import Workspace
from .._jobs import DONE, FAILED, Job
from .._render import page

router = APIRouter(include_in_schema=False)

JOB_KIND = "sector"
FOLDER = "branchescans"
META = "werkplek.json"
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_LOOKS_LIKE_CODE = re.compile(r"^(?:gm)?\s*[0-9]+$", re.IGNORECASE)
FIELDS = ("branche", "gemeente", "postcodes", "zaaknummer", "doel", "grondslag", "bewaartermijn")
# format -> (media type, key in the writer's paths)
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "pdf": ("application/pdf", "pdf"),
    "html": ("text/html; charset=utf-8", "html"),
    "toelichting": ("text/plain; charset=utf-8", "toelichting"),
}
MAX_LISTED = 50


def ws_of(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def scans_dir(ws: Workspace) -> Path:
    return ws.config.location.data_dir / FOLDER


# --- the form -----------------------------------------------------------------------------------


@dataclass
class SectorForm:
    """The branchescan form checked field by field (Dutch messages beside each field)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    definition: SectorDefinition | None = None
    case: Case | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.definition is not None and self.case is not None


def presets_or_error() -> tuple[dict[str, Preset], str]:
    """The presets of data/sector_presets.yaml, or none and the reason (a broken file)."""
    try:
        return load_presets(), ""
    except BibobscanError as exc:
        return {}, f"De lijst met branches (sector_presets.yaml) is onleesbaar: {exc}"


def _municipality_error(value: str) -> str:
    if _LOOKS_LIKE_CODE.match(value):
        return f"‘{value}’ is geen CBS-gemeentecode. Schrijf GM en vier cijfers, bijvoorbeeld GM0855 voor Tilburg."
    names = [m.name for m in all_municipalities()]
    nearest = [n for n, _score, _i in process.extract(value, names, limit=3)]
    hint = f" Bedoelt u {', '.join(nearest)}?" if nearest else ""
    return f"Onbekende gemeente ‘{value}’.{hint} Geef een gemeentenaam (Tilburg) of CBS-code (GM0855)."


def _postcodes(value: str, errors: dict[str, str]) -> str | None:
    """The postcode field as ``--postcodes`` text (None: no narrowing)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts:
        return None
    bad = []
    for part in parts:
        try:
            parse_postcodes(part)
        except UsageError:
            bad.append(part)
    if bad:
        errors["postcodes"] = ("Geen geldige postcode: " + ", ".join(f"‘{b}’" for b in bad[:5])
                               + ". Schrijf vier cijfers (5038) of een volledige postcode (5038 ZK), gescheiden door komma's.")
        return None
    return ",".join(parts)


def check_sector_form(form: Any, *, demo: bool, officer: str) -> SectorForm:
    """Check each field on its own; build the definition and the case only when all are right."""
    values = {k: str(form.get(k, "") or "")[:4000] for k in FIELDS}
    errors: dict[str, str] = {}
    presets, broken = presets_or_error()
    preset_id = values["branche"].strip()
    if broken:
        errors["branche"] = broken
    elif preset_id not in presets:
        errors["branche"] = "Kies een branche uit de lijst."
    municipality = " ".join(values["gemeente"].split())
    area = None
    if not municipality:
        errors["gemeente"] = "Vul de gemeente in: een naam (Tilburg) of CBS-code (GM0855)."
    else:
        try:
            area = resolve_area(municipality)
        except UsageError:
            errors["gemeente"] = _municipality_error(municipality)
    postcodes = _postcodes(values["postcodes"], errors)
    case_id = values["zaaknummer"].strip()
    if not case_id and not demo:
        errors["zaaknummer"] = "Vul het zaaknummer in: de rangorde komt in het dossier van een zaak."
    elif len(case_id) > MAX_CASE_ID or any(not c.isprintable() for c in case_id):
        errors["zaaknummer"] = f"Het zaaknummer is ten hoogste {MAX_CASE_ID} gewone tekens."
    purpose = " ".join(values["doel"].split())
    if not purpose and not demo:
        errors["doel"] = "Vul het doel in: een dossier moet vastleggen waarom deze rangorde is gemaakt."
    elif len(purpose) > MAX_CASE_TEXT:
        errors["doel"] = f"Het doel is {len(purpose)} tekens; ten hoogste {MAX_CASE_TEXT}."
    ground = " ".join(values["grondslag"].split())
    if len(ground) > MAX_CASE_TEXT:
        errors["grondslag"] = f"De grondslag is {len(ground)} tekens; ten hoogste {MAX_CASE_TEXT}."
    years = 5
    text = values["bewaartermijn"].strip() or "5"
    if not text.isdigit() or not 1 <= int(text) <= 30:
        errors["bewaartermijn"] = "De bewaartermijn is een heel aantal jaren van 1 tot 30."
    else:
        years = int(text)
    checked = SectorForm(values, errors)
    if errors or area is None:
        return checked
    if demo and (preset_id != cli_sector.DEMO_PRESET or area.code != cli_sector.DEMO_MUNICIPALITY):
        which = "branche" if preset_id != cli_sector.DEMO_PRESET else "gemeente"
        errors[which] = (f"De demowereld kent één branche: {presets[cli_sector.DEMO_PRESET].label if cli_sector.DEMO_PRESET in presets else 'kappers'} "
                         f"in Tilburg ({cli_sector.DEMO_MUNICIPALITY}). Kies die; andere branches en gemeenten vragen een echte werkplek.")
        return checked
    try:
        checked.definition = build_definition(preset_id, area.code, postcodes=postcodes)
        checked.case = cli_sector.sector_case(case_id or None, purpose or None, officer, ground, years, demo=demo)
    except UsageError as exc:  # already checked above; kept so that nothing slips through
        errors["zaaknummer"] = f"De branchescan kan niet starten: {exc}"
    return checked


def _form_page(request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Response:
    session = login_required(request)
    ws = ws_of(request)
    presets, broken = presets_or_error()
    return page(request, "sector.html.j2", status_code=status_code, values=values, errors=errors,
                presets=sorted(presets.values(), key=lambda p: p.label.casefold()), presets_error=broken,
                scans=visible_scans(ws, session.account), demo_case=cli_sector.DEMO_CASE)


@router.get("/branche")
def sector_form(request: Request) -> Response:
    login_required(request)
    ws = ws_of(request)
    values = dict.fromkeys(FIELDS, "")
    values["bewaartermijn"] = "5"
    if ws.config.demo:
        values.update(branche=cli_sector.DEMO_PRESET, gemeente="Tilburg")
    return _form_page(request, values, {})


@router.post("/branche")
async def sector_start(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_sector_start, request, form)


def _sector_start(request: Request, form: Any) -> Response:
    session = login_required(request)
    check_csrf(request, session, form.get("csrf"))
    ws = ws_of(request)
    account = session.account
    checked = check_sector_form(form, demo=ws.config.demo, officer=account.shown or account.name)
    if not checked.ok or checked.definition is None or checked.case is None:
        return _form_page(request, checked.values, checked.errors, status_code=400)
    job = start_sector_scan(ws, account, checked.definition, checked.case)
    return redirect(f"/branche/{job.id}")


# --- the scan in a worker thread -----------------------------------------------------------------


def start_sector_scan(ws: Workspace, account: Account, definition: SectorDefinition, case: Case) -> Job:
    """Start the scan as a job; its files go to ``<data>/branchescans/<job id>/``."""
    root = scans_dir(ws)
    team = account.teams[0] if account.teams else ""
    actor = account.name

    def work(job: Job) -> dict[str, Any]:
        out = root / job.id

        def progress(event: ProgressEvent) -> None:
            with job.lock:
                job.done, job.total = event.done, event.total
                job.result["stage"] = event.stage

        what = f"{definition.subject().name}" + (f", postcodes {', '.join(definition.postcodes)}" if definition.postcodes else "")
        try:
            # the settings (or the demo world), read now; the transport is looked up now too: tests replace it
            options = wired(SectorOptions(out_dir=out, resume=False, progress=progress), demo=ws.config.demo, config=ws.config.config,
                            transport=cli_sector.demo_transport)
            try:
                out.mkdir(parents=True, exist_ok=False)
            except OSError as exc:
                raise ReportError(f"cannot make the folder for the sector report {out}: {exc.strerror or exc}") from exc
            report = asyncio.run(run_sector(definition, options))
            report.case = case
            paths = write_sector_report(report, out, pdf=True)
        except BibobscanError as exc:
            ws.store.audit(case.case_id, "sector-scan", actor, f"branchescan {job.id} mislukt ({what}): {exc}")
            raise
        for run in report.sources:
            job.on_source(run)
        failed = [s.source for s in report.sources if s.status in (SourceStatus.FAILED, SourceStatus.TIMEOUT, SourceStatus.RATE_LIMITED,
                                                                    SourceStatus.NOT_CONFIGURED)]
        files = {key: path.name for key, path in paths.items()}
        meta = {
            "job_id": job.id, "case_id": case.case_id, "purpose": case.purpose, "started_by": actor, "team": team,
            "created": datetime.now(UTC).isoformat(timespec="seconds"), "demo": report.demo, "label": report.subject.name,
            "postcodes": list(definition.postcodes), "establishments": len(report.establishments), "failed_sources": failed,
            "files": files,
        }
        _write_meta(out, meta)
        ws.store.audit(case.case_id, "sector-scan", actor,
                       f"branchescan {job.id}: {what}; {len(report.establishments)} vestigingen; bestanden {', '.join(sorted(files))}"
                       + (f"; niet (volledig) geraadpleegd: {', '.join(failed)}" if failed else ""))
        return {"establishments": len(report.establishments), "failed_sources": failed}

    return ws.jobs.start(JOB_KIND, case.case_id, started_by=actor, team=team, work=work)


def _write_meta(out: Path, meta: dict[str, Any]) -> None:
    write_text(out / META, json.dumps(meta, ensure_ascii=False, indent=2))


# --- finding a scan the account may see -------------------------------------------------------------


def may_see(account: Account, started_by: str, team: str) -> bool:
    return account.role is Role.BEHEERDER or account.name == started_by or bool(team and team in account.teams)


def read_meta(ws: Workspace, job_id: str) -> dict[str, Any] | None:
    """The finished scan's record on disk (None: none, or not finished)."""
    if not _JOB_ID.match(job_id):
        return None
    try:
        data = json.loads((scans_dir(ws) / job_id / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("job_id") == job_id else None


def visible_scans(ws: Workspace, account: Account) -> list[dict[str, Any]]:
    """Running and finished branchescans this account may see, newest first."""
    out: list[dict[str, Any]] = []
    for job in ws.jobs.running():
        if job.kind == JOB_KIND and may_see(account, job.started_by, job.team):
            out.append({"job_id": job.id, "case_id": job.case_id, "label": "", "started_by": job.started_by, "state": job.state,
                        "created": datetime.fromtimestamp(job.created, UTC).isoformat(timespec="seconds"), "establishments": None})
    root = scans_dir(ws)
    metas = []
    if root.is_dir():
        for folder in root.iterdir():
            meta = read_meta(ws, folder.name)
            if meta is not None and may_see(account, str(meta.get("started_by", "")), str(meta.get("team", ""))):
                metas.append({**meta, "state": DONE})
    metas.sort(key=lambda m: str(m.get("created", "")), reverse=True)
    return (out + metas)[:MAX_LISTED]


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="Deze branchescan bestaat niet, of u heeft er geen toegang toe. "
                                                 "(Een scan die liep toen de server opnieuw startte, is niet afgemaakt.)")


def _finished(request: Request, job_id: str) -> tuple[Account, dict[str, Any] | None]:
    session = login_required(request)
    meta = read_meta(ws_of(request), job_id)
    if meta is not None and not may_see(session.account, str(meta.get("started_by", "")), str(meta.get("team", ""))):
        raise _not_found()
    return session.account, meta


def _job(request: Request, account: Account, job_id: str) -> Job:
    job = ws_of(request).jobs.get(job_id) if _JOB_ID.match(job_id) else None
    if job is None or job.kind != JOB_KIND or not may_see(account, job.started_by, job.team):
        raise _not_found()
    return job


@router.get("/branche/{job_id}")
def sector_result(request: Request, job_id: str) -> Response:
    account, meta = _finished(request, job_id)
    ws = ws_of(request)
    if meta is None:
        job = _job(request, account, job_id)
        return page(request, "sector_progress.html.j2", job=job.snapshot(), stage=_stage(job))
    folder = scans_dir(ws) / job_id
    try:
        report = read_sector_report(folder / str(meta["files"]["json"]))
    except (BibobscanError, KeyError) as exc:
        raise HTTPException(status_code=409, detail=f"De bestanden van deze branchescan zijn beschadigd of onvolledig: {exc}") from None
    ws.store.audit(str(meta["case_id"]), "view", account.name, f"branchescan {job_id}")
    every = [[fmt(c) for c in row] for row in table_rows(report)]
    rows = [row for row, e in zip(every, report.establishments) if e.assessable]
    unassessable_rows = [row for row, e in zip(every, report.establishments) if not e.assessable]
    partial = {s.source for s in report.sources if s.status is SourceStatus.FAILED and (s.error or "").startswith(STATUS_PARTIAL)}
    sources = [{"source": s.source, "title": s.title or s.source, "status": s.status.value, "hits": s.hits, "error": s.error or "",
                "technical": s.technische_melding,
                "label": STATUS_PARTIAL if s.source in partial else STATUS_LABELS.get(s.status, s.status.value)} for s in report.sources]
    downloads = [(key, str(name)) for key, name in meta["files"].items() if key in DOWNLOADS]
    return page(request, "sector_result.html.j2", meta=meta, report=report, columns=COLUMNS, rows=rows, unassessable_rows=unassessable_rows, why=WHY, sources=sources,
                downloads=downloads)


def _stage(job: Job) -> dict[str, Any]:
    with job.lock:
        return {"stage": str(job.result.get("stage", "")), "done": job.done, "total": job.total}


@router.get("/branche/{job_id}/voortgang.json")
def sector_progress_json(request: Request, job_id: str) -> Response:
    account, meta = _finished(request, job_id)
    if meta is not None:
        return JSONResponse({"id": job_id, "state": DONE, "result": {"establishments": meta.get("establishments"),
                                                                      "failed_sources": meta.get("failed_sources", [])}})
    job = _job(request, account, job_id)
    return JSONResponse({**job.snapshot(), **_stage(job)})


def _file(request: Request, job_id: str, key: str) -> tuple[Account, dict[str, Any], Path]:
    account, meta = _finished(request, job_id)
    if meta is None:
        if ws_of(request).jobs.get(job_id) is not None and _job(request, account, job_id).state != FAILED:
            raise HTTPException(status_code=409, detail="Deze branchescan is nog bezig; de bestanden komen als hij klaar is.")
        raise _not_found()
    name = meta.get("files", {}).get(key)
    path = scans_dir(ws_of(request)) / job_id / str(name or "")
    if not name or path.parent != scans_dir(ws_of(request)) / job_id or not path.is_file():
        raise HTTPException(status_code=404, detail="Dit bestand is bij deze branchescan niet gemaakt.")
    return account, meta, path


@router.get("/branche/{job_id}/rapport")
def sector_report_frame(request: Request, job_id: str) -> Response:
    """The full sector report (with its map), for the frame in the result page."""
    account, meta, path = _file(request, job_id, "html")
    ws_of(request).store.audit(str(meta["case_id"]), "view", account.name, f"branchescan {job_id}: rapport")
    response = HTMLResponse(path.read_text(encoding="utf-8"))
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


@router.get("/branche/{job_id}/download/{fmt_}")
def sector_download(request: Request, job_id: str, fmt_: str) -> Response:
    if fmt_ not in DOWNLOADS:
        login_required(request)
        raise HTTPException(status_code=404, detail=f"Onbekend formaat ‘{fmt_[:20]}’: csv, xlsx, json, pdf, html of toelichting.")
    media, key = DOWNLOADS[fmt_]
    account, meta, path = _file(request, job_id, key)
    ws_of(request).store.audit(str(meta["case_id"]), "export", account.name, f"branchescan {job_id}: {fmt_} ({path.name})")
    # the writers' file names are slugs (a-z, 0-9, -): safe in the header as they are
    return Response(path.read_bytes(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{path.name}"'})
