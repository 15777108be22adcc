"""A report version: a subject's latest scan, re-scored offline with the case's current
review (dispositions change which evidence counts) and case data."""

from __future__ import annotations

from pathlib import Path

from ..collectors import load_collectors
from ..model import FileInfo, Report, Review, Subject
from ..report.integrity import check
from ..report.store import parse_report_json, report_from_dict
from ..scan import load_rule_set, score
from ..store import CaseRecord


def scan_report(report_json: str, where: str = "stored scan") -> Report:
    data = parse_report_json(report_json.encode("utf-8"), where)
    check(data, where)
    return report_from_dict(data, where)


def rebuild(record: CaseRecord, subject: Subject, report_json: str, review: Review, info: FileInfo) -> Report:
    scanned = scan_report(report_json, f"case {record.case_id}, scan {info.scan}")
    rules = load_rule_set(Path(record.indicators_path) if record.indicators_path else None,
                          Path(record.profile_path) if record.profile_path else None, subject.kind)
    reference = scanned.reference_date or scanned.generated_at.date()
    report = score(subject, record.case, scanned.sources, scanned.evidence, load_collectors(), rules, reference=reference,
                   demo=scanned.demo, review=review)
    if rules.description.get("hash") != scanned.indicator_set.get("hash") or rules.description.get("profile_hash") != scanned.indicator_set.get("profile_hash"):
        report.assessment.caveats.append(
            "De indicatorenset of het scoringsprofiel is gewijzigd sinds de scan; deze versie is opnieuw beoordeeld met de huidige "
            f"(set {str(rules.description.get('hash', ''))[:12]}, bij de scan {str(scanned.indicator_set.get('hash', ''))[:12]})."
        )
    report.indicator_set["scan_generated_at"] = scanned.generated_at.isoformat()
    report.file = info
    return report
