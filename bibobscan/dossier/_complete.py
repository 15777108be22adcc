"""What a file must hold before it can be finalised (BIBOB.md §3.7, the nine elements)."""

from __future__ import annotations

from ..model import Report, Verdict


def missing_elements(report: Report) -> list[str]:
    """The elements still missing, each as a short English phrase naming the field and
    the command option that fills it. Empty when the file can be finalised."""
    case, subject, review = report.case, report.subject, report.review
    missing: list[str] = []
    fields = (
        ("case: aanleiding (--reason)", case.reason),
        ("case: doel (--purpose)", case.purpose),
        ("case: bestuursorgaan (--authority)", case.authority),
        ("case: type of decision (--decision-type)", case.decision_type),
        ("case: legal ground (--legal-ground)", case.legal_ground),
        ("case: zaaktype (--zaaktype)", case.zaaktype),
        ("case: behandelaar (--officer)", case.officer),
        ("case: reviewer (--reviewer)", case.reviewer),
        ("case: retention date (--retention-years)", case.retention_until),
        ("case: confidentiality marking", case.confidentiality),
        ("case: distribution list (--distribution)", case.distribution),
        ("subject: how the identity was established (--identified-by)", subject.identified_by),
        ("subject: when the identity was established (--identified-on)", subject.identified_on),
    )
    missing.extend(name for name, value in fields if not value)
    judged = review.effective()
    open_items = [ev.id for ev in report.evidence if ev.match is not None and ev.match.verdict is Verdict.POSSIBLE and ev.id not in judged]
    if open_items:
        missing.append(f"possible namesakes not yet judged (confirm or clear each): {', '.join(open_items)}")
    lapsed = [ev.id for ev in report.evidence if ev.match is not None and any(f.name == "person_review_lapsed" for f in ev.match.features)]
    if lapsed:
        missing.append(f"judgements that lapsed because the item changed (judge again): {', '.join(lapsed)}")
    if review.conclusion is None:
        missing.append("the officer's conclusion (bibobscan case conclude)")
    elif review.signoff is None:
        missing.append("the reviewer's sign-off on the latest conclusion and dispositions (bibobscan case signoff)")
    return missing
