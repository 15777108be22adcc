"""Sealing a finalised case file into the archive."""

from __future__ import annotations

from ..archive import Archive, SealedBag, payload_from_report
from ..errors import DossierError
from ._file import Dossier, report_of
from ._status import Status


def seal_case(dossier: Dossier, case_id: str, archive: Archive, *, actor: str) -> list[SealedBag]:
    """One bag per subject's final report version (the latest of the current file
    version), each with the case's audit extract, the zienswijze attachments and — when
    the file kept them — the raw responses of that subject's scans. Then the file is
    *gearchiveerd* and kept raw responses leave the store (they are in the bag)."""
    store = dossier.store
    record = store.case(case_id)
    if record.status not in (Status.FINAL, Status.ARCHIVED):
        raise DossierError(f"case {case_id!r} is {record.status}: only a finalised file is sealed (bibobscan case finalise {case_id})",
                           dutch="Alleen een vastgesteld dossier wordt verzegeld: stel het eerst vast.")
    finals = [v for v in store.versions(case_id) if v.final and v.file_version == record.file_version]
    if not finals:
        raise DossierError(f"case {case_id!r} has no final report version of file version {record.file_version}")
    if record.status == Status.ARCHIVED:
        sealed = {(b.case_id, b.report_version) for b in archive.bags()} if archive.exists() else set()
        if all((case_id, v.version_no) in sealed for v in finals):
            raise DossierError(f"case {case_id!r} file version {record.file_version} is already sealed in {archive.path}",
                               dutch=f"Dossierversie {record.file_version} is al verzegeld in het archief.")
    audit = store.audit_log(case_id)
    attachments = [(a.name, a.content or b"") for a in store.attachments(case_id, with_content=True)]
    bags = []
    for version in finals:
        report = report_of(version)
        scan_no = report.file.scan if report.file else None
        kept = store.bodies(case_id, scan_no, with_content=True) if report.file and report.file.raw_bodies == "kept" else []
        payload, info = payload_from_report(version.report_json.encode("utf-8"), report, sealed_by=actor, audit=audit,
                                            raw_bodies=kept, attachments=attachments)
        bags.append(archive.put(payload, info, by=actor))
    dossier.mark_archived(case_id, actor=actor, bag=", ".join(f"{b.name} (chain entry {b.entry['seq']}, hash {b.entry['hash']})" for b in bags))
    return bags
