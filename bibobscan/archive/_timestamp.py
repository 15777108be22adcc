"""The RFC 3161 time-stamp protocol: ask a time-stamping authority (TSA) for a token over
a sha256 digest, and check a stored token again.

A token is a CMS ``SignedData`` (RFC 5652) whose encapsulated content is a ``TSTInfo``:
the TSA's statement "this digest existed at gen_time". :func:`verify_timestamp` checks

- the TSTInfo's message imprint: sha256, equal to the digest;
- the CMS signature: the signed attributes say content type TSTInfo and hold the hash of
  the encapsulated TSTInfo, and the signature over the signed attributes (DER SET OF)
  verifies with the signer certificate's key (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, Ed25519;
  sha224/256/384/512 only);
- the signer certificate (from the token, or the configured one, matched by issuer and
  serial number or by subject key identifier): an ESS signing-certificate attribute, when
  present, names it; its extended key usage, when it has one, allows time-stamping; it
  was valid at gen_time;
- with a configured certificate (PEM, one or more): the signer certificate is one of them,
  or is issued by one of them (signature checked), directly or through CA certificates
  that the token carries.

Not checked: revocation (CRL/OCSP) of the TSA's certificate, the TSA's policy OID, and
the accuracy field. Every failure raises :class:`TimestampError` naming what is wrong.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx
from asn1crypto import cms, core, tsp, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..errors import TimestampError

MAX_RESPONSE_BYTES = 1_000_000
MAX_CHAIN = 5  # CA certificates between the signer and a configured certificate
REPLY_TYPES = ("application/timestamp-reply", "application/timestamp-response")
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclass(frozen=True)
class TimestampToken:
    """A verified token: its DER, who signed it, when, the TSA's serial number and
    policy, and the hash algorithm of the message imprint."""

    der: bytes
    tsa: str
    gen_time: datetime
    serial: int
    policy: str
    hash_algorithm: str


class _TimeStampResp(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """TimeStampResp as in RFC 3161: the token is OPTIONAL (absent on a rejection);
    asn1crypto's own class requires it."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def request_timestamp(url: str, digest: bytes, *, certificate_pem: bytes | None = None,
                      transport: httpx.BaseTransport | None = None, timeout: float = 30.0) -> TimestampToken:
    """Ask the TSA at ``url`` for a token over ``digest`` (a sha256 value, 32 bytes) and
    return it verified (as :func:`verify_timestamp`, plus the request's nonce)."""
    _check_digest(digest)
    nonce = secrets.randbits(63) | 1 << 62  # positive, never 0, the same length each time
    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "nonce": nonce,
        "cert_req": True,
    })
    body = _post(url, request.dump(), transport=transport, timeout=timeout)
    try:
        response = _TimeStampResp.load(body, strict=True)
        status = response["status"]
        state = status["status"].native
        token = response["time_stamp_token"]
        present = not isinstance(token, core.Void)
        der = token.dump() if present else b""
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError(f"the TSA's answer is not an RFC 3161 TimeStampResp ({exc})") from exc
    if state not in ("granted", "granted_with_mods"):
        raise TimestampError(f"the TSA refused the request: PKIStatus {state}{_status_details(status)}")
    if not present:
        raise TimestampError(f"the TSA answered PKIStatus {state} but sent no token")
    result, tst_info = _verify(der, digest, certificate_pem)
    echoed = tst_info["nonce"].native
    if echoed != nonce:
        raise TimestampError(f"the token's nonce {echoed} is not the request's nonce {nonce}: not an answer to this request")
    return result


def verify_timestamp(token_der: bytes, digest: bytes, *, certificate_pem: bytes | None = None) -> TimestampToken:
    """Check a token (DER ContentInfo) against ``digest`` (sha256, 32 bytes); with
    ``certificate_pem`` the signer must be that certificate or issued by it. Raises
    :class:`TimestampError` naming what is wrong."""
    _check_digest(digest)
    return _verify(token_der, digest, certificate_pem)[0]


def _check_digest(digest: bytes) -> None:
    if not isinstance(digest, bytes) or len(digest) != 32:
        raise TimestampError(f"the digest to time-stamp must be a sha256 value (32 bytes), not {len(digest)} bytes")


def _status_details(status: Any) -> str:
    parts = []
    fail = status["fail_info"].native
    if fail:
        parts.append("failInfo " + ", ".join(sorted(str(f) for f in fail)))
    text = status["status_string"].native
    if text:
        parts.append("text " + "; ".join(str(t) for t in text)[:300])
    return f" ({'; '.join(parts)})" if parts else ""


def _post(url: str, data: bytes, *, transport: httpx.BaseTransport | None, timeout: float) -> bytes:
    headers = {"Content-Type": "application/timestamp-query", "Accept": ", ".join(REPLY_TYPES)}
    try:
        with httpx.Client(transport=transport, timeout=timeout) as client, \
                client.stream("POST", url, content=data, headers=headers) as response:
            if response.status_code != 200:
                raise TimestampError(f"the TSA at {url} answered HTTP {response.status_code}, not 200")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in REPLY_TYPES:
                raise TimestampError(f"the TSA at {url} answered with content type {kind or 'none'!r}, "
                                     "not application/timestamp-reply: not a time-stamp response")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise TimestampError(f"the TSA at {url} sent more than {MAX_RESPONSE_BYTES} bytes: not a time-stamp response")
                chunks.append(chunk)
            return b"".join(chunks)
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise TimestampError(f"no answer from the TSA at {url}: {type(exc).__name__}: {exc}") from exc


def _verify(token_der: bytes, digest: bytes, certificate_pem: bytes | None) -> tuple[TimestampToken, Any]:
    anchors = _pinned(certificate_pem)
    try:
        info = cms.ContentInfo.load(token_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise TimestampError(f"the token is a CMS {info['content_type'].native}, not signed data")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TimestampError(f"the token's content is {encap['content_type'].native}, not a TSTInfo")
        tst_der = encap["content"].contents
        tst_info = tsp.TSTInfo.load(tst_der, strict=True)
        imprint = tst_info["message_imprint"]
        imprint_algorithm = imprint["hash_algorithm"]["algorithm"].native
        imprint_value = imprint["hashed_message"].native
        gen_time = tst_info["gen_time"].native
        serial = int(tst_info["serial_number"].native)
        policy = str(tst_info["policy"].dotted)
        signers = list(signed["signer_infos"])
        carried = [c.chosen for c in signed["certificates"] if c.name == "certificate"] if signed["certificates"].native else []
        if len(signers) != 1:
            raise TimestampError(f"the token has {len(signers)} signers, RFC 3161 wants exactly one")
        signer = signers[0]
        signed_attrs = signer["signed_attrs"]
        attrs = {a["type"].native: a["values"] for a in signed_attrs} if signed_attrs.native else {}
        sid = signer["sid"]
        digest_name = signer["digest_algorithm"]["algorithm"].native
        signature_algorithm = signer["signature_algorithm"]
        signature = signer["signature"].native
        attrs_der = _der(0x31, signed_attrs.contents) if attrs else b""
    except TimestampError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TimestampError(f"the token is not a valid RFC 3161 time-stamp token ({exc})") from exc

    if imprint_algorithm != "sha256":
        raise TimestampError(f"the token's message imprint is {imprint_algorithm}, not sha256")
    if imprint_value != digest:
        raise TimestampError("the token's message imprint does not match the bag's tag manifest (the digest it should date)")
    if digest_name not in _HASHES:
        raise TimestampError(f"the token's signature uses digest {digest_name}, which is not accepted (sha224/256/384/512 only)")
    if not attrs:
        raise TimestampError("the token's signer has no signed attributes (RFC 3161 requires them)")
    if "content_type" not in attrs or [v.native for v in attrs["content_type"]] != ["tst_info"]:
        raise TimestampError("the token's signed attributes do not say content type TSTInfo")
    if "message_digest" not in attrs or len(attrs["message_digest"]) != 1:
        raise TimestampError("the token's signed attributes hold no message digest")
    if attrs["message_digest"][0].native != _hash(digest_name, tst_der):
        raise TimestampError("the token's signed message digest does not match its TSTInfo: the time-stamp content was changed")

    certificate, loaded = _signer_certificate(sid, [*carried, *(a for a, _ in anchors)])
    _verify_signature(loaded, signature_algorithm, digest_name, signature, attrs_der)
    _check_signing_certificate(attrs, certificate)
    _check_usage(loaded, gen_time)
    if anchors and not _chains_to(loaded, [cx509.load_der_x509_certificate(c.dump()) for c in carried],
                                  [c for _, c in anchors], gen_time):
        raise TimestampError(f"the TSA's certificate ({loaded.subject.rfc4514_string()}) is not the configured "
                             "tsa_certificate nor issued by it")
    tsa = loaded.subject.rfc4514_string()
    if not tsa and tst_info["tsa"].native is not None:
        tsa = str(tst_info["tsa"].chosen.human_friendly if tst_info["tsa"].name == "directory_name" else tst_info["tsa"].native)
    return TimestampToken(der=token_der, tsa=tsa, gen_time=gen_time, serial=serial, policy=policy,
                          hash_algorithm=imprint_algorithm), tst_info


def _pinned(pem: bytes | None) -> list[tuple[Any, cx509.Certificate]]:
    if not pem:
        return []
    try:
        loaded = cx509.load_pem_x509_certificates(pem)
        return [(x509.Certificate.load(c.public_bytes(Encoding.DER)), c) for c in loaded]
    except ValueError as exc:
        raise TimestampError(f"the configured TSA certificate is not a PEM certificate ({exc})") from exc


def _signer_certificate(sid: Any, candidates: Iterable[Any]) -> tuple[Any, cx509.Certificate]:
    for certificate in candidates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if certificate.issuer == wanted["issuer"] and certificate.serial_number == wanted["serial_number"].native:
                return certificate, cx509.load_der_x509_certificate(certificate.dump())
        elif certificate.key_identifier is not None and certificate.key_identifier == sid.chosen.native:
            return certificate, cx509.load_der_x509_certificate(certificate.dump())
    raise TimestampError("the token does not carry the TSA's certificate (the signer) and no matching tsa_certificate is configured")


def _verify_signature(certificate: cx509.Certificate, algorithm: Any, digest_name: str, signature: bytes, data: bytes) -> None:
    try:
        kind = algorithm.signature_algo
    except ValueError as exc:
        raise TimestampError(f"the token's signature algorithm {algorithm['algorithm'].dotted} is not supported") from exc
    try:
        hash_name = algorithm.hash_algo
    except ValueError:  # rsaEncryption, ecdsa without a hash: the signer's digest algorithm
        hash_name = digest_name
    if kind != "ed25519" and hash_name not in _HASHES:
        raise TimestampError(f"the token's signature uses hash {hash_name}, which is not accepted (sha224/256/384/512 only)")
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and kind == "rsassa_pkcs1v15":
            key.verify(signature, data, padding.PKCS1v15(), _HASHES[hash_name]())
        elif isinstance(key, rsa.RSAPublicKey) and kind == "rsassa_pss":
            params = algorithm["parameters"]
            mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
            if mgf_hash not in _HASHES:
                raise TimestampError(f"the token's RSA-PSS mask uses hash {mgf_hash}, which is not accepted")
            key.verify(signature, data, padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=int(params["salt_length"].native)),
                       _HASHES[hash_name]())
        elif isinstance(key, ec.EllipticCurvePublicKey) and kind == "ecdsa":
            key.verify(signature, data, ec.ECDSA(_HASHES[hash_name]()))
        elif isinstance(key, ed25519.Ed25519PublicKey) and kind == "ed25519":
            key.verify(signature, data)
        else:
            raise TimestampError(f"the token's signature algorithm {kind} does not fit the TSA certificate's key ({type(key).__name__})")
    except InvalidSignature as exc:
        raise TimestampError("the TSA's signature does not verify: the token was changed or not signed by this certificate") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise TimestampError(f"the TSA's signature cannot be checked ({exc})") from exc


def _check_signing_certificate(attrs: dict[str, Any], certificate: Any) -> None:
    """The ESS signing-certificate(-v2) attribute, when present, must name the signer
    certificate by its hash (RFC 3161 requires one of them; not all TSAs send it)."""
    if "signing_certificate_v2" in attrs:
        first = attrs["signing_certificate_v2"][0]["certs"][0]
        name = first["hash_algorithm"]["algorithm"].native
        if name not in _HASHES:
            raise TimestampError(f"the token's signing-certificate attribute uses hash {name}, which is not accepted")
        expected = _hash(name, certificate.dump())
    elif "signing_certificate" in attrs:
        first = attrs["signing_certificate"][0]["certs"][0]
        expected = hashlib.sha1(certificate.dump()).digest()  # ESSCertID (v1) is sha1 by definition
    else:
        return
    if first["cert_hash"].native != expected:
        raise TimestampError("the token's signing-certificate attribute names another certificate than the one that signed it")


def _check_usage(certificate: cx509.Certificate, gen_time: datetime) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(cx509.ExtendedKeyUsage).value
    except cx509.ExtensionNotFound:
        usage = None
    if usage is not None and ExtendedKeyUsageOID.TIME_STAMPING not in usage:
        raise TimestampError(f"the TSA's certificate ({certificate.subject.rfc4514_string()}) is not for time-stamping "
                             "(its extended key usage lacks timeStamping)")
    if not _valid_at(certificate, gen_time):
        raise TimestampError(f"the TSA's certificate was not valid at the token's time {gen_time.isoformat()} "
                             f"(valid {certificate.not_valid_before_utc.isoformat()} to {certificate.not_valid_after_utc.isoformat()})")


def _valid_at(certificate: cx509.Certificate, when: datetime) -> bool:
    return certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc


def _issued_by(child: cx509.Certificate, parent: cx509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(certificate: cx509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(cx509.BasicConstraints).value.ca)
    except cx509.ExtensionNotFound:
        return False


def _chains_to(signer: cx509.Certificate, carried: list[cx509.Certificate], anchors: list[cx509.Certificate], when: datetime) -> bool:
    """Whether ``signer`` is a configured certificate, or is issued by one directly or
    through CA certificates from the token (each valid at ``when``)."""
    current, used = signer, 0
    while True:
        for anchor in anchors:
            if current == anchor or _issued_by(current, anchor):
                return True
        if used >= MAX_CHAIN:
            return False
        step = next((c for c in carried if c != current and _is_ca(c) and _valid_at(c, when) and _issued_by(current, c)), None)
        if step is None:
            return False
        current, used = step, used + 1


def _hash(name: str, data: bytes) -> bytes:
    h = hashes.Hash(_HASHES[name]())
    h.update(data)
    return h.finalize()


def _der(tag: int, contents: bytes) -> bytes:
    """A DER TLV with a one-byte tag (re-tagging the [0] IMPLICIT signed attributes as
    the SET OF they are signed as, over their bytes as received)."""
    size = len(contents)
    if size < 0x80:
        return bytes([tag, size]) + contents
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + contents
