"""Batch intake in the workspace: upload a CSV of applicants, get one case each, scanned
one after another in a worker thread (:mod:`bibobscan.batch`, as ``bibobscan case
batch`` does).

The form takes the case fields that every case of the batch shares (the zaaknummer field
is the prefix: case numbers are ``PREFIX-NNN``, NNN the applicant's line in the file) and
the file. A file with any broken line, or a case number that is taken, is refused as a
whole with a Dutch message per line, and nothing is saved. The scans run sequentially,
within every source's rate limits; the progress page shows a bar, the case being scanned
with its sources, and a sortable results table that grows as cases are done. The cases
themselves are in the store from the start; the live progress is in memory only."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...accounts import CASE_ROLES, Role
from ...batch import MAX_BYTES, LineError, create_cases, parse_applicants, run_batch
from ...cli.scan import MAX_CASE_ID
from ...errors import BatchError, BibobscanError
from ...model import Report
from ...store import CaseRecord
from .._auth import check_csrf, login_required, redirect
from .._cases import scan_now
from .._context import Workspace
from .._forms import check_case
from .._jobs import Job
from .._render import page

router = APIRouter(include_in_schema=False)

JOB_KIND = "batch"
PREFIX_LIMIT = MAX_CASE_ID - 4  # room for "-NNN"
MAX_SHOWN = 200  # line errors listed on the page (the count says how many there are)
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def ws_of(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def _case_worker(request: Request) -> Any:
    session = login_required(request)
    if session.account.role not in CASE_ROLES:
        raise HTTPException(status_code=403, detail="Uw rol werkt niet met zaken.")
    return session


def _defaults(account: Any) -> dict[str, str]:
    return {"grondslag": "Wet Bibob art. 3", "zaaktype": "Bibob-onderzoek", "bewaartermijn": "5",
            "behandelaar": account.name, "team": account.teams[0] if account.teams else ""}


def _form(request: Request, account: Any, *, values: dict[str, str], errors: dict[str, str],
          line_errors: list[LineError] | None = None, status_code: int = 200) -> Response:
    ws = ws_of(request)
    recent = sorted((j.snapshot() for j in ws.jobs.of_kind(JOB_KIND) if _may_see(account, j)),
                    key=lambda j: j["created"], reverse=True)[:20]
    shown = (line_errors or [])[:MAX_SHOWN]
    return page(request, "batch.html.j2", status_code=status_code, values=values, errors=errors, teams=account.teams,
                line_errors=shown, line_error_count=len(line_errors or []), max_kb=MAX_BYTES // 1000, recent=recent)


def _may_see(account: Any, job: Job) -> bool:
    return bool(job.kind == JOB_KIND and (account.role is Role.BEHEERDER or job.started_by == account.name or job.team in account.teams))


@router.get("/batch")
def batch_form(request: Request) -> Response:
    session = _case_worker(request)
    return _form(request, session.account, values=_defaults(session.account), errors={})


@router.post("/batch")
async def batch_upload(request: Request) -> Response:
    form = await request.form()
    upload = form.get("bestand")
    content: bytes | None = None
    if isinstance(upload, UploadFile):
        content = await upload.read(MAX_BYTES + 1)  # parse_applicants refuses a larger file by its size
        await upload.close()
    return await run_in_threadpool(_batch_upload, request, form, content)


def _batch_upload(request: Request, form: Any, content: bytes | None) -> Response:
    session = _case_worker(request)
    check_csrf(request, session, form.get("csrf"))
    account = session.account
    ws = ws_of(request)
    checked = check_case(form, teams=account.teams, officer=account.name, id_label="het voorvoegsel van de zaaknummers",
                         id_limit=PREFIX_LIMIT)
    errors = dict(checked.errors)
    line_errors: list[LineError] = []
    batch = None
    if not content:
        errors["bestand"] = "Kies een CSV-bestand met aanvragers (naam, soort, geboortedatum, kvk, gemeente)."
    else:
        batch = parse_applicants(content)
        if batch.errors:
            line_errors = batch.errors
            errors["bestand"] = (f"Het bestand heeft {len(batch.errors)} fout{'en' if len(batch.errors) != 1 else ''}; "
                                 "er is geen zaak aangemaakt. Verbeter het bestand en kies het opnieuw.")
        elif not batch.rows:
            errors["bestand"] = "Het bestand heeft geen aanvragers; er is geen zaak aangemaakt."
    if errors or batch is None or checked.case is None:
        return _form(request, account, values=checked.values, errors=errors, line_errors=line_errors, status_code=400)
    team = checked.values["team"].strip() or account.teams[0]
    try:
        records = create_cases(ws.dossier, batch, case_prefix=checked.case.case_id, case_template=checked.case, actor=account.name,
                               demo=ws.config.demo, team=team)
    except BatchError as exc:
        errors["bestand"] = "Er is geen zaak aangemaakt: " + ("een of meer zaaknummers bestaan al; kies een ander voorvoegsel."
                                                             if any("bestaat al" in e.message for e in exc.errors) else "het bestand is geweigerd.")
        return _form(request, account, values=checked.values, errors=errors, line_errors=list(exc.errors), status_code=400)
    except BibobscanError as exc:
        errors["zaaknummer"] = f"Er is geen zaak aangemaakt: {getattr(exc, 'dutch', '') or exc}"
        return _form(request, account, values=checked.values, errors=errors, status_code=400)
    job = start_batch(ws, account.name, team, checked.case.case_id, records)
    return redirect(f"/batch/{job.id}")


def start_batch(ws: Workspace, actor: str, team: str, prefix: str, records: list[CaseRecord]) -> Job:
    """Scan the batch's cases one after another in a worker thread; the job's result
    holds a row per case as soon as it is done."""

    def work(job: Job) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        with job.lock:
            job.total = len(records)
            job.result = {"prefix": prefix, "rows": [], "current": records[0].case_id if records else None}

        def scan_one(record: CaseRecord) -> Report:
            with job.lock:
                job.sources.clear()  # the sources of the case being scanned now
            return scan_now(ws, actor, record.case_id, 1, job).report

        results = []
        for n, record in enumerate(records):  # run_batch per case, so each row shows as soon as its case is done
            result = run_batch(ws.dossier, [record], scan_one)[0]
            results.append(result)
            with job.lock:
                rows.append(asdict(result))
                job.result["rows"] = list(rows)  # a new list: a snapshot being rendered never sees it grow
                job.done = n + 1
                job.result["current"] = records[n + 1].case_id if n + 1 < len(records) else None
        with job.lock:
            return {"prefix": prefix, "rows": list(rows), "current": None,
                    "failed": sum(1 for r in results if not r.ok), "incomplete": sum(1 for r in results if r.ok and not r.complete)}

    return ws.jobs.start(JOB_KIND, prefix, started_by=actor, team=team, work=work)


def _job(request: Request, job_id: str) -> tuple[Any, Job]:
    session = _case_worker(request)
    job = ws_of(request).jobs.get(job_id) if _JOB_ID.match(job_id) else None
    if job is None or not _may_see(session.account, job):
        raise HTTPException(status_code=404, detail="Deze batch is niet (meer) bekend: de server is misschien opnieuw gestart. "
                                                    "De zaken van de batch staan in de zakenlijst.")
    return session, job


@router.get("/batch/{job_id}")
def batch_progress(request: Request, job_id: str) -> Response:
    _session, job = _job(request, job_id)
    return page(request, "batch_progress.html.j2", job=job.snapshot())


@router.get("/batch/{job_id}/voortgang.json")
def batch_progress_json(request: Request, job_id: str) -> Response:
    _session, job = _job(request, job_id)
    return JSONResponse(job.snapshot())
