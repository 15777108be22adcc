"""CBS StatLine open data: inhabitants of the municipality (and of the Netherlands).

The sector scan needs the population for "establishments per 10,000 inhabitants".
Source: CBS OData v3 (``https://opendata.cbs.nl/ODataApi/odata``, no key, CC BY 4.0),
table **70072ned "Regionale kerncijfers Nederland"**, measure ``TotaleBevolking_1``
(total population on 1 January), dimension ``RegioS`` (``GM0855``, ``NL01``) ×
``Perioden`` (``2025JJ00``). ../shared/apis/cbs.md names this table for its ``RegioS``
gemeente list and ``TotaleBevolking_1`` as a measure column, but has no captured
response of it; the table id, measure and base URL are settings (``[sources.cbs]
table``, ``measure``, ``base_url``) so a newer table can be used without code changes.

One request fetches every yearly value of the municipality and of the Netherlands;
the latest year with a value for the municipality is used, and the national figure of
the same year (``national = false`` turns the baseline off). Keys and values are
space-padded in CBS answers and are stripped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ErrorInBody, MalformedResponse, NotConfigured, UpstreamError
from ..http import Fetched
from ..model import MAX_FIELD_TEXT, Evidence, Reliability, Subject, SubjectKind, clip
from ._base import CollectContext, Collected, Collector

DEFAULT_BASE = "https://opendata.cbs.nl/ODataApi/odata"
DEFAULT_TABLE = "70072ned"  # Regionale kerncijfers Nederland
DEFAULT_MEASURE = "TotaleBevolking_1"
NATIONAL_KEY = "NL01"
STATLINE_PAGE = "https://opendata.cbs.nl/#/CBS/nl/dataset/{table}/table"
_CODE = re.compile(r"^GM\d{4}$")
_IDENT = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True, slots=True)
class PopulationQuery:
    base: str
    table: str
    measure: str
    code: str  # "GM0855"
    national: bool

    @property
    def url(self) -> str:
        return f"{self.base}/{self.table}/TypedDataSet"

    def params(self) -> dict[str, str]:
        regions = f"trim(RegioS) eq '{self.code}'"
        if self.national:
            regions = f"({regions} or trim(RegioS) eq '{NATIONAL_KEY}')"
        return {
            "$filter": f"{regions} and substring(Perioden,4,2) eq 'JJ'",
            "$select": f"RegioS,Perioden,{self.measure}",
            "$format": "json",
        }

    def describe(self) -> str:
        p = self.params()
        return f"{self.url}?$filter={p['$filter']}&$select={p['$select']}"


def population_query(subject: Subject, config: Mapping[str, Any]) -> PopulationQuery:
    if subject.municipality is None:
        raise NotConfigured("geen gemeente opgegeven voor de branchescan", source="cbs")
    code = subject.municipality.code.strip().upper()
    if not _CODE.match(code):
        raise NotConfigured(f"ongeldige CBS-gemeentecode {subject.municipality.code!r} (verwacht GM + 4 cijfers)", source="cbs")
    table = str(config.get("table") or DEFAULT_TABLE)
    measure = str(config.get("measure") or DEFAULT_MEASURE)
    for name, value in (("table", table), ("measure", measure)):
        if not _IDENT.match(value):
            raise NotConfigured(f"[sources.cbs] {name} must be letters, digits and _, got {value!r}", source="cbs")
    national = config.get("national", True)
    return PopulationQuery(
        base=str(config.get("base_url") or DEFAULT_BASE).rstrip("/"),
        table=table,
        measure=measure,
        code=code,
        national=national is not False and str(national).strip().lower() not in ("false", "0", "no", "nee"),
    )


# --- parsing ---------------------------------------------------------------------------


def parse_rows(fetched: Fetched, measure: str, *, source: str = "cbs") -> dict[str, dict[str, int]]:
    """``{region key: {period code: value}}`` from a TypedDataSet answer; rows without
    a value (not yet published) are left out."""
    try:
        body: Any = json.loads(fetched.content)
    except ValueError:
        body = None
    error = _odata_error(body)
    if fetched.status_code != 200:
        detail = error or " ".join(fetched.text[:200].split()) or "(empty body)"
        raise UpstreamError(f"CBS HTTP {fetched.status_code}: {detail}", source=source, status_code=fetched.status_code)
    if error:
        raise ErrorInBody(f"CBS OData error: {error}", source=source)
    if not isinstance(body, dict):
        raise MalformedResponse("CBS answer is not a JSON object", source=source)
    rows = body.get("value")
    if not isinstance(rows, list):
        raise MalformedResponse("CBS answer has no 'value' list", source=source)
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        if not isinstance(row, dict):
            raise MalformedResponse("CBS answer has a row that is not an object", source=source)
        region = str(row.get("RegioS") or "").strip()
        period = str(row.get("Perioden") or "").strip()
        if not region or not period:
            raise MalformedResponse("CBS row without RegioS or Perioden", source=source)
        value = _number(row.get(measure), measure, source)
        if value is not None:
            table.setdefault(region, {})[period] = value
    return table


def _odata_error(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    error = body.get("odata.error") or body.get("error")
    if not isinstance(error, dict):
        return ""
    message = error.get("message")
    if isinstance(message, dict):  # v3: {"lang": "en-US", "value": "..."}
        message = message.get("value")
    code = error.get("code")
    text = " ".join(str(p) for p in (code, message) if p)
    return clip(text, MAX_FIELD_TEXT) or "unknown error"


def _number(value: Any, measure: str, source: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedResponse(f"CBS {measure} is not a number: {value!r}", source=source)
    if isinstance(value, (int, float)):
        return int(round(value))
    if isinstance(value, str):  # UntypedDataSet: padded strings, "." for missing
        text = value.strip()
        if text in ("", ".", "x", "-"):
            return None
        if text.isdigit():
            return int(text)
    raise MalformedResponse(f"CBS {measure} is not a number: {value!r}", source=source)


def _year(period_code: str) -> str:
    return period_code[:4]


def _dutch_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# --- the collector ------------------------------------------------------------------------


class CbsCollector(Collector):
    id: ClassVar[str] = "cbs"
    reliability: ClassVar[Reliability] = Reliability.STATISTICS
    default_endpoint: ClassVar[str] = DEFAULT_BASE
    title: ClassVar[str] = "CBS StatLine (bevolking)"
    covers: ClassVar[str] = (
        "Aantal inwoners van de gemeente en van Nederland op 1 januari (CBS Regionale "
        "kerncijfers), voor het aantal vestigingen per 10.000 inwoners."
    )
    licence: ClassVar[str] = "CBS open data, CC BY 4.0 (Bron: CBS); geen API-sleutel"
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.SECTOR})
    provides: ClassVar[frozenset[str]] = frozenset({"area.density"})
    options: ClassVar[tuple[str, ...]] = ("table", "measure", "national", "base_url")

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        try:
            return population_query(subject, config).describe()
        except NotConfigured as exc:
            return f"(geen CBS-query: {exc})"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        if subject.kind is not SubjectKind.SECTOR:
            return Collected([], notes=["CBS wordt alleen voor een branchescan bevraagd"])
        query = population_query(subject, ctx.config)
        fetched = await ctx.http.get(
            query.url,
            source=self.id,
            params=query.params(),
            headers={"Accept": "application/json"},
            accept_status=(200, 400, 404, 500),
        )
        table = parse_rows(fetched, query.measure, source=self.id)
        local = table.get(query.code, {})
        if not local:
            return Collected(
                [], query=query.describe(),
                notes=[f"CBS-tabel {query.table} geeft geen inwonertal voor {query.code}"],
            )
        period = max(local)
        name = subject.municipality.name if subject.municipality else query.code
        evidence = [self._evidence(fetched, query, query.code, name, local[period], period, "gemeente")]
        notes: list[str] = []
        if query.national:
            country = table.get(NATIONAL_KEY, {})
            same = period if period in country else (max(country) if country else None)
            if same is None:
                notes.append(f"CBS-tabel {query.table} geeft geen inwonertal voor Nederland")
            else:
                if same != period:
                    notes.append(f"landelijk inwonertal uit {_year(same)}, gemeentelijk uit {_year(period)}")
                evidence.append(self._evidence(fetched, query, NATIONAL_KEY, "Nederland", country[same], same, "land"))
        return Collected(evidence, query=query.describe(), notes=notes)

    def _evidence(
        self, fetched: Fetched, query: PopulationQuery, code: str, name: str, population: int, period: str, level: str
    ) -> Evidence:
        year = _year(period)
        fields = {
            "municipality_code": code,
            "municipality_name": name,
            "population": population,
            "period": year,
            "period_code": period,
            "table": query.table,
            "measure": query.measure,
            "level": level,
        }
        return Evidence(
            id=Evidence.make_id(self.id, "statistics.population", code, period, query.table),
            source=self.id,
            kind="statistics.population",
            url=STATLINE_PAGE.format(table=query.table),
            query=query.describe(),
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=f"Inwoners {name} {year}: {_dutch_int(population)}",
            excerpt=(
                f"{name} ({code}) had op 1 januari {year} {_dutch_int(population)} inwoners "
                f"(CBS StatLine {query.table}, {query.measure}). Bron: CBS."
            ),
            published_at=None,
            fields=fields,
        )
