"""Where the case store lives: a data folder and a database URL.

The data folder is ``--data DIR``, else ``$BIBOBSCAN_DATA``, else ``[store] data`` in
the settings file, else ``$XDG_DATA_HOME/bibobscan`` (``~/.local/share/bibobscan``).
The database is ``--database URL``, else ``$BIBOBSCAN_DATABASE``, else ``[store]
database``, else the embedded SQLite file ``bibobscan.sqlite`` in the data folder —
no set-up needed. Demo runs (``--demo``) use ``demo.sqlite`` in the same folder unless a
database is named explicitly, so fictional cases never mix with real ones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

DATA_ENV = "BIBOBSCAN_DATA"
DATABASE_ENV = "BIBOBSCAN_DATABASE"
SQLITE_FILE = "bibobscan.sqlite"
DEMO_SQLITE_FILE = "demo.sqlite"


@dataclass(frozen=True, slots=True)
class StoreLocation:
    data_dir: Path
    url: str
    embedded: bool  # the SQLite file in the data folder
    demo: bool = False

    @property
    def shown(self) -> str:
        """The database as it may be printed: a server URL without its password."""
        if self.embedded:
            return str(Path(self.url.removeprefix("sqlite:///")))
        return redact(self.url)


def redact(url: str) -> str:
    """``url`` with the password (if any) replaced by ***."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bibobscan"


def locate(
    *,
    data: Path | None = None,
    database: str | None = None,
    store_settings: Mapping[str, Any] | None = None,
    demo: bool = False,
    environ: Mapping[str, str] | None = None,
) -> StoreLocation:
    env = os.environ if environ is None else environ
    settings = store_settings or {}
    data_dir = data or (Path(env[DATA_ENV]) if env.get(DATA_ENV) else None) or (Path(settings["data"]) if settings.get("data") else None)
    data_dir = (data_dir or default_data_dir(env)).expanduser()
    url = database or env.get(DATABASE_ENV) or settings.get("database")
    if url:
        if "://" not in url:
            raise UsageError(f"--database {url!r} is not a database URL (e.g. postgresql+psycopg://user@host/db or sqlite:///path/file.sqlite)")
        return StoreLocation(data_dir=data_dir, url=str(url), embedded=False, demo=demo)
    name = DEMO_SQLITE_FILE if demo else SQLITE_FILE
    return StoreLocation(data_dir=data_dir, url=f"sqlite:///{(data_dir / name).resolve()}", embedded=True, demo=demo)
