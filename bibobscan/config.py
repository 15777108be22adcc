"""Settings: a TOML file plus environment variables for keys.

Lookup order for the file: ``--config FILE``, ``$BIBOBSCAN_CONFIG``, ``./bibobscan.toml``,
``~/.config/bibobscan/config.toml``. Layout::

    [http]
    timeout = 15          # seconds per request
    connect_timeout = 5   # seconds to connect
    source_timeout = 60   # seconds per source, all its requests together
    max_bytes = 5000000   # body size cap
    retries = 2           # also: backoff, max_retry_after, max_redirects

    [sources.kvk]
    api_key = "..."       # or env KVK_API_KEY
    environment = "test"  # "production" (default) or "test"

    [store]               # the case store (docs/dossier.md)
    data = "/srv/bibobscan"          # data folder; also --data DIR and $BIBOBSCAN_DATA
    database = "postgresql+psycopg://bibob@db/bibob"  # default: SQLite in the data folder
    keep_raw_bodies = false          # keep raw responses in the archive at finalise
    max_body_bytes = 2000000         # cap per kept raw response

    [archive]             # sealing (bibobscan archive ...)
    tsa_url = "https://tsa.example/tsr"   # optional RFC 3161 time-stamping authority
    tsa_certificate = "/etc/bibobscan/tsa.pem"  # its certificate, to verify the tokens

Environment variables named by each collector's ``env`` mapping win over the file,
so keys need not be written to disk.

A typo is an error, never silently ignored: an unknown key in ``[http]``, a
``[sources.<id>]`` table for no registered collector, or a key a collector does not read
(its ``options``) is a ConfigError naming it and the nearest valid name.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._netguard import named_hosts
from .errors import ConfigError
from .http import HttpSettings

if TYPE_CHECKING:
    from .collectors import Collector


# [store] and [archive] keys and the type each must have (checked in settings_from_mapping).
STORE_KEYS: dict[str, type | tuple[type, ...]] = {"data": str, "database": str, "keep_raw_bodies": bool, "max_body_bytes": int}
ARCHIVE_KEYS: dict[str, type | tuple[type, ...]] = {"tsa_url": str, "tsa_certificate": str}


@dataclass
class Settings:
    http: HttpSettings = field(default_factory=HttpSettings)
    source_timeout: float = 60.0
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    store: dict[str, Any] = field(default_factory=dict)  # [store]: see STORE_KEYS
    archive: dict[str, Any] = field(default_factory=dict)  # [archive]: see ARCHIVE_KEYS

    def source_config(self, source_id: str, env_map: Mapping[str, str], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The settings of one source: its TOML table, then its environment variables."""
        env = os.environ if environ is None else environ
        merged = dict(self.sources.get(source_id, {}))
        for key, var in env_map.items():
            value = env.get(var)
            if value:
                merged[key] = value
        return merged

    def named_hosts(self, collectors: Iterable[Collector], environ: Mapping[str, str] | None = None) -> frozenset[str]:
        """The hosts of every URL a source's settings name (file or environment): the
        only hosts the HTTP layer may ask at a local or private address."""
        return named_hosts([self.sources, *(self.source_config(c.id, c.env, environ) for c in collectors)])


def default_paths() -> list[Path]:
    paths = []
    if os.environ.get("BIBOBSCAN_CONFIG"):
        paths.append(Path(os.environ["BIBOBSCAN_CONFIG"]))
    paths.append(Path.cwd() / "bibobscan.toml")
    paths.append(Path.home() / ".config" / "bibobscan" / "config.toml")
    return paths


def load_settings(path: Path | None = None, collectors: Sequence[Collector] | None = None) -> Settings:
    """Read the settings file; an explicit path that is missing or broken is an error.

    ``[sources.<id>]`` tables are checked against ``collectors`` (default: every
    registered collector, see :func:`validate_sources`), so a typo is an error instead of
    a source that silently runs without its settings.
    """
    explicit = path
    if explicit is None and os.environ.get("BIBOBSCAN_CONFIG"):
        explicit = Path(os.environ["BIBOBSCAN_CONFIG"])
        if not explicit.is_file():
            raise ConfigError(f"settings file {explicit} (from $BIBOBSCAN_CONFIG) does not exist")
    candidates = [explicit] if explicit is not None else default_paths()
    for candidate in candidates:
        if candidate.is_file():
            settings = settings_from_toml(candidate)
            if settings.sources:
                if collectors is None:
                    from .collectors import load_collectors

                    collectors = load_collectors()
                validate_sources(settings, collectors)
            return settings
        if explicit is not None:
            raise ConfigError(f"settings file {candidate} does not exist")
    return Settings()


def settings_from_toml(path: Path) -> Settings:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"settings file {path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        line = text_line(exc.object, exc.start)
        raise ConfigError(f"settings file {path}: not UTF-8 text (line {line}); save it as UTF-8") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path}: {exc}") from exc
    return settings_from_mapping(data, path=path)


def text_line(raw: bytes, offset: int) -> int:
    """The 1-based line of byte ``offset`` in ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


# [http] keys: HttpSettings fields a settings file may set, and whether 0 is allowed.
_HTTP_FIELDS: dict[str, bool] = {
    "timeout": False,
    "connect_timeout": False,
    "max_bytes": False,
    "retries": True,
    "backoff": True,
    "max_retry_after": True,
    "max_redirects": True,
}
HTTP_KEYS: tuple[str, ...] = (*_HTTP_FIELDS, "source_timeout")


def _did_you_mean(word: str, known: Iterable[str], quote: Callable[[str], str] = repr) -> str:
    nearest = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {quote(nearest[0])}?" if nearest else ""


def _number(where: str, key: str, value: Any, *, zero_ok: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not zero_ok):
        kind = "non-negative" if zero_ok else "positive"
        raise ConfigError(f"{where}: http.{key} must be a {kind} number, got {value!r}")
    return value


def settings_from_mapping(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    where = str(path) if path else "settings"
    unknown = sorted(set(data) - {"http", "sources", "store", "archive"})
    if unknown:
        hint = _did_you_mean(unknown[0], ("http", "sources", "store", "archive"))
        raise ConfigError(f"{where}: unknown top-level key(s): {', '.join(unknown)}{hint} (known: [http], [sources.<id>], [store], [archive])")
    http_table = data.get("http", {})
    if not isinstance(http_table, dict):
        raise ConfigError(f"{where}: [http] must be a table")
    for key in http_table:
        if key not in HTTP_KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r} in [http]{_did_you_mean(key, HTTP_KEYS)} (known keys: {', '.join(HTTP_KEYS)})"
            )
    http = HttpSettings()
    for key, zero_ok in _HTTP_FIELDS.items():
        if key in http_table:
            value = _number(where, key, http_table[key], zero_ok=zero_ok)
            setattr(http, key, type(getattr(http, key))(value))
    source_timeout = _number(where, "source_timeout", http_table.get("source_timeout", 60.0), zero_ok=False)
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, dict) for v in sources.values()):
        raise ConfigError(f"{where}: [sources.<id>] entries must be tables")
    store = _table(where, data, "store", STORE_KEYS)
    archive = _table(where, data, "archive", ARCHIVE_KEYS)
    return Settings(http=http, source_timeout=float(source_timeout), sources={k: dict(v) for k, v in sources.items()}, path=path,
                    store=store, archive=archive)


def _table(where: str, data: Mapping[str, Any], name: str, known: Mapping[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """A flat settings table whose keys and value types are known: a typo or a wrong type
    is a ConfigError naming the key."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r} in [{name}]{_did_you_mean(key, known)} (known keys: {', '.join(known)})")
        want = known[key]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            kind = want.__name__ if isinstance(want, type) else " or ".join(t.__name__ for t in want)
            raise ConfigError(f"{where}: [{name}] {key} must be a {kind}, got {value!r}")
    return dict(table)


def validate_sources(settings: Settings, collectors: Iterable[Collector]) -> None:
    """Every ``[sources.<id>]`` table names a registered collector and only keys it reads
    (its ``options``); otherwise a ConfigError naming the table, the key and the nearest
    valid name. Environment variables need no check: only known ones are read."""
    where = str(settings.path) if settings.path else "settings"
    by_id = {c.id: c for c in collectors}
    for source_id, table in settings.sources.items():
        collector = by_id.get(source_id)
        if collector is None:
            hint = _did_you_mean(source_id, by_id, quote=lambda s: f"[sources.{s}]")
            raise ConfigError(
                f"{where}: unknown source [sources.{source_id}]{hint} (registered sources: {', '.join(sorted(by_id)) or 'none'})"
            )
        options = collector.options
        for key in table:
            if key not in options:
                reads = f"it reads: {', '.join(options)}" if options else "it has no settings"
                raise ConfigError(
                    f"{where}: unknown key {key!r} in [sources.{source_id}]{_did_you_mean(key, options)} ({reads})"
                )
