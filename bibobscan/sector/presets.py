"""Sector (branche) presets: the bureau-editable ``data/sector_presets.yaml``.

A preset names a branche with its SBI codes (per SBI version, as strings) and its
OpenStreetMap tag filters. :func:`load_presets` reads and validates the file; every
validation error names the file, the preset and the field. :func:`resolve_preset`
turns a name from the command line into a preset, or raises a UsageError that lists
the nearest valid names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process

from ..errors import ConfigError, UsageError
from ..model import SectorSpec

SBI_VERSIONS = ("2008", "2025")
# KvK converted the Handelsregister to SBI 2025 over the weekend of 5-7 September 2025.
SBI_2025_SWITCH = date(2025, 9, 7)
MATCH_MODES = ("exact", "prefix")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# OSM keys/values end up inside an Overpass QL string: keep them to a safe alphabet.
OSM_TOKEN = re.compile(r"^[A-Za-z0-9_:.\-]+$")
# Name regexes end up inside an Overpass QL string too: no quotes, no backslashes.
NAME_REGEX = re.compile(r"^[\w \-|().?*+\[\]^$]+$")
_PRESET_KEYS = frozenset(
    {"id", "label", "description", "bibob_refs", "sbi", "sbi2025_verified", "sbi2025_note", "osm"}
)
_REQUIRED_KEYS = ("id", "label", "description", "sbi", "osm")


class PresetError(ConfigError):
    """A broken presets file. The message names the file, preset and field."""

    def __init__(self, message: str, *, file: str, preset: str | None = None, field: str | None = None) -> None:
        self.file = file
        self.preset = preset
        self.field = field
        self.reason = message
        parts = [file]
        if preset:
            parts.append(f"preset {preset}")
        if field:
            parts.append(f"field {field}")
        super().__init__(f"{' | '.join(parts)}: {message}")


@dataclass(frozen=True, slots=True)
class SbiList:
    """SBI codes of one version. ``match`` is "exact" or "prefix"."""

    version: str
    match: str
    codes: tuple[str, ...]

    def matches(self, code: str) -> bool:
        digits = code.replace(".", "").strip()
        if self.match == "prefix":
            return any(digits.startswith(c) for c in self.codes)
        return digits in self.codes


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    label: str  # Dutch, for the report
    description: str  # Dutch
    sbi: tuple[SbiList, ...]
    osm_tags: tuple[dict[str, str], ...]  # OR of AND-filters; value "*" = key present
    osm_name_regex: str | None = None
    sbi2025_verified: bool = False
    sbi2025_note: str = ""
    bibob_refs: tuple[str, ...] = field(default_factory=tuple)

    def sbi_codes(self, version: str) -> list[str]:
        """All codes of ``version`` ("2008" or "2025"), in file order."""
        return [c for lst in self.sbi if lst.version == version for c in lst.codes]

    def matches_sbi(self, code: str, version: str) -> bool:
        """Whether a register SBI code of ``version`` belongs to this branche.

        A code whose version is unknown is tried against both versions, which can give
        false hits: 4781x is market trade in SBI 2008 but car retail in SBI 2025. Pass
        :func:`effective_sbi_version` when the retrieval date is known."""
        versions = SBI_VERSIONS if version not in SBI_VERSIONS else (version,)
        return any(lst.matches(code) for lst in self.sbi if lst.version in versions)

    def sector_spec(self, *, sbi_version: str = "2008", postcodes: list[str] | None = None) -> SectorSpec:
        """A SectorSpec for this preset (SectorSpec holds one SBI version)."""
        if sbi_version not in SBI_VERSIONS:
            raise UsageError(f"SBI version must be one of {', '.join(SBI_VERSIONS)}, got {sbi_version!r}")
        return SectorSpec(
            preset=self.id,
            sbi_codes=self.sbi_codes(sbi_version),
            sbi_version=sbi_version,
            osm_tags=[dict(t) for t in self.osm_tags],
            postcodes=list(postcodes or []),
        )


def effective_sbi_version(version: str, retrieved_on: date) -> str:
    """The SBI version of a KvK code: its declared version, else (a 5-digit code the
    register does not label) SBI 2025 when retrieved on or after the switch, SBI 2008
    before. A 4-digit code is always SBI 2008 (SBI 2025 codes have 5 digits)."""
    if version in SBI_VERSIONS:
        return version
    return "2025" if retrieved_on >= SBI_2025_SWITCH else "2008"


def default_path() -> Path:
    return Path(str(files("bibobscan").joinpath("data/sector_presets.yaml")))


def load_presets(path: Path | str | None = None) -> dict[str, Preset]:
    """Read and validate the presets file; presets by id, in file order."""
    where = Path(path) if path is not None else default_path()
    name = str(where)
    try:
        text = where.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresetError(f"cannot read the presets file: {exc.strerror or exc}", file=name) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PresetError(f"not valid YAML: {exc}", file=name) from exc
    if not isinstance(data, dict) or not isinstance(data.get("presets"), list):
        raise PresetError("the file must be a mapping with a list 'presets'", file=name)
    presets: dict[str, Preset] = {}
    for index, node in enumerate(data["presets"]):
        preset = _preset(node, index, name)
        if preset.id in presets:
            raise PresetError("duplicate id", file=name, preset=preset.id, field="id")
        presets[preset.id] = preset
    if not presets:
        raise PresetError("the file defines no presets", file=name)
    return presets


def resolve_preset(name: str, presets: Mapping[str, Preset] | None = None) -> Preset:
    """The preset called ``name`` (case-insensitive; "-" and spaces count as "_")."""
    available = presets if presets is not None else load_presets()
    key = "_".join(name.strip().casefold().replace("-", " ").split())
    found = available.get(key)
    if found is not None:
        return found
    for preset in available.values():  # the Dutch label works too ("Kappers en barbershops")
        if preset.label.casefold() == name.strip().casefold():
            return preset
    ids = list(available)
    nearest = [n for n, _score, _i in process.extract(key or name, ids, limit=3)]
    raise UsageError(f"unknown sector preset {name!r}; nearest: {', '.join(nearest)} (all: {', '.join(ids)})")


# --- validation --------------------------------------------------------------------


def _preset(node: Any, index: int, file: str) -> Preset:
    label = f"#{index + 1}"
    if not isinstance(node, dict):
        raise PresetError("each preset must be a mapping", file=file, preset=label)
    pid = node.get("id")
    if isinstance(pid, str) and pid:
        label = pid
    unknown = sorted(str(k) for k in set(node) - _PRESET_KEYS)
    if unknown:
        raise PresetError(f"unknown key(s): {', '.join(unknown)}", file=file, preset=label, field=unknown[0])
    for key in _REQUIRED_KEYS:
        if key not in node:
            raise PresetError("missing", file=file, preset=label, field=key)
    if not isinstance(pid, str) or not _ID.match(pid):
        raise PresetError("must be lower-case letters, digits and _ (e.g. kappers)", file=file, preset=label, field="id")
    text = {k: _text(node, k, file, pid) for k in ("label", "description")}
    sbi = _sbi_lists(node["sbi"], file, pid)
    has_2025 = any(lst.version == "2025" for lst in sbi)
    verified = node.get("sbi2025_verified", False)
    if not isinstance(verified, bool):
        raise PresetError("must be true or false", file=file, preset=pid, field="sbi2025_verified")
    note = node.get("sbi2025_note", "")
    if not isinstance(note, str):
        raise PresetError("must be text", file=file, preset=pid, field="sbi2025_note")
    if has_2025 and not verified and not note.strip():
        raise PresetError(
            "unverified SBI 2025 codes need a note saying what is uncertain", file=file, preset=pid, field="sbi2025_note"
        )
    tags, regex = _osm(node["osm"], file, pid)
    refs = node.get("bibob_refs", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise PresetError("must be a list of indicator ids (text)", file=file, preset=pid, field="bibob_refs")
    return Preset(
        id=pid,
        label=text["label"],
        description=" ".join(text["description"].split()),
        sbi=sbi,
        osm_tags=tags,
        osm_name_regex=regex,
        sbi2025_verified=verified,
        sbi2025_note=" ".join(note.split()),
        bibob_refs=tuple(refs),
    )


def _text(node: dict[str, Any], key: str, file: str, pid: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PresetError("must be non-empty text", file=file, preset=pid, field=key)
    return value.strip()


def _sbi_lists(value: Any, file: str, pid: str) -> tuple[SbiList, ...]:
    if not isinstance(value, list) or not value:
        raise PresetError("must be a non-empty list of {version, match, codes}", file=file, preset=pid, field="sbi")
    lists: list[SbiList] = []
    for i, item in enumerate(value):
        where = f"sbi[{i}]"
        if not isinstance(item, dict):
            raise PresetError("must be a mapping with version, match and codes", file=file, preset=pid, field=where)
        unknown = sorted(str(k) for k in set(item) - {"version", "match", "codes"})
        if unknown:
            raise PresetError(f"unknown key(s): {', '.join(unknown)}", file=file, preset=pid, field=f"{where}.{unknown[0]}")
        version = item.get("version")
        if not isinstance(version, str) or version not in SBI_VERSIONS:
            raise PresetError(
                f"must be the text \"2008\" or \"2025\", got {version!r}", file=file, preset=pid, field=f"{where}.version"
            )
        match = item.get("match", "exact")
        if match not in MATCH_MODES:
            raise PresetError(f"must be exact or prefix, got {match!r}", file=file, preset=pid, field=f"{where}.match")
        codes = item.get("codes")
        if not isinstance(codes, list) or not codes:
            raise PresetError("must be a non-empty list of SBI codes", file=file, preset=pid, field=f"{where}.codes")
        checked = tuple(_code(c, version, match, file, pid, f"{where}.codes[{j}]") for j, c in enumerate(codes))
        lists.append(SbiList(version=version, match=str(match), codes=checked))
    return tuple(lists)


def _code(code: Any, version: str, match: str, file: str, pid: str, where: str) -> str:
    if not isinstance(code, str):
        raise PresetError(
            f"SBI code {code!r} must be quoted text (\"{code}\"): leading zeros matter", file=file, preset=pid, field=where
        )
    if not code.isdigit() or not 2 <= len(code) <= 5:
        raise PresetError(f"SBI code {code!r} must be 2 to 5 digits", file=file, preset=pid, field=where)
    if version == "2025" and match == "exact" and len(code) != 5:
        raise PresetError(
            f"SBI 2025 codes have 5 digits; use match: prefix for {code!r}", file=file, preset=pid, field=where
        )
    return code


def _osm(value: Any, file: str, pid: str) -> tuple[tuple[dict[str, str], ...], str | None]:
    if not isinstance(value, dict):
        raise PresetError("must be a mapping with tags (and optional name_regex)", file=file, preset=pid, field="osm")
    unknown = sorted(str(k) for k in set(value) - {"tags", "name_regex"})
    if unknown:
        raise PresetError(f"unknown key(s): {', '.join(unknown)}", file=file, preset=pid, field=f"osm.{unknown[0]}")
    tags = value.get("tags")
    if not isinstance(tags, list) or not tags:
        raise PresetError("must be a non-empty list of {key: value} filters", file=file, preset=pid, field="osm.tags")
    filters: list[dict[str, str]] = []
    for i, item in enumerate(tags):
        where = f"osm.tags[{i}]"
        if not isinstance(item, dict) or not item:
            raise PresetError("must be a mapping such as {shop: hairdresser}", file=file, preset=pid, field=where)
        pairs: dict[str, str] = {}
        for k, v in item.items():
            if not isinstance(k, str) or not OSM_TOKEN.match(k):
                raise PresetError(f"invalid OSM key {k!r}", file=file, preset=pid, field=where)
            if not isinstance(v, str) or not (v == "*" or OSM_TOKEN.match(v)):
                raise PresetError(f"invalid OSM value {v!r} for {k} (use text or \"*\")", file=file, preset=pid, field=where)
            pairs[k] = v
        filters.append(pairs)
    regex = value.get("name_regex")
    if regex is not None:
        if not isinstance(regex, str) or not regex.strip() or not NAME_REGEX.match(regex):
            raise PresetError(
                "must be a simple regular expression (letters, digits, spaces, | ( ) ? . * + - [ ] ^ $)",
                file=file, preset=pid, field="osm.name_regex",
            )
        try:
            re.compile(regex)
        except re.error as exc:
            raise PresetError(f"not a valid regular expression: {exc}", file=file, preset=pid, field="osm.name_regex") from exc
    return tuple(filters), regex
