"""A small real RFC 3161 time-stamping authority for the tests: keys and certificates made
with ``cryptography``, TSTInfo and SignedData built with asn1crypto, the signed
attributes signed with ``cryptography``, served over HTTP on 127.0.0.1 (port 0) by
``http.server.ThreadingHTTPServer`` in a thread. ``LocalTsa.mode`` makes it misbehave."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from asn1crypto import cms, core, tsp, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class Issued:
    key: Key
    cert: cx509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(Encoding.PEM)

    def write(self, path: Path) -> Path:
        path.write_bytes(self.pem)
        return path


def new_key(kind: str = "rsa") -> Key:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" else ec.generate_private_key(ec.SECP256R1())


def _name(common: str) -> cx509.Name:
    return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, common), cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testgemeente")])


def make_ca(common: str = "Test Root CA", *, issuer: Issued | None = None, kind: str = "rsa") -> Issued:
    """A CA certificate: self-signed, or an intermediate issued by ``issuer``."""
    key = new_key(kind)
    now = datetime.now(UTC)
    builder = (cx509.CertificateBuilder().subject_name(_name(common))
               .issuer_name(issuer.cert.subject if issuer else _name(common))
               .public_key(key.public_key()).serial_number(cx509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
               .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return Issued(key, builder.sign(issuer.key if issuer else key, hashes.SHA256()))


def make_tsa(ca: Issued, *, kind: str = "rsa", common: str = "Test TSA", usage: list[cx509.ObjectIdentifier] | None = None,
             valid_days: tuple[int, int] = (-1, 365)) -> Issued:
    """A TSA certificate issued by ``ca``: extended key usage timeStamping (critical) unless
    ``usage`` says otherwise."""
    key = new_key(kind)
    now = datetime.now(UTC)
    builder = (cx509.CertificateBuilder().subject_name(_name(common)).issuer_name(ca.cert.subject)
               .public_key(key.public_key()).serial_number(cx509.random_serial_number())
               .not_valid_before(now + timedelta(days=valid_days[0])).not_valid_after(now + timedelta(days=valid_days[1]))
               .add_extension(cx509.ExtendedKeyUsage(usage or [ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
               .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


class _Resp(core.Sequence):  # TimeStampResp with the token OPTIONAL (a rejection carries none)
    _fields: ClassVar[list[tuple[Any, ...]]] = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def sign_token(tst_info: tsp.TSTInfo, signer: Issued, *, extra: list[cx509.Certificate] = (), include_certs: bool = True,  # type: ignore[assignment]
               by_key_id: bool = False) -> bytes:
    """A time-stamp token (DER ContentInfo of SignedData) over ``tst_info``."""
    tst_der = tst_info.dump()
    cert = x509.Certificate.load(signer.cert.public_bytes(Encoding.DER))
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": ["tst_info"]},
        {"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]},
        {"type": "signing_certificate_v2", "values": [{"certs": [{"cert_hash": hashlib.sha256(cert.dump()).digest()}]}]},
    ])
    to_sign = attrs.dump()  # the SET OF, as RFC 5652 5.4 signs it
    if isinstance(signer.key, rsa.RSAPrivateKey):
        signature, algorithm = signer.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256()), "sha256_rsa"
    else:
        signature, algorithm = signer.key.sign(to_sign, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"
    sid = ({"subject_key_identifier": cert.key_identifier} if by_key_id else
           {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}})
    signed: dict[str, Any] = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(tst_der)},
        "signer_infos": [{"version": "v3" if by_key_id else "v1", "sid": sid, "digest_algorithm": {"algorithm": "sha256"},
                          "signed_attrs": attrs, "signature_algorithm": {"algorithm": algorithm}, "signature": signature}],
    }
    if include_certs:
        signed["certificates"] = [cert, *(x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra)]
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed)}).dump())


@dataclass
class LocalTsa:
    """The TSA. ``mode``: "ok", "wrong_nonce", "wrong_imprint", "rejection", "html",
    "error500", "no_certs", "huge". ``requests`` keeps every TimeStampReq received."""

    signer: Issued
    extra: list[cx509.Certificate] = field(default_factory=list)
    mode: str = "ok"
    policy: str = "1.3.6.1.4.1.99999.1.1"
    serial: int = 0
    requests: list[Any] = field(default_factory=list)

    def answer(self, body: bytes) -> tuple[int, str, bytes]:
        if self.mode == "html":
            return 200, "text/html; charset=utf-8", b"<html><body>Welcome to nginx!</body></html>"
        if self.mode == "error500":
            return 500, "text/plain", b"internal error"
        if self.mode == "huge":
            return 200, "application/timestamp-reply", b"\x30" * 2_000_000
        request = tsp.TimeStampReq.load(body)
        self.requests.append(request)
        if self.mode == "rejection":
            status = {"status": "rejection", "status_string": ["unsupported algorithm"], "fail_info": tsp.PKIFailureInfo({"bad_alg"})}
            return 200, "application/timestamp-reply", _Resp({"status": status}).dump()
        self.serial += 1
        imprint = request["message_imprint"]
        if self.mode == "wrong_imprint":
            imprint = {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x00" * 32}
        nonce = request["nonce"].native
        if self.mode == "wrong_nonce":
            nonce = nonce + 1
        tst_info = tsp.TSTInfo({"version": "v1", "policy": self.policy, "message_imprint": imprint, "serial_number": self.serial,
                                "gen_time": datetime.now(UTC).replace(microsecond=0), "nonce": nonce})
        token = sign_token(tst_info, self.signer, extra=self.extra, include_certs=self.mode != "no_certs")
        response = _Resp({"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)})
        return 200, "application/timestamp-reply", response.dump()

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on 127.0.0.1 (a free port); yields the URL."""
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    code, kind, out = 415, "text/plain", b"wrong content type"
                else:
                    code, kind, out = tsa.answer(body)
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/tsr"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)
