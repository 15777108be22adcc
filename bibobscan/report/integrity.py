"""Report integrity: a digest over the canonical form of the report JSON, and a content
hash per evidence item, so a report that was changed after bibobscan wrote it is
refused by ``rescore``, ``pdf`` and ``archive put`` with the check that failed.

The JSON of a report carries, next to the report itself::

    "integrity": {"form": "bibobscan-json-1", "algorithm": "sha256", "digest": "<hex>"}

``digest`` is the sha256 of :func:`bibobscan.model.canonical_json` over the report
object *as it is stored*, without the ``integrity`` key. Checking it on the stored
object (not on the model read back) means that a report written by an older version,
which lacks a newer field, still verifies. Each evidence item's ``content_sha256``
covers :data:`bibobscan.model.CONTENT_FIELDS` of that item.

What this does and does not prove: anyone who edits the file and recomputes the hashes
can make it verify again. The case store and the archive's hash chain hold the digest
independently (docs/dossier.md); this check catches a changed file, a truncated copy and
an edit by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ReportError
from ..model import CANONICAL_FORM, CONTENT_FIELDS, canonical_json, sha256_hex

INTEGRITY_KEY = "integrity"


def digest_of(data: dict[str, Any]) -> str:
    """The report digest of a report object (its ``integrity`` entry left out)."""
    return sha256_hex(canonical_json({k: v for k, v in data.items() if k != INTEGRITY_KEY}))


def sealed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its integrity entry (the digest over everything else)."""
    out = {k: v for k, v in data.items() if k != INTEGRITY_KEY}
    out[INTEGRITY_KEY] = {"form": CANONICAL_FORM, "algorithm": "sha256", "digest": digest_of(out)}
    return out


@dataclass(frozen=True, slots=True)
class Seal:
    """What the integrity check found: ``sealed`` False for a report written before
    reports carried a digest (it cannot be verified, but is not refused)."""

    sealed: bool
    digest: str  # the verified digest; for an unsealed report the digest computed now
    evidence_checked: int


def check(data: dict[str, Any], where: str) -> Seal:
    """Verify a stored report object; a ReportError naming the failed check otherwise."""
    integrity = data.get(INTEGRITY_KEY)
    checked = 0
    for i, ev in enumerate(data.get("evidence") or []):
        if not isinstance(ev, dict) or not ev.get("content_sha256"):
            continue
        content = {name: ev.get(name) for name in CONTENT_FIELDS}
        if sha256_hex(canonical_json(content)) != ev["content_sha256"]:
            raise ReportError(
                f"{where}: evidence[{i}] ({ev.get('id')!r}) does not match its content_sha256: "
                "the item was changed after bibobscan wrote the report"
            )
        checked += 1
    if integrity is None:
        return Seal(sealed=False, digest=digest_of(data), evidence_checked=checked)
    if not isinstance(integrity, dict) or not isinstance(integrity.get("digest"), str):
        raise ReportError(f"{where}: the integrity entry is damaged (no digest)")
    form = integrity.get("form")
    if form != CANONICAL_FORM or integrity.get("algorithm") != "sha256":
        raise ReportError(f"{where}: integrity form {form!r} / {integrity.get('algorithm')!r} is unknown to this version (expected {CANONICAL_FORM}, sha256)")
    actual = digest_of(data)
    if actual != integrity["digest"]:
        raise ReportError(
            f"{where}: the report digest does not match (stored {integrity['digest'][:16]}…, computed {actual[:16]}…): "
            "the file was changed after bibobscan wrote it"
        )
    return Seal(sealed=True, digest=actual, evidence_checked=checked)
