"""What people do with a scan, from the case page: judge a hit (bevestigen,
naamgenoot, niet relevant), conclude, sign off (four eyes), record the zienswijze,
finalise, seal into the archive and reopen. Every action goes through
:class:`bibobscan.dossier.Dossier`, which records who and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from ...archive import Archive
from ...dossier.seal import seal_case
from ...errors import BibobscanError, DossierError
from ...model import Degree, DispositionAction
from .._auth import check_csrf, login_required, redirect
from .._cases import case_for
from .._forms import parse_date

router = APIRouter(include_in_schema=False)

ACTIONS = {"bevestigen": DispositionAction.CONFIRMED, "naamgenoot": DispositionAction.NAMESAKE, "niet_relevant": DispositionAction.NOT_RELEVANT}
DEGREES = {"geen": Degree.NONE, "mindere_mate": Degree.LESSER, "ernstig": Degree.SERIOUS}
MAX_UPLOAD = 10_000_000


def _form_action(handler: Any) -> Any:
    async def endpoint(request: Request, case_id: str) -> Response:
        form = await request.form(max_part_size=MAX_UPLOAD)
        files = []
        for value in form.getlist("bijlagen"):
            if isinstance(value, UploadFile) and value.filename:
                files.append((value.filename, await value.read(MAX_UPLOAD + 1)))
        return await run_in_threadpool(_run, handler, request, case_id, form, files)

    endpoint.__name__ = handler.__name__
    return endpoint


def _run(handler: Any, request: Request, case_id: str, form: Any, files: list[tuple[str, bytes]]) -> Response:
    session = login_required(request)
    check_csrf(request, session, form.get("csrf"))
    ws = request.app.state.workspace
    record = case_for(ws, session.account, case_id)
    try:
        message = handler(ws, record, session.account, form, files)
    except DossierError as exc:
        return redirect(f"/zaken/{case_id}#{handler.__name__}", flash=f"Niet gelukt: {exc.dutch or exc}")
    except BibobscanError as exc:
        return redirect(f"/zaken/{case_id}#{handler.__name__}", flash=f"Niet gelukt: {exc}")
    except ValueError as exc:
        return redirect(f"/zaken/{case_id}#{handler.__name__}", flash=f"Niet gelukt: {exc}")
    return redirect(f"/zaken/{case_id}#{handler.__name__}", flash=message)


def oordeel(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    action = ACTIONS.get(str(form.get("oordeel", "")))
    if action is None:
        raise ValueError("kies bevestigen, naamgenoot of niet relevant")
    evidence_id = str(form.get("bewijsstuk", ""))[:200]
    reason = str(form.get("reden", "")).strip()
    if not reason:
        raise ValueError("geef een reden voor uw oordeel (die komt in het dossier)")
    # two people at once: nothing is lost (every judgement is its own event), and the
    # second is told when the first judged the same item after the page was opened
    try:
        seen = datetime.fromisoformat(str(form.get("gezien", ""))).replace(microsecond=0)  # the store keeps whole seconds
    except ValueError:
        seen = None
    review, _ = ws.dossier.review(record.case_id)
    earlier = review.disposition_for(evidence_id)
    note = ""
    if earlier is not None and seen is not None and earlier.at >= seen and earlier.by != account.name:
        note = (f" Let op: {earlier.by} had dit bewijsstuk intussen al beoordeeld ({earlier.action.dutch}, {earlier.at:%H:%M}); "
                "uw oordeel staat nu als laatste, het eerdere blijft in de geschiedenis.")
    change = ws.dossier.dispose(record.case_id, evidence_id, action, reason, actor=account.name)
    return f"Oordeel vastgelegd: {action.dutch}. De punten zijn herberekend: {change.report.assessment.total_points:g} punten.{note}"


def conclusie(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    degree = DEGREES.get(str(form.get("mate", "")))
    if degree is None:
        raise ValueError("kies de mate van gevaar: geen, mindere mate of ernstig")
    ws.dossier.conclude(record.case_id, degree, str(form.get("afweging", "")), actor=account.name,
                        conditions=str(form.get("voorschriften", "")), lbb_advice=bool(form.get("lbb_advies")))
    return "Conclusie vastgelegd. Een collega (reviewer) tekent haar af."


def aftekenen(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    ws.dossier.sign_off(record.case_id, actor=account.name, note=str(form.get("opmerking", "")))
    return "Afgetekend (vier ogen)."


def zienswijze(ws: Any, record: Any, account: Any, form: Any, files: list[tuple[str, bytes]]) -> str:
    shared_on = parse_date(str(form.get("gedeeld_op", "")))
    response_text = str(form.get("reactie_op", "")).strip()
    response_on = parse_date(response_text) if response_text else None
    ws.dossier.record_zienswijze(record.case_id, shared_on=shared_on, shared=str(form.get("gedeeld", "")), actor=account.name,
                                 response_on=response_on, response=str(form.get("reactie", "")), attachments=files)
    return f"Zienswijze vastgelegd ({len(files)} bijlage(n))."


def vaststellen(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    ws.dossier.finalise(record.case_id, actor=account.name)
    return "Het dossier is vastgesteld: het verandert niet meer (wijzigen kan alleen als nieuwe dossierversie)."


def verzegelen(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    bags = seal_case(ws.dossier, record.case_id, Archive(ws.archive_path), actor=account.name)
    return f"Verzegeld in het archief: {', '.join(b.name for b in bags)}."


def heropenen(ws: Any, record: Any, account: Any, form: Any, files: Any) -> str:
    ws.dossier.reopen(record.case_id, actor=account.name, reason=str(form.get("reden", "")))
    return "Heropend als nieuwe dossierversie."


for _handler in (oordeel, conclusie, aftekenen, zienswijze, vaststellen, verzegelen, heropenen):
    router.add_api_route(f"/zaken/{{case_id}}/{_handler.__name__}", _form_action(_handler), methods=["POST"])
