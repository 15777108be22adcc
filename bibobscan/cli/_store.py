"""Options and helpers every command that uses the case store shares."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError

if TYPE_CHECKING:
    from ..dossier import Dossier
    from ..store import CaseStore

DataOpt = Annotated[Path | None, typer.Option("--data", help="Data folder of the case store (default $BIBOBSCAN_DATA, else ~/.local/share/bibobscan).")]
DatabaseOpt = Annotated[str | None, typer.Option("--database", help="Database URL instead of the embedded SQLite file, e.g. postgresql+psycopg://user@host/db (or $BIBOBSCAN_DATABASE).")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who does this (default $BIBOBSCAN_USER, else the login name); recorded in the audit log.")]
USER_ENV = "BIBOBSCAN_USER"
MAX_ACTOR = 200


def actor(by: str | None) -> str:
    """The person acting: ``--by``, else ``$BIBOBSCAN_USER``, else the login name."""
    name = by if by is not None else os.environ.get(USER_ENV) or _login()
    name = " ".join(name.split())
    if not name:
        raise UsageError("--by may not be empty: every action in a case file records who did it")
    if len(name) > MAX_ACTOR:
        raise UsageError(f"--by is {len(name)} characters; at most {MAX_ACTOR}")
    return name


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        return ""


@dataclass(frozen=True, slots=True)
class StoreArgs:
    """The options every case command shares (see ``_app.with_args``)."""

    demo: Annotated[bool, typer.Option("--demo", help="The demo store (fictional cases of the demo world).")] = False
    data: DataOpt = None
    database: DatabaseOpt = None
    by: ByOpt = None

    def dossier(self, *, create: bool = False) -> Dossier:
        return open_dossier(self.data, self.database, demo=self.demo, create=create)

    @property
    def actor(self) -> str:
        return actor(self.by)


def open_store(data: Path | None, database: str | None, *, config: Path | None = None, demo: bool = False, create: bool = True) -> CaseStore:
    from ..config import load_settings
    from ..store import CaseStore, locate
    settings = load_settings(config)
    return CaseStore.open(locate(data=data, database=database, store_settings=settings.store, demo=demo), create=create)


def open_dossier(data: Path | None, database: str | None, *, config: Path | None = None, demo: bool = False, create: bool = True) -> Dossier:
    from ..config import load_settings
    from ..dossier import Dossier
    from ..store import CaseStore, locate
    settings = load_settings(config)
    store = CaseStore.open(locate(data=data, database=database, store_settings=settings.store, demo=demo), create=create)
    return Dossier(store, keep_raw_bodies=bool(settings.store.get("keep_raw_bodies", False)))
