"""What a sector scan looks for: a preset (or custom SBI codes and OSM tags) in an area.

Command-line input is checked here, before any request: an unknown preset or
municipality, a malformed postcode, SBI code or OSM tag is a UsageError that says what
is accepted (and, for names, the nearest valid ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..errors import UsageError
from ..model import Municipality, SectorSpec, Subject, SubjectKind
from ..municipalities import LIST_YEAR, all_municipalities, resolve_municipality
from .presets import OSM_TOKEN, SBI_VERSIONS, Preset, effective_sbi_version, resolve_preset

_POSTCODE = re.compile(r"^[1-9][0-9]{3}(?:[A-Z]{2})?$")  # PC4 or PC6
_SBI = re.compile(r"^[0-9]{2,5}$")
_CODE = re.compile(r"^(?:gm)?\s*([0-9]+)$", re.IGNORECASE)


def resolve_area(value: str) -> Municipality:
    """A municipality by name or CBS code. Input that looks like a code ("9999",
    "GM9999") but is not on the CBS list is refused as a code, with the nearest codes
    (never names that merely look alike)."""
    match = _CODE.match(value.strip())
    if match:
        number = int(match.group(1))
        known = all_municipalities()
        if not any(int(m.code[2:]) == number for m in known):
            nearest = sorted(known, key=lambda m: (abs(int(m.code[2:]) - number), m.code))[:5]
            raise UsageError(
                f"--municipality {value.strip()!r} is not a CBS municipality code (CBS list {LIST_YEAR}: "
                "GM followed by four digits, e.g. GM0855 for Tilburg); nearest codes: "
                + ", ".join(f"{m.code} ({m.name})" for m in sorted(nearest, key=lambda m: m.code))
            )
    return resolve_municipality(value)


@dataclass(frozen=True, slots=True)
class SectorDefinition:
    """A resolved sector scan request. ``sbi_codes`` (``--sbi``) replace the preset's SBI
    codes; they are prefixes of SBI version ``sbi_version``."""

    municipality: Municipality
    preset: Preset | None = None
    sbi_codes: tuple[str, ...] = ()
    sbi_version: str = "2025"
    osm_tags: tuple[dict[str, str], ...] = ()
    postcodes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.preset is not None:
            return self.preset.label
        return "SBI " + ", ".join(self.sbi_codes) if self.sbi_codes else "eigen selectie"

    @property
    def slug(self) -> str:
        return self.preset.id if self.preset is not None else "sbi-" + "-".join(self.sbi_codes or ("eigen",))

    @property
    def tags(self) -> tuple[dict[str, str], ...]:
        if self.osm_tags:
            return self.osm_tags
        return self.preset.osm_tags if self.preset is not None else ()

    @property
    def name_regex(self) -> str | None:
        return self.preset.osm_name_regex if self.preset is not None else None

    def spec(self) -> SectorSpec:
        if self.sbi_codes:
            codes = list(self.sbi_codes)
        elif self.preset is not None:
            codes = self.preset.sbi_codes(self.sbi_version)
        else:
            codes = []
        return SectorSpec(
            preset=self.preset.id if self.preset is not None else None,
            sbi_codes=codes,
            sbi_version=self.sbi_version,
            osm_tags=[dict(t) for t in self.tags],
            postcodes=list(self.postcodes),
        )

    def subject(self) -> Subject:
        return Subject(
            kind=SubjectKind.SECTOR,
            name=f"{self.label} in {self.municipality.name}",
            municipality=self.municipality,
            sector=self.spec(),
        )

    def in_sector(self, code: str, version: str, retrieved_on: date) -> bool | None:
        """Does a register SBI code belong to this sector? None when it cannot be told
        (``--sbi`` codes of another SBI version than the register's code)."""
        digits = str(code).replace(".", "").strip()
        if not digits:
            return None
        actual = effective_sbi_version(str(version), retrieved_on)
        if self.sbi_codes:
            if actual != self.sbi_version:
                return None
            return any(digits.startswith(c) for c in self.sbi_codes)
        if self.preset is not None:
            return self.preset.matches_sbi(digits, actual)
        return None

    def in_area(self, postcode: str) -> bool:
        """Whether an establishment with ``postcode`` is inside the postcode narrowing.
        Without narrowing everything is; with it, an establishment without a postcode is not."""
        if not self.postcodes:
            return True
        pc = "".join(str(postcode).split()).upper()
        if not pc:
            return False
        return any(pc == p if len(p) == 6 else pc.startswith(p) for p in self.postcodes)


def _comma_list(text: str | None, option: str, clean: Callable[[str], str], valid: re.Pattern[str], what: str, example: str) -> tuple[str, ...]:
    """A comma-separated option value as its ``clean``ed items, in order, without repeats
    or empty items; UsageError when an item does not match ``valid`` or none is left."""
    if text is None:
        return ()
    out: list[str] = []
    for part in text.split(","):
        item = clean(part)
        if not item:
            continue
        if not valid.match(item):
            raise UsageError(f"{option}: {part.strip()!r} is not {what}")
        if item not in out:
            out.append(item)
    if not out:
        raise UsageError(f"{option} is empty; give for example {example}")
    return tuple(out)


def parse_postcodes(text: str | None) -> tuple[str, ...]:
    """"5038, 5011 AB" -> ("5038", "5011AB"); UsageError on anything else."""
    return _comma_list(
        text, "--postcodes", lambda part: "".join(part.split()).upper(), _POSTCODE,
        "a postcode (use 5038 or 5038ZK, comma-separated)", "5038,5011AB",
    )


def parse_sbi(text: str | None) -> tuple[str, ...]:
    """"96021, 9602" -> ("96021", "9602"): SBI codes as text (leading zeros kept)."""
    return _comma_list(
        text, "--sbi", lambda part: part.strip().replace(".", ""), _SBI,
        "an SBI code (2 to 5 digits, comma-separated)", "96021,9602",
    )


def parse_osm_tags(values: list[str] | None) -> tuple[dict[str, str], ...]:
    """["shop=hairdresser", "amenity=car_wash"] -> ({"shop": "hairdresser"}, ...);
    "key=*" means the key is present; "a=b+c=d" is one filter with two tags."""
    filters: list[dict[str, str]] = []
    for value in values or []:
        pairs: dict[str, str] = {}
        for part in value.split("+"):
            key, sep, val = part.strip().partition("=")
            key, val = key.strip(), val.strip()
            if not sep or not OSM_TOKEN.match(key) or not (val == "*" or OSM_TOKEN.match(val)):
                raise UsageError(f"--osm-tag {value!r}: use key=value (letters, digits, _ : . -), e.g. shop=hairdresser")
            pairs[key] = val
        filters.append(pairs)
    return tuple(filters)


def build_definition(
    preset: str | None,
    municipality: str,
    *,
    sbi: str | None = None,
    sbi_version: str = "2025",
    postcodes: str | None = None,
    osm_tags: list[str] | None = None,
) -> SectorDefinition:
    """Resolve command-line input into a definition; every mistake is a UsageError."""
    if sbi_version not in SBI_VERSIONS:
        raise UsageError(f"--sbi-version must be one of {', '.join(SBI_VERSIONS)}, got {sbi_version!r}")
    found = resolve_preset(preset) if preset else None
    codes = parse_sbi(sbi)
    tags = parse_osm_tags(osm_tags)
    if found is None and not codes:
        raise UsageError("give a sector PRESET (e.g. kappers) or --sbi CODES with --osm-tag KEY=VALUE")
    if found is None and not tags:
        raise UsageError(
            "a sector scan without a preset needs --osm-tag KEY=VALUE: KvK Zoeken cannot filter by SBI code "
            "or municipality, so establishments are discovered through OpenStreetMap"
        )
    return SectorDefinition(
        municipality=resolve_area(municipality),
        preset=found,
        sbi_codes=codes,
        sbi_version=sbi_version,
        osm_tags=tags,
        postcodes=parse_postcodes(postcodes),
    )
