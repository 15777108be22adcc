"""The Bibob file (dossier): the rules of its life on top of the case store.

    dossier = Dossier(CaseStore.open(location))
    dossier.new_case(case, subject, actor="behandelaar")
    dossier.record_scan("Z-1", report, bodies, actor="behandelaar")
    dossier.dispose("Z-1", "news-85396dbf01c2", DispositionAction.NAMESAKE, "Andere leeftijd", actor="behandelaar")
    dossier.conclude("Z-1", Degree.LESSER, "…", actor="behandelaar")
    dossier.sign_off("Z-1", actor="reviewer")
    dossier.finalise("Z-1", actor="behandelaar")

Every change is one transaction: the review event, the new report version it makes and
the audit entry commit together or not at all. The CLI and the web page call these
methods; neither holds rules of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from ..errors import CaseNotFound, DossierError, StoreConflict
from ..http import RawBody
from ..model import (
    Attachment,
    Case,
    Conclusion,
    Degree,
    Disposition,
    DispositionAction,
    FileInfo,
    Report,
    Review,
    SignOff,
    Subject,
    Zienswijze,
    utcnow,
)
from ..report.integrity import check
from ..report.store import parse_report_json, report_from_dict
from ..store import CaseRecord, CaseStore, SubjectRecord, Tx, VersionRecord
from ._complete import missing_elements
from ._review import review_of
from ._status import Status

MAX_ATTACHMENT_BYTES = 20_000_000
MAX_REASON = 2000


@dataclass(frozen=True, slots=True)
class Change:
    """What an action produced: the case after it and the report versions it made."""

    record: CaseRecord
    versions: list[VersionRecord]

    @property
    def report(self) -> Report:
        """The newest report version made (of the first subject touched)."""
        return report_of(self.versions[0])


def report_of(version: VersionRecord) -> Report:
    data = parse_report_json(version.report_json.encode("utf-8"), f"report version {version.version_no}")
    check(data, f"report version {version.version_no}")
    return report_from_dict(data, f"report version {version.version_no}")


def _text(value: str, what: str, *, required: bool = True) -> str:
    cleaned = " ".join(value.split()) if value else ""
    if required and not cleaned:
        raise DossierError(f"{what} may not be empty: the file must say why", dutch="Dit veld mag niet leeg zijn: het dossier moet het vastleggen.")
    if len(cleaned) > MAX_REASON:
        raise DossierError(f"{what} is {len(cleaned)} characters; at most {MAX_REASON}", dutch=f"De tekst is {len(cleaned)} tekens; ten hoogste {MAX_REASON}.")
    return cleaned


class Dossier:
    """The case files in one store (see the module docstring)."""

    def __init__(self, store: CaseStore, *, keep_raw_bodies: bool = False) -> None:
        self.store = store
        self.keep_raw_bodies = keep_raw_bodies

    # --- creating and editing ---------------------------------------------------------------

    def new_case(self, case: Case, subject: Subject, *, actor: str, demo: bool = False, indicators_path: Path | None = None,
                 profile_path: Path | None = None, team: str = "") -> CaseRecord:
        with self.store.writing() as tx:
            if tx.find(case.case_id) is not None:
                raise DossierError(f"case {case.case_id!r} already exists; scan it again or use another case number")
            return tx.create_case(case, subject, actor=actor, demo=demo, indicators_path=_path(indicators_path),
                                  profile_path=_path(profile_path), team=team)

    def add_subject(self, case_id: str, subject: Subject, *, actor: str) -> int:
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "add a subject")
            return tx.add_subject(record, subject, actor=actor)

    def edit_case(self, case_id: str, *, actor: str, case: Case | None = None, subject_no: int = 1,
                  subject: Subject | None = None) -> Change:
        """Change the case data or a subject's data (identification, role); a new report
        version of every subject shows it."""
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "edit the case data")
            if case is not None:
                if case.case_id != record.case_id:
                    raise DossierError("the case number cannot be changed")
                record = tx.update_case(record, case=case)
            if subject is not None:
                self._subject(tx, record, subject_no)
                tx.update_subject(record, subject_no, subject)
            tx.audit(case_id, "edit", actor, "case data" if case is not None else f"subject {subject_no}")
            return self._restate(tx, record, actor, "edit")

    # --- scans --------------------------------------------------------------------------------

    def prepare_scan(self, case: Case, subject: Subject, *, actor: str, demo: bool = False, indicators_path: Path | None = None,
                     profile_path: Path | None = None) -> tuple[CaseRecord, int, Review]:
        """Before a scan: the case (created when new), the subject's number in it (added
        when new) and the review to apply. A finalised file is refused: reopen it first.
        Two scans that create the same case at once: the second finds the first's."""
        for attempt in range(3):
            try:
                return self._prepare_scan(case, subject, actor=actor, demo=demo, indicators_path=indicators_path, profile_path=profile_path)
            except StoreConflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _prepare_scan(self, case: Case, subject: Subject, *, actor: str, demo: bool, indicators_path: Path | None,
                      profile_path: Path | None) -> tuple[CaseRecord, int, Review]:
        with self.store.writing() as tx:
            record = tx.find(case.case_id)
            if record is None:
                record = tx.create_case(case, subject, actor=actor, demo=demo, indicators_path=_path(indicators_path),
                                        profile_path=_path(profile_path))
                return record, 1, Review()
            if record.demo != demo:
                raise DossierError(f"case {case.case_id!r} is {'a demo' if record.demo else 'a real'} case; it cannot be scanned {'with' if demo else 'without'} --demo")
            record = self._open(tx, case.case_id, "scan again")
            number = _subject_no(tx.subjects(record), subject)
            if number is None:
                number = tx.add_subject(record, subject, actor=actor)
            review, _ = review_of(tx.events(record), record.file_version, number)
            return record, number, review

    def record_scan(self, case_id: str, subject_no: int, report: Report, bodies: Iterable[RawBody], *, actor: str) -> Change:
        """Store a scan (a new version; nothing is overwritten), its raw responses, and
        the report version it makes."""
        bodies = list(bodies)
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "record a scan")
            stored = self._subject(tx, record, subject_no).subject
            if not stored.name.strip() and report.subject.name.strip():
                # a company given by KvK number only: the register named it during the scan
                tx.update_subject(record, subject_no, replace(stored, name=report.subject.name))
            scan_no = tx.add_scan(record, subject_no, report, bodies, actor=actor)
            tx.audit(case_id, "scan", actor, f"subject {subject_no}, scan {scan_no}: {report.assessment.total_points:g} points, "
                     f"{'complete' if report.assessment.complete else 'incomplete'}, {len(bodies)} raw responses kept")
            return self._restate(tx, record, actor, "scan", subjects=[subject_no])

    # --- review -------------------------------------------------------------------------------

    def dispose(self, case_id: str, evidence_id: str, action: DispositionAction, reason: str, *, actor: str, subject_no: int | None = None) -> Change:
        """Confirm an item, or clear it as a namesake or as not relevant, with a reason."""
        reason = _text(reason, "the reason")
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "judge a hit")
            number, report = self._item_owner(tx, record, evidence_id, subject_no)
            ev = next(e for e in report.evidence if e.id == evidence_id)
            d = Disposition(evidence_id=evidence_id, action=action, reason=reason, by=actor, at=utcnow(), content_sha256=ev.judged_sha256())
            tx.add_review_event(record, "disposition", d, actor=actor, subject_no=number)
            tx.audit(case_id, f"dispose_{action.value}", actor, f"subject {number}, {evidence_id}: {reason}")
            return self._restate(tx, record, actor, f"disposition {action.value}", subjects=[number])

    def conclude(self, case_id: str, degree: Degree, reasoning: str, *, actor: str, conditions: str = "", lbb_advice: bool = False) -> Change:
        reasoning = _text(reasoning, "the proportionality reasoning (--reasoning)")
        conditions = _text(conditions, "the conditions", required=False)
        if degree is Degree.LESSER and not conditions:
            raise DossierError("a 'mindere mate van gevaar' conclusion needs the conditions (voorschriften) it leads to: give --conditions",
                               dutch="Bij ‘mindere mate van gevaar’ horen de voorschriften waartoe de conclusie leidt: vul ze in.")
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "record a conclusion")
            if tx.latest_scan(record, 1) is None:
                raise DossierError(f"case {case_id!r} has no scan yet: scan before concluding", dutch="Deze zaak is nog niet gescand: scan eerst.")
            c = Conclusion(degree=degree, reasoning=reasoning, by=actor, at=utcnow(), conditions=conditions, lbb_advice=lbb_advice)
            tx.add_review_event(record, "conclusion", c, actor=actor)
            tx.audit(case_id, "conclude", actor, f"{degree.value}{' (LBB advice)' if lbb_advice else ''}")
            return self._restate(tx, record, actor, "conclusion")

    def sign_off(self, case_id: str, *, actor: str, note: str = "") -> Change:
        """The reviewer's sign-off on the current conclusion and dispositions. Four
        eyes: never the officer, never the author of the conclusion, and the case's named
        reviewer when it names one."""
        note = _text(note, "the note", required=False)
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "sign off")
            review, _ = review_of(tx.events(record), record.file_version)
            if review.conclusion is None:
                raise DossierError(f"case {case_id!r} has no conclusion to sign off yet (bibobscan case conclude)", dutch="Er is nog geen conclusie om af te tekenen.")
            who = _norm(actor)
            if who in (_norm(record.case.officer), _norm(review.conclusion.by)):
                raise DossierError(f"{actor!r} is the officer or wrote the conclusion; the sign-off must come from a second person (four eyes)",
                                   dutch=f"{actor} is de behandelaar of schreef de conclusie; aftekenen doet een tweede persoon (vier ogen).")
            if record.case.reviewer and who != _norm(record.case.reviewer):
                raise DossierError(f"case {case_id!r} names {record.case.reviewer!r} as its reviewer, not {actor!r} (change it with bibobscan case edit --reviewer)",
                                   dutch=f"De reviewer van deze zaak is {record.case.reviewer}, niet {actor}.")
            s = SignOff(by=actor, at=utcnow(), note=note, conclusion_at=review.conclusion.at)
            tx.add_review_event(record, "signoff", s, actor=actor)
            tx.audit(case_id, "signoff", actor, note)
            return self._restate(tx, record, actor, "signoff")

    def record_zienswijze(self, case_id: str, *, shared_on: date, shared: str, actor: str, response_on: date | None = None,
                          response: str = "", attachments: Sequence[tuple[str, bytes]] = ()) -> Change:
        shared = _text(shared, "what was shared (--shared)")
        response = " ".join(response.split()) if response else ""
        if len(response) > 100_000:
            raise DossierError("the response text is longer than 100,000 characters; attach it as a file instead")
        if response_on is not None and response_on < shared_on:
            raise DossierError(f"the response date {response_on} lies before the date the findings were shared ({shared_on})",
                               dutch=f"De reactiedatum {response_on} ligt voor de datum waarop de bevindingen zijn gedeeld ({shared_on}).")
        stored: list[tuple[str, str, bytes]] = []
        for name, content in attachments:
            if len(content) > MAX_ATTACHMENT_BYTES:
                raise DossierError(f"attachment {name!r} is {len(content):,} bytes; at most {MAX_ATTACHMENT_BYTES:,}",
                                   dutch=f"De bijlage {name} is {len(content):,} bytes; ten hoogste {MAX_ATTACHMENT_BYTES:,}.".replace(",", "."))
            stored.append((Path(name).name, _media_type(name), content))
        z = Zienswijze(shared_on=shared_on, shared=shared, by=actor, at=utcnow(), response_on=response_on, response=response,
                       attachments=[Attachment(n, hashlib.sha256(c).hexdigest(), len(c), m) for n, m, c in stored])
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "record a zienswijze")
            tx.add_review_event(record, "zienswijze", z, actor=actor, attachments=stored)
            tx.audit(case_id, "zienswijze", actor, f"shared {shared_on}, response {response_on or '—'}, {len(stored)} attachment(s)")
            return self._restate(tx, record, actor, "zienswijze")

    # --- finalising, reopening, archiving, destroying ----------------------------------------

    def finalise(self, case_id: str, *, actor: str, keep_raw_bodies: bool | None = None) -> Change:
        """Make the file immutable. Refused while an element is missing (the message
        lists them all). The raw responses are dropped (minimisation) unless kept for the
        archive; the final report says which."""
        keep = self.keep_raw_bodies if keep_raw_bodies is None else keep_raw_bodies
        with self.store.writing() as tx:
            record = self._open(tx, case_id, "finalise")
            subjects = tx.subjects(record)
            missing: list[str] = []
            ontbreekt: list[str] = []
            for s in subjects:
                version = tx.latest_version(record, s.subject_no)
                if version is None:
                    missing.append(f"subject {s.label}: not scanned yet")
                    ontbreekt.append(f"betrokkene {s.label}: nog niet gescand")
                    continue
                report = report_of(version)
                missing.extend(f"subject {s.subject_no}: {m}" if len(subjects) > 1 else m for m in missing_elements(report))
                ontbreekt.extend(f"betrokkene {s.subject_no}: {m}" if len(subjects) > 1 else m for m in missing_elements(report, dutch=True))
            if missing:
                raise DossierError(f"case {case_id!r} cannot be finalised yet; missing: " + "; ".join(dict.fromkeys(missing)),
                                   dutch="Het dossier kan nog niet worden vastgesteld; er ontbreekt: " + "; ".join(dict.fromkeys(ontbreekt)))
            now = utcnow()
            record = tx.update_case(record, status=Status.FINAL.value, finalised_at=now)
            dropped = 0 if keep else tx.drop_bodies(record)
            tx.audit(case_id, "finalise", actor, f"file version {record.file_version}; raw responses {'kept for the archive' if keep else f'dropped ({dropped})'}")
            return self._restate(tx, record, actor, "finalise", final=True, raw_bodies="kept" if keep else "dropped", finalised=(now, actor))

    def reopen(self, case_id: str, *, actor: str, reason: str) -> CaseRecord:
        """Start a new file version of a finalised (or archived) file; the finalised
        version stays as it was. Dispositions and the conclusion carry over; the
        sign-off does not."""
        reason = _text(reason, "the reason (--reason)")
        with self.store.writing() as tx:
            record = tx.lock(case_id)
            if record.status not in (Status.FINAL, Status.ARCHIVED):
                raise DossierError(f"case {case_id!r} is {record.status}, not finalised: it can still be changed without reopening",
                                   dutch="Dit dossier is niet vastgesteld en kan nog zonder heropenen worden gewijzigd.")
            record = tx.update_case(record, file_version=record.file_version + 1, status=Status.SCANNED.value, finalised_at=None)
            tx.audit(case_id, "reopen", actor, f"file version {record.file_version}: {reason}")
            return record

    def mark_archived(self, case_id: str, *, actor: str, bag: str) -> CaseRecord:
        with self.store.writing() as tx:
            record = tx.lock(case_id)
            if record.status not in (Status.FINAL, Status.ARCHIVED):
                raise DossierError(f"case {case_id!r} is {record.status}: only a finalised file can be sealed (bibobscan case finalise)")
            kept = tx.drop_bodies(record)  # kept responses now live in the bag
            record = tx.update_case(record, status=Status.ARCHIVED.value, archived_at=utcnow())
            tx.audit(case_id, "seal", actor, f"bag {bag}" + (f"; {kept} raw responses moved into it" if kept else ""))
            return record

    def purge(self, case_id: str, *, actor: str, reason: str, today: date | None = None) -> CaseRecord:
        """Destroy a case whose retention has ended (Archiefwet); a tombstone and the
        audit log stay."""
        reason = _text(reason, "the reason (--reason)")
        today = today or utcnow().date()
        with self.store.writing() as tx:
            record = tx.lock(case_id)
            if record.status == Status.DESTROYED:
                raise DossierError(f"case {case_id!r} was destroyed on {record.destroyed_at:%Y-%m-%d}" if record.destroyed_at else f"case {case_id!r} was destroyed")
            if record.retention_until is None or record.retention_until >= today:
                raise DossierError(f"case {case_id!r} is kept until {record.retention_until or '(no date)'}; it cannot be destroyed before its retention ends")
            tx.destroy(record, actor=actor, reason=reason)
            return tx.lock(case_id)

    # --- reading ------------------------------------------------------------------------------

    def current(self, case_id: str, subject_no: int = 1) -> VersionRecord:
        return self.store.version(case_id, subject_no=subject_no)

    def review(self, case_id: str) -> tuple[Review, bool]:
        record = self.store.case(case_id)
        return review_of(self.store.review_events(case_id), record.file_version)

    def view(self, case_id: str, *, actor: str, what: str) -> None:
        """Record that someone looked at a case (every view goes into the audit log)."""
        self.store.audit(case_id, "view", actor, what)

    def exported(self, case_id: str, *, actor: str, what: str) -> None:
        self.store.audit(case_id, "export", actor, what)

    # --- internals ----------------------------------------------------------------------------

    def _open(self, tx: Tx, case_id: str, action: str) -> CaseRecord:
        record = tx.lock(case_id)
        status = Status(record.status)
        if not status.open:
            if status is Status.DESTROYED:
                raise DossierError(f"case {case_id!r} was destroyed; nothing can be added")
            raise DossierError(
                f"case {case_id!r} is {status.value} (file version {record.file_version}) and cannot change: cannot {action}; "
                f"start a new version with `bibobscan case reopen {case_id} --reason ...`",
                dutch=f"Dit dossier is {status.value} (dossierversie {record.file_version}) en verandert niet meer; heropen het als nieuwe versie.",
            )
        return record

    def _subject(self, tx: Tx, record: CaseRecord, subject_no: int) -> SubjectRecord:
        for s in tx.subjects(record):
            if s.subject_no == subject_no:
                return s
        raise CaseNotFound(f"case {record.case_id!r} has no subject {subject_no}")

    def _item_owner(self, tx: Tx, record: CaseRecord, evidence_id: str, subject_no: int | None) -> tuple[int, Report]:
        """The subject whose latest report holds ``evidence_id`` (and that report)."""
        found: list[tuple[int, Report]] = []
        for s in tx.subjects(record):
            if subject_no is not None and s.subject_no != subject_no:
                continue
            version = tx.latest_version(record, s.subject_no)
            if version is None:
                continue
            report = report_of(version)
            if any(e.id == evidence_id for e in report.evidence):
                found.append((s.subject_no, report))
        if not found:
            where = f"subject {subject_no}" if subject_no is not None else f"case {record.case_id!r}"
            raise DossierError(f"no evidence item {evidence_id!r} in the latest report of {where} (see the ids in the report or `bibobscan case show`)")
        if len(found) > 1:
            raise DossierError(f"evidence item {evidence_id!r} is in the reports of subjects {', '.join(str(n) for n, _ in found)}: give --subject")
        return found[0]

    def _restate(self, tx: Tx, record: CaseRecord, actor: str, trigger: str, *, subjects: list[int] | None = None, final: bool = False,
                 raw_bodies: str | None = None, finalised: tuple[datetime, str] | None = None) -> Change:
        """Make a new report version of each scanned subject (or of ``subjects``) from
        its latest scan and the current review, and set the derived status."""
        from ._rebuild import rebuild

        events = tx.events(record)
        review, _ = review_of(events, record.file_version)
        status = Status(record.status) if not Status(record.status).open else _derived(tx, record, review)
        if Status(record.status).open and record.status != status.value:
            record = tx.update_case(record, status=status.value)
        all_subjects = tx.subjects(record)
        labels = {s.subject_no: s.label for s in all_subjects}
        versions: list[VersionRecord] = []
        for s in all_subjects:
            if subjects is not None and s.subject_no not in subjects:
                continue
            scan = tx.latest_scan(record, s.subject_no)
            if scan is None:
                continue
            subject_review, _ = review_of(events, record.file_version, s.subject_no)
            info = FileInfo(
                version=tx.next_version_no(record), scan=scan.scan_no, subject_no=s.subject_no, file_version=record.file_version,
                status=status.value, raw_bodies=raw_bodies or "in_store",
                finalised_at=finalised[0] if finalised else None, finalised_by=finalised[1] if finalised else "",
                others=[label for n, label in labels.items() if n != s.subject_no],
            )
            report = rebuild(record, s.subject, scan.report_json, subject_review, info)
            versions.append(tx.add_version(record, report, trigger=trigger, actor=actor, final=final))
        return Change(record, versions)


def _derived(tx: Tx, record: CaseRecord, review: Review) -> Status:
    if not any(tx.latest_scan(record, s.subject_no) for s in tx.subjects(record)):
        return Status.CONCEPT
    if review.conclusion is None or review.signoff is None:
        return Status.SCANNED
    if review.zienswijze:
        return Status.ZIENSWIJZE
    return Status.REVIEWED


def _subject_no(subjects: list[SubjectRecord], subject: Subject) -> int | None:
    """The number of ``subject`` in a case: same kind and KvK number, or same kind, name
    and date of birth."""
    for s in subjects:
        other = s.subject
        if other.kind is not subject.kind:
            continue
        if subject.kvk and other.kvk:
            if subject.kvk == other.kvk:
                return s.subject_no
            continue
        if _norm(other.name) == _norm(subject.name) and (other.born == subject.born or None in (other.born, subject.born)):
            return s.subject_no
    return None


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _path(path: Path | None) -> str:
    return str(path.resolve()) if path is not None else ""


_MEDIA = {".pdf": "application/pdf", ".txt": "text/plain", ".eml": "message/rfc822", ".msg": "application/vnd.ms-outlook",
          ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".odt": "application/vnd.oasis.opendocument.text"}


def _media_type(name: str) -> str:
    return _MEDIA.get(Path(name).suffix.lower(), "application/octet-stream")
