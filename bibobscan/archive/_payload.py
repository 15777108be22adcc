"""What goes into a bag for one report version: the HTML, the JSON exactly as stored,
the PDF/A, the dispositions, the audit extract, the zienswijze attachments and — when
kept — the raw source responses."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .. import __version__
from ..model import Report, to_jsonable, utcnow
from ..report import render_html
from ..report.integrity import digest_of
from ._bag import BagInfo


def payload_from_report(
    json_bytes: bytes,
    report: Report,
    *,
    sealed_by: str,
    audit: Sequence[Any] | None = None,
    raw_bodies: Iterable[Any] = (),
    attachments: Iterable[tuple[str, bytes]] = (),
) -> tuple[dict[str, bytes], BagInfo]:
    """The payload files and the bag-info of a report version. ``audit``: the case
    store's audit entries (None for a bare report file: the bag says so);
    ``raw_bodies``: records with sha256, url, media_type, retrieved_at, size, truncated
    and content; ``attachments``: (name, content)."""
    from ..report.pdf import render_pdf

    text = json_bytes.decode("utf-8")
    payload: dict[str, bytes] = {
        "report.json": json_bytes,
        "report.html": render_html(report).encode("utf-8"),
        "report.pdf": render_pdf(report, text),
        "dispositions.json": _json(report.review),
        "audit.json": _json({"entries": to_jsonable(list(audit))} if audit is not None else
                            {"entries": [], "note": "sealed from a report file, not from the case store: no audit log available"}),
    }
    bodies = list(raw_bodies)
    index = []
    for body in bodies:
        payload[f"raw/{body.sha256}.bin"] = body.content
        index.append({"sha256": body.sha256, "url": body.url, "media_type": body.media_type, "retrieved_at": to_jsonable(body.retrieved_at),
                      "size": body.size, "truncated": body.truncated, "file": f"raw/{body.sha256}.bin"})
    if index:
        payload["raw/index.json"] = _json(index)
    for i, (name, content) in enumerate(attachments, start=1):
        safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in name).lstrip(".") or "bijlage"
        payload[f"zienswijze/{i:02d}-{safe}"] = content
    data = json.loads(text)
    info = BagInfo(
        case_id=report.case.case_id,
        report_version=report.file.version if report.file else 1,
        file_version=report.file.file_version if report.file else 1,
        subject=report.subject.name,
        retention_until=report.case.retention_until,
        confidentiality=report.case.confidentiality,
        sealed_by=sealed_by,
        sealed_at=utcnow(),
        tool_version=__version__,
        report_digest=str((data.get("integrity") or {}).get("digest") or digest_of(data)),
        raw_bodies="kept" if bodies else "dropped",
        demo=report.demo,
        authority=report.case.authority,
    )
    return payload, info


def _json(value: Any) -> bytes:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2).encode("utf-8")
