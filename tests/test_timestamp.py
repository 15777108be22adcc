"""RFC 3161 timestamps against a real local time-stamping authority (tests/_tsa.py):
the protocol (request, verify, every refusal named) and the archive's use of it (a seal
entry carries a token that ``verify`` checks again; a changed token is named)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from _tsa import Issued, LocalTsa, make_ca, make_tsa, sign_token
from asn1crypto import tsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from bibobscan.archive import Archive, BagInfo, timestamps
from bibobscan.archive._timestamp import request_timestamp, verify_timestamp
from bibobscan.errors import ArchiveError, TimestampError

DIGEST = hashlib.sha256(b"tag manifest").digest()


@pytest.fixture(scope="module")
def ca() -> Issued:
    return make_ca()


@pytest.fixture(scope="module")
def signer(ca: Issued) -> Issued:
    return make_tsa(ca)


@pytest.fixture
def tsa(signer: Issued) -> Iterator[tuple[LocalTsa, str]]:
    server = LocalTsa(signer)
    with server.serve() as url:
        yield server, url


def test_a_token_is_requested_and_verified(tsa: tuple[LocalTsa, str], ca: Issued) -> None:
    server, url = tsa
    token = request_timestamp(url, DIGEST, certificate_pem=ca.pem)
    assert server.requests and server.requests[0]["message_imprint"]["hashed_message"].native == DIGEST
    assert server.requests[0]["cert_req"].native is True
    assert "CN=Test TSA" in token.tsa and token.hash_algorithm == "sha256" and token.serial == 1
    assert abs((datetime.now(UTC) - token.gen_time).total_seconds()) < 60
    again = verify_timestamp(token.der, DIGEST, certificate_pem=ca.pem)
    assert again.gen_time == token.gen_time and again.policy == "1.3.6.1.4.1.99999.1.1"
    # pinned on the TSA certificate itself works too
    verify_timestamp(token.der, DIGEST, certificate_pem=server.signer.pem)


@pytest.mark.parametrize(("mode", "message"), [
    ("wrong_nonce", "nonce"),
    ("wrong_imprint", "message imprint does not match"),
    ("rejection", "refused the request: PKIStatus rejection"),
    ("html", "content type 'text/html'"),
    ("error500", "HTTP 500"),
    ("huge", "more than"),
])
def test_a_misbehaving_tsa_is_refused_by_name(tsa: tuple[LocalTsa, str], mode: str, message: str) -> None:
    server, url = tsa
    server.mode = mode
    with pytest.raises(TimestampError, match=message):
        request_timestamp(url, DIGEST)


def test_no_answer_is_named() -> None:
    with pytest.raises(TimestampError, match="no answer from the TSA"):
        request_timestamp("http://127.0.0.1:9/tsr", DIGEST, timeout=2)


def test_a_digest_that_is_not_sha256_is_refused() -> None:
    with pytest.raises(TimestampError, match="32 bytes"):
        verify_timestamp(b"", b"short")


def _tst(digest: bytes = DIGEST) -> tsp.TSTInfo:
    return tsp.TSTInfo({"version": "v1", "policy": "1.2.3", "serial_number": 7,
                        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
                        "gen_time": datetime.now(UTC).replace(microsecond=0)})


def test_a_token_for_another_digest_does_not_verify(signer: Issued) -> None:
    token = sign_token(_tst(), signer)
    with pytest.raises(TimestampError, match="imprint does not match"):
        verify_timestamp(token, hashlib.sha256(b"other").digest())


def test_a_changed_byte_in_the_token_is_named(signer: Issued) -> None:
    token = bytearray(sign_token(_tst(), signer))
    token[-5] ^= 0x01  # inside the signature value
    with pytest.raises(TimestampError, match="signature does not verify"):
        verify_timestamp(bytes(token), DIGEST)


def test_garbage_is_not_a_token() -> None:
    with pytest.raises(TimestampError, match="not a valid RFC 3161"):
        verify_timestamp(b"\x30\x03\x02\x01\x01", DIGEST)


def test_a_tsa_outside_the_configured_certificate_is_refused(signer: Issued) -> None:
    stranger = make_ca("Ander CA")
    with pytest.raises(TimestampError, match="not the configured tsa_certificate"):
        verify_timestamp(sign_token(_tst(), signer), DIGEST, certificate_pem=stranger.pem)


def test_an_intermediate_carried_in_the_token_links_to_the_root() -> None:
    root = make_ca("Wortel")
    middle = make_ca("Tussen", issuer=root)
    leaf = make_tsa(middle, kind="ec")
    token = sign_token(_tst(), leaf, extra=[middle.cert], by_key_id=True)
    assert "CN=Test TSA" in verify_timestamp(token, DIGEST, certificate_pem=root.pem).tsa
    # without the intermediate the chain does not reach the root
    with pytest.raises(TimestampError, match="not the configured"):
        verify_timestamp(sign_token(_tst(), leaf, by_key_id=True), DIGEST, certificate_pem=root.pem)


def test_a_certificate_not_for_time_stamping_is_refused(ca: Issued) -> None:
    wrong = make_tsa(ca, usage=[ExtendedKeyUsageOID.CODE_SIGNING])
    with pytest.raises(TimestampError, match="not for time-stamping"):
        verify_timestamp(sign_token(_tst(), wrong), DIGEST)


def test_a_certificate_expired_at_the_token_time_is_refused(ca: Issued) -> None:
    old = make_tsa(ca, valid_days=(-30, -1))
    with pytest.raises(TimestampError, match="not valid at the token's time"):
        verify_timestamp(sign_token(_tst(), old), DIGEST)


def test_a_token_without_certificates_needs_the_configured_one(signer: Issued) -> None:
    bare = sign_token(_tst(), signer, include_certs=False)
    with pytest.raises(TimestampError, match="does not carry the TSA's certificate"):
        verify_timestamp(bare, DIGEST)
    verify_timestamp(bare, DIGEST, certificate_pem=signer.pem)


# --- the archive ------------------------------------------------------------------------

def _info() -> BagInfo:
    return BagInfo(case_id="Z-2026/TS", report_version=1, subject="Jan Voorbeeld", retention_until=date(2031, 1, 1),
                   confidentiality="Vertrouwelijk - Wet Bibob art. 28", sealed_by="archivaris",
                   sealed_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC), tool_version="0.1.0", report_digest="ab" * 32,
                   raw_bodies="kept", authority="burgemeester van Voorbeeldstad")


def test_a_sealed_bag_carries_a_token_that_verify_checks(tsa: tuple[LocalTsa, str], ca: Issued, tmp_path: Path) -> None:
    _server, url = tsa
    pem = ca.write(tmp_path / "tsa.pem")
    archive = Archive(tmp_path / "archief", timestamper=timestamps.timestamper(url, pem), timestamp_check=timestamps.checker(pem))
    archive.put({"report.json": b"{}", "report.html": b"<html></html>"}, _info(), by="archivaris")
    seal = json.loads(archive.chain_path.read_text(encoding="utf-8").splitlines()[0])
    stamp = seal["timestamp"]
    assert stamp["url"] == url and stamp["hash_algorithm"] == "sha256" and "CN=Test TSA" in stamp["tsa"]
    assert verify_timestamp(base64.b64decode(stamp["token"]), bytes.fromhex(seal["tagmanifest_sha256"]),
                            certificate_pem=ca.pem).serial == stamp["serial"]
    assert archive.verify().problems == []

    # a token swapped for one over another digest, chain re-hashed or not: verify names it
    other = sign_token(_tst(hashlib.sha256(b"ander").digest()), _server.signer)
    lines = archive.chain_path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[0])
    entry["timestamp"]["token"] = base64.b64encode(other).decode("ascii")
    archive.chain_path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    problems = [p.what for p in archive.verify().problems]
    assert any("timestamp token does not verify" in p and "imprint does not match" in p for p in problems), problems


def test_a_tsa_that_fails_refuses_the_sealing_and_leaves_the_archive_as_it_was(tsa: tuple[LocalTsa, str], tmp_path: Path) -> None:
    server, url = tsa
    server.mode = "rejection"
    archive = Archive(tmp_path / "archief", timestamper=timestamps.timestamper(url))
    with pytest.raises(ArchiveError, match="gave no valid token, the archive is as it was"):
        archive.put({"report.json": b"{}"}, _info(), by="archivaris")
    assert archive.bags() == []
    assert not list((tmp_path / "archief" / "bags").glob("*")) if (tmp_path / "archief" / "bags").exists() else True


def test_an_unreadable_tsa_certificate_is_named(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="tsa_certificate .*cannot read it"):
        timestamps.timestamper("http://127.0.0.1:9/tsr", tmp_path / "ontbreekt.pem")
