"""The LBB hand-off: the findings of the own investigation ("bevindingen eigen
onderzoek") in the structure that goes with an advice request to the Landelijk Bureau
Bibob (Wet Bibob art. 7a lid 4–5, former art. 30).

The official form's fields (Regeling Bibob-formulieren) could not be retrieved for this
project, so this export does not pretend to be the form: it gives the parts every such
hand-off needs — the question, the subjects and their relations, the sources consulted,
the findings per indicator with their evidence, the people's review, and a list of
attachments with their hashes — and says so in the document itself (docs/dossier.md).
"""

from __future__ import annotations

from typing import Any

from ..model import (
    RELIABILITY_LABELS,
    Outcome,
    Reliability,
    Report,
    Review,
    Verdict,
    to_jsonable,
)
from ..report.render import STATUS_LABELS, environment, reliability_label
from ..store import CaseRecord

FORM_NOTE = (
    "Deze bijlage volgt de opbouw van de bevindingen van het eigen onderzoek bij een adviesaanvraag aan het Landelijk "
    "Bureau Bibob (art. 7a lid 4 en 5 Wet Bibob): vraagstelling, betrokkenen en hun relaties, geraadpleegde bronnen, "
    "bevindingen per indicator met bewijs, beoordeling en bijlagen. Het voorgeschreven formulier (Regeling "
    "Bibob-formulieren) kon voor dit programma niet worden ingezien; neem de gegevens over in het officiële formulier."
)


def _subject(no: int, report: Report) -> dict[str, Any]:
    s = report.subject
    return {
        "nr": no, "soort": s.kind.dutch, "naam": s.name, "rol": s.role, "relatie": s.relation, "kvk": s.kvk or "",
        "geboortedatum": s.born.isoformat() if s.born else "", "gemeente": s.municipality.name if s.municipality else "",
        "andere_namen": list(s.aliases), "identiteit_vastgesteld": s.identified_by,
        "identiteit_vastgesteld_op": s.identified_on.isoformat() if s.identified_on else "",
    }


def _relations(no: int, report: Report) -> list[str]:
    """Relations the register evidence attributed to the subject shows."""
    out: list[str] = []
    if report.subject.relation:
        out.append(f"Betrokkene {no}: {report.subject.relation} (opgave behandelaar)")
    for ev in report.evidence:
        if ev.match is None or ev.match.verdict is not Verdict.MATCH:
            continue
        f = ev.fields
        if ev.kind == "register.company":
            for name in f.get("trade_names") or []:
                out.append(f"Betrokkene {no}: handelsnaam {name} (Handelsregister)")
            for addr in f.get("addresses") or []:
                if addr.get("full"):
                    out.append(f"Betrokkene {no}: {addr.get('type', 'adres')} {addr['full']} (Handelsregister)")
        elif ev.kind == "register.address":
            out.append(f"Betrokkene {no}: op {f.get('address', '?')} staan {f.get('registrations', '?')} inschrijvingen (Handelsregister)")
        elif ev.kind == "register.lei":
            for parent in f.get("parents") or []:
                out.append(f"Betrokkene {no}: moedermaatschappij {parent.get('name', '?')} ({parent.get('jurisdiction') or 'land onbekend'}, LEI {parent.get('lei', '?')}) (GLEIF)")
    return out


def _evidence(report: Report, ids: list[str]) -> list[dict[str, Any]]:
    by_id = {e.id: e for e in report.evidence}
    reliability = {s.source: s.reliability for s in report.sources}
    out = []
    for eid in ids:
        e = by_id.get(eid)
        if e is None:
            continue
        out.append({
            "id": e.id, "titel": e.title, "fragment": e.excerpt, "url": e.url, "bron": e.source,
            "betrouwbaarheid": reliability_label(reliability.get(e.source, "")), "gepubliceerd": e.published_at or "",
            "opgehaald": e.retrieved_at.isoformat(), "inhoud_sha256": e.content_sha256, "antwoord_sha256": e.sha256,
            "toeschrijving": [f.sentence for f in e.match.features] if e.match else [],
        })
    return out


def handoff(record: CaseRecord, reports: list[tuple[int, Report]], review: Review, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    """The hand-off as one JSON-ready object (rendered to HTML by :func:`render_handoff`)."""
    c = record.case
    sources = []
    findings = []
    reviewed = []
    insufficient = []
    for no, report in reports:
        for s in report.sources:
            sources.append({
                "betrokkene": no, "bron": s.title or s.source, "endpoint": s.endpoint, "betrouwbaarheid": reliability_label(s.reliability),
                "status": STATUS_LABELS.get(s.status, s.status.value), "zoekvraag": s.query,
                "tijdstip": s.started_at.isoformat() if s.started_at else "", "treffers": s.hits, "toelichting": s.error or "",
                "voorwaarden": s.licence,
            })
        for h in report.indicators:
            if h.outcome is Outcome.HIT:
                findings.append({
                    "betrokkene": no, "indicator": h.indicator_id, "versie": h.version, "status": h.status, "titel": h.title,
                    "wettelijk_anker": h.legal_anchor, "thema": h.themes, "punten": h.points, "bevinding": h.sentence,
                    "bewijs": _evidence(report, h.evidence_ids),
                })
            elif h.outcome is Outcome.INSUFFICIENT:
                insufficient.append({"betrokkene": no, "indicator": h.indicator_id, "titel": h.title, "uitleg": h.sentence})
        for d in report.review.dispositions:
            reviewed.append({"betrokkene": no, **to_jsonable(d)})
    return {
        "vorm": "bevindingen eigen onderzoek (opbouw bibobscan; niet het officiële formulier)",
        "toelichting": FORM_NOTE,
        "vraagstelling": {
            "zaaknummer": c.case_id, "bestuursorgaan": c.authority, "soort_besluit": c.decision_type, "aanleiding": c.reason, "doel": c.purpose,
            "grondslag": c.legal_ground, "beleidsregel": c.policy_rule, "zaaktype": c.zaaktype, "behandelaar": c.officer, "reviewer": c.reviewer,
            "vraag": ("Bestaat er gevaar dat de beschikking mede zal worden gebruikt om uit gepleegde strafbare feiten verkregen of te "
                      "verkrijgen voordelen te benutten, of om strafbare feiten te plegen (art. 3 lid 1 Wet Bibob)?"),
        },
        "betrokkenen": [_subject(no, report) for no, report in reports],
        "relaties": [r for no, report in reports for r in _relations(no, report)],
        "geraadpleegde_bronnen": sources,
        "bevindingen": findings,
        "onvoldoende_gegevens": insufficient,
        "beoordeelde_treffers": reviewed,
        "conclusie": to_jsonable(review.conclusion) if review.conclusion else None,
        "aftekening": to_jsonable(review.signoff) if review.signoff else None,
        "zienswijze": to_jsonable(review.zienswijze),
        "bijlagen": attachments,
        "vertrouwelijkheid": c.confidentiality,
        "verspreiding": list(c.distribution),
        "bewaren_tot": c.retention_until.isoformat() if c.retention_until else None,
        "demo": record.demo,
    }


def render_handoff(data: dict[str, Any]) -> str:
    return environment().get_template("lbb.html.j2").render(d=data, reliability_labels=RELIABILITY_LABELS, Reliability=Reliability)
