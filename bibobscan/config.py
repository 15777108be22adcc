"""Settings: a TOML file plus environment variables for keys.

Lookup order for the file: ``--config FILE``, ``$BIBOBSCAN_CONFIG``, ``./bibobscan.toml``,
``~/.config/bibobscan/config.toml``. Layout::

    [http]
    timeout = 15          # seconds per request
    source_timeout = 60   # seconds per source, all its requests together
    max_bytes = 5000000

    [sources.kvk]
    api_key = "..."       # or env KVK_API_KEY
    environment = "test"  # "production" (default) or "test"

Environment variables named by each collector's ``env`` mapping win over the file,
so keys need not be written to disk.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .http import HttpSettings


@dataclass
class Settings:
    http: HttpSettings = field(default_factory=HttpSettings)
    source_timeout: float = 60.0
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def source_config(self, source_id: str, env_map: Mapping[str, str], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The settings of one source: its TOML table, then its environment variables."""
        env = os.environ if environ is None else environ
        merged = dict(self.sources.get(source_id, {}))
        for key, var in env_map.items():
            value = env.get(var)
            if value:
                merged[key] = value
        return merged


def default_paths() -> list[Path]:
    paths = []
    if os.environ.get("BIBOBSCAN_CONFIG"):
        paths.append(Path(os.environ["BIBOBSCAN_CONFIG"]))
    paths.append(Path.cwd() / "bibobscan.toml")
    paths.append(Path.home() / ".config" / "bibobscan" / "config.toml")
    return paths


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; an explicit path that is missing or broken is an error."""
    candidates = [path] if path is not None else default_paths()
    for candidate in candidates:
        if candidate.is_file():
            return settings_from_toml(candidate)
        if path is not None:
            raise ConfigError(f"settings file {candidate} does not exist")
    return Settings()


def settings_from_toml(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path}: {exc}") from exc
    return settings_from_mapping(data, path=path)


def settings_from_mapping(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    where = str(path) if path else "settings"
    http_table = data.get("http", {})
    if not isinstance(http_table, dict):
        raise ConfigError(f"{where}: [http] must be a table")
    http = HttpSettings()
    for key in ("timeout", "max_bytes", "retries", "backoff", "max_retry_after"):
        if key in http_table:
            value = http_table[key]
            if not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where}: http.{key} must be a non-negative number, got {value!r}")
            setattr(http, key, type(getattr(http, key))(value))
    source_timeout = http_table.get("source_timeout", 60.0)
    if not isinstance(source_timeout, (int, float)) or source_timeout <= 0:
        raise ConfigError(f"{where}: http.source_timeout must be a positive number")
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, dict) for v in sources.values()):
        raise ConfigError(f"{where}: [sources.<id>] entries must be tables")
    unknown = sorted(set(data) - {"http", "sources"})
    if unknown:
        raise ConfigError(f"{where}: unknown top-level key(s): {', '.join(unknown)}")
    return Settings(http=http, source_timeout=float(source_timeout), sources={k: dict(v) for k, v in sources.items()}, path=path)
