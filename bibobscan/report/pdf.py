"""PDF/A-3b of a report, from the same HTML as the report's HTML file (one layout: the
print rules are in ``templates/partials/print.css.j2``).

WeasyPrint writes the PDF (``pdf_variant="pdf/a-3b"``): A4 (landscape pages where the
template asks for them), every font embedded (subset), an sRGB output intent, the XMP
identification ``pdfaid:part=3, conformance=B``, and the report JSON embedded as an
associated file (``/AF``, AFRelationship ``Source``), so the PDF carries the data it was
printed from. Rendering never fetches anything: :class:`OfflineFetcher` refuses every URL
that is not a ``data:`` URL (the templates have none; an officer's text cannot add one,
it is escaped).

Deterministic where WeasyPrint allows: the creation and modification dates (document and
attachment) are the report's ``generated_at``, the document ID is a digest of the
content, so the same report rendered twice with the same WeasyPrint and fonts gives the
same bytes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import fsync_dir
from ..errors import ReportError
from ..model import Report

if TYPE_CHECKING:
    from ..sector.model import SectorReport

PDF_VARIANT = "pdf/a-3b"
AF_RELATIONSHIP = "Source"  # the attachment is the source the PDF was rendered from
_EPOCH_LOCK = threading.Lock()


@contextlib.contextmanager
def _source_date_epoch(moment: datetime) -> Iterator[None]:
    """fontTools stamps every font subset it writes with the current time unless
    ``SOURCE_DATE_EPOCH`` is set (reproducible builds); set it to ``moment`` while
    rendering, so the embedded fonts do not change the bytes from one run to the next.
    A value the caller set already is kept. The environment is process-wide, so renders
    in one process take turns."""
    with _EPOCH_LOCK:
        if "SOURCE_DATE_EPOCH" in os.environ:
            yield
            return
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
        try:
            yield
        finally:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _one_af_entry_each(document: Any, pdf: Any) -> None:
    """WeasyPrint lists an attachment twice in the catalog's /AF (once from the name
    tree, once as a file specification); keep each reference once."""
    af = pdf.catalog.get("AF")
    if af:
        unique = list(dict.fromkeys(af))
        del af[:]
        af.extend(unique)


def _offline_fetcher() -> Any:
    """An instance of :class:`OfflineFetcher` (WeasyPrint imported only when needed)."""
    import weasyprint

    class OfflineFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        """Fetches ``data:`` URLs only; every other URL is refused (and recorded)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"no fetches while rendering a report: {url[:80]}")
            return super().fetch(url, headers)

    return OfflineFetcher()


def _w3c(moment: datetime) -> str:
    """A W3C date-time in UTC (what WeasyPrint's metadata takes)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def html_to_pdfa(
    html: str,
    attachment: str | bytes,
    *,
    attachment_name: str,
    created: datetime,
    description: str = "",
    fetcher: Any = None,
) -> bytes:
    """PDF/A-3b of ``html`` with ``attachment`` (the exact bytes, or text written as
    UTF-8) embedded as ``attachment_name``; ``created`` is the creation and modification
    date in the metadata. ``fetcher``: a fetcher from :func:`_offline_fetcher` (tests
    look at what it refused); a new one when None."""
    import weasyprint

    fetcher = fetcher if fetcher is not None else _offline_fetcher()
    data = attachment.encode("utf-8") if isinstance(attachment, str) else bytes(attachment)
    moment = created if created.tzinfo is not None else created.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC).replace(tzinfo=None)  # WeasyPrint writes it as UTC ("...Z")
    with _source_date_epoch(created if created.tzinfo is not None else created.replace(tzinfo=UTC)):
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).render(pdf_variant=PDF_VARIANT)
        document.metadata.created = _w3c(created)
        document.metadata.modified = _w3c(created)
        document.metadata.generator = "bibobscan"
        embedded = weasyprint.Attachment(
            string=data,
            name=attachment_name,
            description=description or "Het rapport als JSON (dezelfde inhoud als deze PDF)",
            created=moment,
            modified=moment,
            relationship=AF_RELATIONSHIP,
            url_fetcher=fetcher,
        )
        pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[embedded], finisher=_one_af_entry_each)
    return pdf


def render_pdf(report: Report, json_text: str | bytes | None = None, *, name: str | None = None) -> bytes:
    """The person or company report as PDF/A-3b (A4), with ``json_text`` embedded as
    ``<report>.json``: the exact JSON to attach (default: :func:`render_json` of the
    report). ``name``: the attachment's file name (default ``<report basename>.json``).
    The page layout is the HTML report's (``render_html``)."""
    from .render import render_html, render_json
    from .store import report_basename

    return html_to_pdfa(
        render_html(report),
        json_text if json_text is not None else render_json(report),
        attachment_name=name or f"{report_basename(report)}.json",
        created=report.generated_at,
        description=f"Bibob-scan {report.subject.name or report.subject.kvk or ''} – zaak {report.case.case_id}: het rapport als JSON",
    )


def render_sector_pdf(report: SectorReport, json_text: str | bytes | None = None, *, name: str | None = None) -> bytes:
    """The sector report as PDF/A-3b (A4; the ranked table on landscape pages, every
    column), with ``json_text`` embedded as ``<report>.json`` (default: the sector JSON;
    ``name`` as in :func:`render_pdf`)."""
    from .sector import render_sector_html, render_sector_json, sector_basename

    case = f" – zaak {report.case.case_id}" if report.case else ""
    return html_to_pdfa(
        render_sector_html(report),
        json_text if json_text is not None else render_sector_json(report),
        attachment_name=name or f"{sector_basename(report)}.json",
        created=report.generated_at,
        description=f"Branchescan {report.subject.name}{case}: het rapport als JSON",
    )


# --- from a report file to a PDF file ------------------------------------------------------------


def pdf_of_report_file(path: Path) -> bytes:
    """The PDF/A-3b of the report JSON in ``path`` (a person or company report, or a
    sector report), with the file's exact bytes embedded under the file's name. A file
    that is not a report, or was changed after bibobscan wrote it, is a ReportError
    naming the file and the field or check that failed."""
    from .integrity import check
    from .sector import is_sector_json, parse_json_object, sector_report_from_dict
    from .store import parse_report_json, report_from_dict

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    where = str(path)
    parsed = parse_json_object(raw, where)
    if is_sector_json(parsed):
        sector = sector_report_from_dict(parsed, where)  # checks the shape first
        check(parsed, where)
        return render_sector_pdf(sector, raw, name=path.name)
    data = parse_report_json(raw, where)
    check(data, where)
    return render_pdf(report_from_dict(data, where), raw, name=path.name)


class AtomicFile:
    """A new file written in full or not at all: the bytes go to a temporary file in the
    same folder (created at once, so a folder that cannot be written is known before any
    work is done), are flushed to disk, and only then get the final name. Without
    ``overwrite`` an existing file is never replaced (FileExistsError)."""

    def __init__(self, path: Path, *, overwrite: bool = False) -> None:
        self.path = path
        self.overwrite = overwrite
        folder = path.parent if str(path.parent) else Path(".")
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        self._fd: int | None = fd
        self.temp = Path(name)

    def commit(self, data: bytes) -> None:
        assert self._fd is not None, "commit() twice"
        fd, self._fd = self._fd, None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if self.overwrite:
                os.replace(self.temp, self.path)
            else:
                self._link_new()
        except BaseException:
            self.temp.unlink(missing_ok=True)
            raise
        fsync_dir(self.path.parent)

    def _link_new(self) -> None:
        try:
            os.link(self.temp, self.path)  # fails when the name exists: never replaces
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if self.path.exists():
                raise FileExistsError(17, "File exists", str(self.path)) from None
            os.replace(self.temp, self.path)
            return
        self.temp.unlink(missing_ok=True)

    def discard(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.temp.unlink(missing_ok=True)
