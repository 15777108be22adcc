"""The sealed archive: one BagIt bag per finalised report version, an append-only hash
chain over them, verification, listing, and destruction with tombstones
(docs/archive.md)."""

from ._archive import Archive, BagSummary, Problem, SealedBag, VerifyResult
from ._bag import BagInfo, safe_name
from ._chain import CHAIN_FILE, GENESIS, entry_hash, read_chain
from ._payload import payload_from_report

__all__ = [
    "CHAIN_FILE",
    "GENESIS",
    "Archive",
    "BagInfo",
    "BagSummary",
    "Problem",
    "SealedBag",
    "VerifyResult",
    "entry_hash",
    "payload_from_report",
    "read_chain",
    "safe_name",
]
