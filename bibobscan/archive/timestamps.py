"""RFC 3161 timestamps for seal entries, from a configured time-stamping authority
(``[archive] tsa_url``, ``tsa_certificate``). The token is over the bag's tag-manifest
sha256 and is stored (base64 DER) in the chain entry; ``archive verify`` checks it again.
The protocol itself is in :mod:`._timestamp`."""

from __future__ import annotations

import base64
import importlib
from pathlib import Path
from typing import Any

from ..errors import ArchiveError
from ._archive import TimestampCheck, Timestamper


def _certificate(path: Any) -> bytes | None:
    if not path:
        return None
    try:
        return Path(str(path)).read_bytes()
    except OSError as exc:
        raise ArchiveError(f"[archive] tsa_certificate {path}: cannot read it ({exc.strerror or exc})") from exc


def _protocol() -> Any:
    try:
        return importlib.import_module(f"{__package__}._timestamp")
    except ImportError as exc:
        raise ArchiveError(f"RFC 3161 timestamps are not available in this installation ({exc})") from exc


def timestamper(url: str, certificate: Any = None) -> Timestamper:
    """A function that asks the TSA at ``url`` for a token over a digest. Raises
    :class:`ArchiveError` at once when the protocol module or the certificate is missing."""
    protocol = _protocol()
    pem = _certificate(certificate)

    def stamp(digest: bytes) -> dict[str, Any]:
        try:
            token = protocol.request_timestamp(url, digest, certificate_pem=pem)
        except Exception as exc:  # any failure of the TSA refuses the sealing, named
            raise ArchiveError(f"the time-stamping authority {url} gave no valid token, the archive is as it was: {exc}") from exc
        return {"tsa": token.tsa, "url": url, "gen_time": token.gen_time.isoformat(), "serial": token.serial,
                "policy": token.policy, "hash_algorithm": token.hash_algorithm, "token": base64.b64encode(token.der).decode("ascii")}

    return stamp


def checker(certificate: Any = None) -> TimestampCheck:
    """A function that checks a stored token record against the digest (the signature
    too when the TSA's certificate is configured). The protocol module and the
    certificate are only needed once a chain entry holds a token."""

    def check(record: dict[str, Any], digest: bytes) -> None:
        protocol = _protocol()
        try:
            der = base64.b64decode(str(record.get("token", "")), validate=True)
        except ValueError as exc:
            raise ArchiveError(f"the stored token is not base64 ({exc})") from exc
        protocol.verify_timestamp(der, digest, certificate_pem=_certificate(certificate))

    return check
