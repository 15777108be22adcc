"""What the workspace holds while it runs: the case store (one, shared by every
request), the accounts, the scan workers, and where scans get their answers (the
settings, or the demo world)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..accounts import Accounts
from ..dossier import Dossier
from ..store import CaseStore, StoreLocation
from ._jobs import Jobs


@dataclass
class WebConfig:
    """How ``bibobscan serve`` (or a test) starts the workspace."""

    location: StoreLocation
    demo: bool = False
    config: Path | None = None  # the settings file (None: the usual places)
    archive: Path | None = None  # the archive folder for "vastleggen en verzegelen" (None: <data>/archief)
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    workers: int = 4  # scans at once; the rest wait in line
    keep_raw_bodies: bool = False
    # where a demo scan gets its answers (None: the demo world's replay transport); the
    # seam tests use to make a source fail, like httpx's MockTransport
    demo_transport: Callable[[], httpx.AsyncBaseTransport] | None = None


@dataclass
class Workspace:
    config: WebConfig
    store: CaseStore
    dossier: Dossier
    accounts: Accounts
    jobs: Jobs
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, config: WebConfig) -> Workspace:
        store = CaseStore.open(config.location, create=True)
        return cls(config, store, Dossier(store, keep_raw_bodies=config.keep_raw_bodies), Accounts(store), Jobs(config.workers))

    @property
    def archive_path(self) -> Path:
        return self.config.archive or (self.config.location.data_dir / "archief")

    def close(self) -> None:
        self.jobs.shutdown(wait=True)
        self.store.close()
