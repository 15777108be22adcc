"""Exports of a case file: one report version as HTML, JSON or PDF/A, and the LBB
hand-off folder. Every export is recorded in the audit log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import CaseNotFound, UsageError
from ..model import Report
from ..report import render_html
from ..report.files import write_bytes_atomic
from ._file import Dossier, report_of
from ._lbb import handoff, render_handoff
from ._review import review_of


def _pdf(report: Report, json_text: str) -> bytes:
    from ..report.pdf import render_pdf

    return render_pdf(report, json_text)


def _choose(dossier: Dossier, case_id: str, subject_no: int | None, version_no: int | None) -> tuple[int, Report, str]:
    if version_no is not None:
        version = dossier.store.version(case_id, version_no)
        if subject_no is not None and version.subject_no != subject_no:
            raise UsageError(f"report version {version_no} of case {case_id} is about subject {version.subject_no}, not {subject_no}")
    else:
        subjects = dossier.store.subjects(case_id)
        if subject_no is None:
            if len(subjects) > 1:
                raise UsageError(f"case {case_id} has {len(subjects)} subjects: give --subject N or --version N")
            subject_no = subjects[0].subject_no
        version = dossier.store.version(case_id, subject_no=subject_no)
    return version.version_no, report_of(version), version.report_json


def export_case(dossier: Dossier, case_id: str, fmt: str, out: Path, *, subject_no: int | None = None, version_no: int | None = None,
                actor: str) -> list[Path]:
    """Write the export and return the paths written."""
    if fmt == "lbb":
        paths = export_lbb(dossier, case_id, out)
        dossier.exported(case_id, actor=actor, what=f"LBB hand-off ({len(paths)} files)")
        return paths
    number, report, stored_json = _choose(dossier, case_id, subject_no, version_no)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name")
    if fmt == "html":
        data = render_html(report).encode("utf-8")
    elif fmt == "json":
        data = stored_json.encode("utf-8")
    else:
        data = _pdf(report, stored_json)
    try:
        write_bytes_atomic(out, data)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write it ({exc.strerror or exc})") from exc
    dossier.exported(case_id, actor=actor, what=f"report version {number} as {fmt}")
    return [out]


def export_lbb(dossier: Dossier, case_id: str, folder: Path) -> list[Path]:
    """The hand-off folder: ``bevindingen.html`` and ``.json`` (the structure of the
    findings of the own investigation), and ``bijlagen/`` with each subject's report as
    PDF/A and JSON and the zienswijze attachments, each listed with its sha256."""
    record = dossier.store.case(case_id)
    subjects = dossier.store.subjects(case_id)
    reports: list[tuple[int, Report, str]] = []
    for s in subjects:
        try:
            version = dossier.store.version(case_id, subject_no=s.subject_no)
        except CaseNotFound:  # a subject not scanned yet has no report
            continue
        reports.append((s.subject_no, report_of(version), version.report_json))
    if not reports:
        raise UsageError(f"case {case_id} has no report yet: scan it first")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"--out {folder} must be a new or empty folder for the hand-off")
    attachments_dir = folder / "bijlagen"
    try:
        attachments_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {folder}: cannot create it ({exc.strerror or exc})") from exc
    written: list[Path] = []
    listed: list[dict[str, str]] = []

    def put(name: str, data: bytes, description: str) -> None:
        path = attachments_dir / name
        write_bytes_atomic(path, data)
        written.append(path)
        listed.append({"naam": f"bijlagen/{name}", "omschrijving": description, "sha256": hashlib.sha256(data).hexdigest()})

    for no, report, stored_json in reports:
        number = report.file.version if report.file else 0
        put(f"rapport-betrokkene-{no}-v{number}.pdf", _pdf(report, stored_json), f"Rapport betrokkene {no} (PDF/A-3b, met het JSON-rapport ingebed)")
        put(f"rapport-betrokkene-{no}-v{number}.json", stored_json.encode("utf-8"), f"Rapport betrokkene {no} (JSON, met controlegetal)")
    for a in dossier.store.attachments(case_id, with_content=True):
        assert a.content is not None
        put(f"zienswijze-{a.event_id}-{Path(a.name).name}", a.content, f"Bijlage bij de zienswijze: {a.name}")
    review, _ = review_of(dossier.store.review_events(case_id), record.file_version)
    data = handoff(record, [(no, rep) for no, rep, _ in reports], review, listed)
    json_path, html_path = folder / "bevindingen.json", folder / "bevindingen.html"
    write_bytes_atomic(json_path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    write_bytes_atomic(html_path, render_handoff(data).encode("utf-8"))
    return [html_path, json_path, *written]
