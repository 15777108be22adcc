"""What a file must hold before it can be finalised (BIBOB.md §3.7, the nine elements)."""

from __future__ import annotations

from ..model import Report, Verdict


def missing_elements(report: Report, *, dutch: bool = False) -> list[str]:
    """The elements still missing, each as a short English phrase naming the field and
    the command option that fills it (``dutch``: a Dutch phrase for the web pages).
    Empty when the file can be finalised."""
    case, subject, review = report.case, report.subject, report.review
    missing: list[str] = []
    fields = (
        ("case: aanleiding (--reason)", "zaak: aanleiding", case.reason),
        ("case: doel (--purpose)", "zaak: doel", case.purpose),
        ("case: bestuursorgaan (--authority)", "zaak: bestuursorgaan", case.authority),
        ("case: type of decision (--decision-type)", "zaak: soort besluit", case.decision_type),
        ("case: legal ground (--legal-ground)", "zaak: wettelijke grondslag", case.legal_ground),
        ("case: zaaktype (--zaaktype)", "zaak: zaaktype", case.zaaktype),
        ("case: behandelaar (--officer)", "zaak: behandelaar", case.officer),
        ("case: reviewer (--reviewer)", "zaak: reviewer", case.reviewer),
        ("case: retention date (--retention-years)", "zaak: bewaartermijn", case.retention_until),
        ("case: confidentiality marking", "zaak: vertrouwelijkheidsmarkering", case.confidentiality),
        ("case: distribution list (--distribution)", "zaak: verdeellijst", case.distribution),
        ("subject: how the identity was established (--identified-by)", "betrokkene: hoe de identiteit is vastgesteld", subject.identified_by),
        ("subject: when the identity was established (--identified-on)", "betrokkene: wanneer de identiteit is vastgesteld", subject.identified_on),
    )
    missing.extend(nl if dutch else en for en, nl, value in fields if not value)
    judged = review.effective()
    open_items = [ev.id for ev in report.evidence if ev.match is not None and ev.match.verdict is Verdict.POSSIBLE and ev.id not in judged]
    if open_items:
        missing.append(f"mogelijke naamgenoten nog niet beoordeeld (bevestig of wis elk): {len(open_items)}" if dutch else
                       f"possible namesakes not yet judged (confirm or clear each): {', '.join(open_items)}")
    lapsed = [ev.id for ev in report.evidence if ev.match is not None and any(f.name == "person_review_lapsed" for f in ev.match.features)]
    if lapsed:
        missing.append(f"oordelen vervallen omdat het bewijsstuk veranderde (opnieuw beoordelen): {len(lapsed)}" if dutch else
                       f"judgements that lapsed because the item changed (judge again): {', '.join(lapsed)}")
    if review.conclusion is None:
        missing.append("de conclusie van de behandelaar" if dutch else "the officer's conclusion (bibobscan case conclude)")
    elif review.signoff is None:
        missing.append("het aftekenen door de reviewer (vier ogen) van de laatste conclusie en oordelen" if dutch else
                       "the reviewer's sign-off on the latest conclusion and dispositions (bibobscan case signoff)")
    return missing
