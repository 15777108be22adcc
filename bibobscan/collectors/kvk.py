"""KvK Handelsregister: Basisprofiel v1, Vestigingsprofiel v1 and Zoeken v2.

Flow for a company: with a KvK number fetch its Basisprofiel; without one search by
name first and continue only when exactly one registration carries that name. Then
fetch the Vestigingsprofiel of the hoofdvestiging and count the registrations at the
visit address (Zoeken by postcode + huisnummer). Wire format: ../shared/apis/kvk.md.

Person subjects are not searched: person-indexed searches in the register are for
authorised parties only (Datavisie Handelsregister), so ``applies_to`` is companies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from ..errors import ErrorInBody, MalformedResponse, SourceError, UpstreamError
from ..http import Fetched, HttpClient
from ..matching import drop_legal_forms, fold_key
from ..model import (
    MAX_EXCERPT,
    MAX_FIELD_TEXT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from ._base import CollectContext, Collected, Collector, public_url

PRODUCTION_BASE = "https://api.kvk.nl/api"
TEST_BASE = "https://api.kvk.nl/test/api"
# Documented by KvK for its test environment (fictitious data); not a secret.
PUBLIC_TEST_KEY = "l7xx1f2691f2520d487b902f4e0b57a0b197"
ENVIRONMENTS = {"production": PRODUCTION_BASE, "test": TEST_BASE}

SEARCH_PAGE_SIZE = 10
ADDRESS_PAGE_SIZE = 100  # the API maximum; `totaal` gives the full count anyway
MAX_SAMPLE_NAMES = 25
# Statuses whose body we read ourselves; 429/502/503/504 stay with the retry logic.
_READ_STATUSES = (200, 400, 401, 403, 404, 406, 500)
# 404 codes meaning "nothing found": no search hits, unknown KvK or vestigingsnummer.
_NOT_FOUND_CODES = frozenset({"IPD5200", "IPD0005", "IPD0007"})
_SBI_VERSION_KEYS = ("sbiVersie", "versie", "sbiVersion")
# What a company scan gets from the register; not delivered when the company is not found.
COMPANY_TYPES = frozenset({"register.registered_on", "register.sbi", "register.legal_form", "address.company_count", "register.address_shielded"})


class KvkCollector(Collector):
    id: ClassVar[str] = "kvk"
    reliability: ClassVar[Reliability] = Reliability.REGISTER
    gives_kvk: ClassVar[bool] = True
    title: ClassVar[str] = "KvK Handelsregister"
    covers: ClassVar[str] = (
        "Inschrijving in het Handelsregister: rechtsvorm, registratiedatum, SBI-activiteiten, "
        "adressen en vestigingen, en het aantal inschrijvingen op het bezoekadres."
    )
    licence: ClassVar[str] = (
        "KvK API's: betaald abonnement; Zoeken is gratis per bevraging, Basisprofiel en "
        "Vestigingsprofiel kosten per bevraging. Testomgeving met de openbare testsleutel "
        "(fictieve gegevens). Hergebruik is beperkt door de Datavisie Handelsregister "
        "(geen persoonsgerichte overzichten, beperkt commercieel hergebruik)."
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset(
        {
            "register.registered_on",
            "register.sbi",
            "register.legal_form",
            "address.company_count",
            "register.address_shielded",
            # branchescan: the sector engine asks KvK per address (collectors/kvk_sector.py)
            "establishment.registered_on",
            "establishment.sbi",
            "establishment.address_turnover",
            "establishment.address_company_count",
            "area.growth",
        }
    )
    env: ClassVar[Mapping[str, str]] = {"api_key": "KVK_API_KEY", "environment": "KVK_ENVIRONMENT"}
    required: ClassVar[tuple[str, ...]] = ("api_key",)
    options: ClassVar[tuple[str, ...]] = ("api_key", "environment", "base_url")  # base_url: e.g. a test proxy

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        environment = _environment(config)
        if environment not in ENVIRONMENTS:
            return f"environment (env KVK_ENVIRONMENT) must be 'production' or 'test', got {environment!r}"
        if environment == "test":
            return None  # the public test key works without configuration
        return super().not_configured_reason(config)

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        base = config.get("base_url") or ENVIRONMENTS.get(_environment(config), PRODUCTION_BASE)
        return public_url(str(base))

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        return f"kvkNummer={subject.kvk}" if subject.kvk else f"naam={subject.name}"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        run = _Run(_Api.from_config(ctx.http, ctx.config, self.id), ctx.reference_date)
        if subject.kind is not SubjectKind.COMPANY:
            return Collected([], notes=["KvK wordt alleen voor bedrijven bevraagd"])
        kvk = "".join(ch for ch in subject.kvk or "" if not ch.isspace() and ch != ".")
        if not kvk:
            found = await run.search_name(subject)
            if found is None:
                run.uncovered.update(COMPANY_TYPES)
                return run.collected()
            kvk = found
        await run.company(kvk)
        return run.collected()


# --- requests ------------------------------------------------------------------------


def _environment(config: Mapping[str, Any]) -> str:
    return str(config.get("environment") or "production").strip().lower()


@dataclass(slots=True)
class _Api:
    http: HttpClient
    base: str
    key: str
    source: str

    @classmethod
    def from_config(cls, http: HttpClient, config: Mapping[str, Any], source: str) -> _Api:
        environment = _environment(config)
        base = str(config.get("base_url") or ENVIRONMENTS.get(environment, PRODUCTION_BASE))
        key = str(config.get("api_key") or "").strip()
        if not key and environment == "test":
            key = PUBLIC_TEST_KEY
        return cls(http, base.rstrip("/"), key, source)

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> tuple[Fetched, dict[str, Any] | None]:
        """GET ``path``; the JSON object, or None for a 404 that means "nothing found"."""
        endpoint = path.lstrip("/")
        fetched = await self.http.get(
            f"{self.base}/{endpoint}",
            source=self.source,
            params=params,
            headers={"apikey": self.key},
            accept_status=_READ_STATUSES,
        )
        try:
            body: Any = json.loads(fetched.content)
        except ValueError:
            body = None
        faults = _faults(body)
        if fetched.status_code == 200:
            if not isinstance(body, dict):
                raise MalformedResponse(f"KvK {endpoint}: response is not a JSON object", source=self.source)
            if faults and len(body) == 1:
                raise ErrorInBody(f"KvK {endpoint}: {_describe(faults)}", source=self.source)
            return fetched, body
        if fetched.status_code == 404 and any(code in _NOT_FOUND_CODES for code, _ in faults):
            return fetched, None
        detail = _describe(faults) if faults else " ".join(fetched.text[:200].split()) or "(empty body)"
        raise UpstreamError(
            f"KvK {endpoint}: HTTP {fetched.status_code} {detail}",
            source=self.source,
            status_code=fetched.status_code,
        )


def _faults(body: Any) -> list[tuple[str, str]]:
    """The ``fout`` entries of a KvK error body as (IPD code, omschrijving)."""
    items = body.get("fout") if isinstance(body, dict) else None
    return [(str(f.get("code", "")), str(f.get("omschrijving", ""))) for f in _dicts(items)]


def _describe(faults: list[tuple[str, str]]) -> str:
    return "; ".join(f"{code}: {text}" for code, text in faults)


# --- one collection run --------------------------------------------------------------


@dataclass
class _Run:
    api: _Api
    reference_date: date
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    uncovered: set[str] = field(default_factory=set)

    def collected(self) -> Collected:
        return Collected(self.evidence, notes=self.notes, uncovered=frozenset(self.uncovered))

    def add(self, kind: str, key: str, fetched: Fetched, query: str, title: str, excerpt: str, fields: dict[str, Any]) -> None:
        self.evidence.append(
            Evidence(
                id=Evidence.make_id(self.api.source, kind, key),
                source=self.api.source,
                kind=kind,
                url=fetched.url,
                query=query,
                retrieved_at=fetched.retrieved_at,
                sha256=fetched.sha256,
                title=clip(title, MAX_TITLE),
                excerpt=clip(excerpt, MAX_EXCERPT),
                fields=fields,
            )
        )

    async def search_name(self, subject: Subject) -> str | None:
        """Search by name; the KvK number when exactly one registration has that name."""
        query = f"zoeken naam={subject.name}"
        fetched, body = await self.api.get("v2/zoeken", {"naam": subject.name, "resultatenPerPagina": str(SEARCH_PAGE_SIZE)})
        results = _results(body, "v2/zoeken", self.api.source)
        wanted = {_bare_name(n) for n in subject.names}
        candidates: list[str] = []
        for item in results:
            fields = _search_fields(item)
            key = "|".join((subject.name, fields["kvk"], str(item.get("vestigingsnummer") or ""), fields["type"]))
            self.add(
                "register.search_result", key, fetched, query,
                f"{fields['name']} (KvK {fields['kvk']}, {fields['type']})",
                f"Zoekresultaat Handelsregister: {fields['name']}, {fields['type']}"
                + (f", {fields['city']}" if fields["city"] else ""),
                fields,
            )
            if fields["type"] in ("rechtspersoon", "hoofdvestiging") and _bare_name(fields["name"]) in wanted:
                if fields["kvk"] and fields["kvk"] not in candidates:
                    candidates.append(fields["kvk"])
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            self.notes.append("meerdere inschrijvingen gevonden; geef --kvk op")
        elif results:
            self.notes.append("geen inschrijving met precies deze naam gevonden; geef --kvk op")
        else:
            self.notes.append(f"geen inschrijvingen gevonden op naam {subject.name!r}")
        return None

    async def company(self, kvk: str) -> None:
        path = f"v1/basisprofielen/{kvk}"
        fetched, body = await self.api.get(path)
        if body is None:
            self.notes.append(f"KvK-nummer {kvk} niet gevonden in het Handelsregister")
            self.uncovered.update(COMPANY_TYPES)
            return
        if not isinstance(body.get("kvkNummer"), str):
            raise MalformedResponse(f"KvK {path}: no kvkNummer in the Basisprofiel", source=self.api.source)
        fields = basisprofiel_fields(body, self.reference_date)
        if not fields.get("registered_on"):
            self.uncovered.add("register.registered_on")
        self.add(
            "register.company", kvk, fetched, f"basisprofielen/{kvk}",
            f"{fields['name']} (KvK {fields['kvk']})", _summary(fields), fields,
        )
        branch = fields["vestigingsnummer"]
        if branch:
            try:
                await self.establishment(branch, fields["legal_form"])
            except SourceError as exc:
                self.notes.append(f"vestigingsprofiel niet opgehaald: {exc}")
        else:
            self.notes.append("geen hoofdvestiging ingeschreven; geen vestigingsprofiel opgevraagd")
        visit = next((a for a in fields["addresses"] if a["type"] == "bezoekadres"), None)
        if visit is None:
            self.notes.append("geen bezoekadres in het Handelsregister")
            self.uncovered.add("address.company_count")
        elif visit["shielded"]:
            self.notes.append("bezoekadres afgeschermd; aantal inschrijvingen op het adres niet opgevraagd")
            self.uncovered.add("address.company_count")
        elif visit["postcode"] and visit["number"] is not None:
            try:
                await self.address(visit, kvk)
            except SourceError as exc:
                self.notes.append(f"inschrijvingen op het bezoekadres niet opgehaald: {exc}")
                self.uncovered.add("address.company_count")
        else:
            self.uncovered.add("address.company_count")

    async def establishment(self, number: str, legal_form: str) -> None:
        path = f"v1/vestigingsprofielen/{number}"
        fetched, body = await self.api.get(path)
        if body is None:
            self.notes.append(f"vestiging {number} niet gevonden in het Handelsregister")
            return
        if not isinstance(body.get("vestigingsnummer"), str):
            raise MalformedResponse(f"KvK {path}: no vestigingsnummer in the Vestigingsprofiel", source=self.api.source)
        fields = _profile_fields(body, self.reference_date)
        fields["name"] = _text(body.get("eersteHandelsnaam")) or fields["name"]
        fields["legal_form"] = legal_form
        fields["addresses"] = _addresses(body.get("adressen"))
        fields["vestigingsnummer"] = body["vestigingsnummer"]
        fields["main"] = body.get("indHoofdvestiging") == "Ja"
        fields = {k: fields[k] for k in (*_COMPANY_FIELDS, "main")}
        self.add(
            "register.establishment", number, fetched, f"vestigingsprofielen/{number}",
            f"{fields['name']} (vestiging {number})",
            ("Hoofdvestiging" if fields["main"] else "Nevenvestiging") + ": " + _summary(fields),
            fields,
        )

    async def address(self, visit: dict[str, Any], kvk: str) -> None:
        postcode = visit["postcode"]
        number = str(visit["number"])
        query = f"zoeken postcode={postcode} huisnummer={number}"
        fetched, body = await self.api.get(
            "v2/zoeken", {"postcode": postcode, "huisnummer": number, "resultatenPerPagina": str(ADDRESS_PAGE_SIZE)}
        )
        results = _results(body, "v2/zoeken", self.api.source)
        total = _int(body.get("totaal")) if body is not None else 0
        names: list[str] = []
        for item in results:
            name = clip(_text(item.get("naam")), MAX_FIELD_TEXT)
            if name and name not in names and len(names) < MAX_SAMPLE_NAMES:
                names.append(name)
        display = visit["full"] or " ".join(
            str(part) for part in (visit["street"], number, visit["addition"], postcode, visit["city"]) if part
        )
        registrations = total if total is not None else len(results)
        fields = {
            "postcode": postcode,
            "house_number": number,
            "address": display,
            "registrations": registrations,
            "sample_names": names,
            "kvk": kvk,
        }
        self.add(
            "register.address", f"{postcode}|{number}|{kvk}", fetched, query,
            f"{display}: {registrations} inschrijving(en)",
            f"Op {display} staan {registrations} inschrijving(en) in het Handelsregister"
            + (f", o.a. {', '.join(names[:5])}" if names else "") + ".",
            fields,
        )


# --- parsing ---------------------------------------------------------------------------

_COMPANY_FIELDS = (
    "kvk", "name", "trade_names", "legal_form", "registered_on", "started_on", "ended_on",
    "sbi", "addresses", "vestigingsnummer", "employees", "active",
)


def basisprofiel_fields(body: dict[str, Any], reference_date: date) -> dict[str, Any]:
    """The ``register.company`` fields of a Basisprofiel body (also used by the sector
    scan, collectors/kvk_sector.py)."""
    embedded = _dict(body.get("_embedded"))
    main_branch = _dict(embedded.get("hoofdvestiging"))
    owner = _dict(embedded.get("eigenaar"))
    fields = _profile_fields(body, reference_date)
    fields["legal_form"] = _text(owner.get("rechtsvorm")) or _text(owner.get("uitgebreideRechtsvorm"))
    fields["addresses"] = _addresses(main_branch.get("adressen") or owner.get("adressen"))
    fields["vestigingsnummer"] = (
        _text(main_branch.get("vestigingsnummer")) or _last_segment(_link(main_branch, "vestigingsprofiel")) or None
    )
    if fields["employees"] is None:
        fields["employees"] = _int(main_branch.get("totaalWerkzamePersonen"))
    if fields["ended_on"] is None:
        fields["ended_on"] = _iso(owner.get("datumUitschrijving"))
        fields["active"] = _active(fields["ended_on"], reference_date)
    return {k: fields[k] for k in _COMPANY_FIELDS}


def _profile_fields(body: dict[str, Any], reference_date: date) -> dict[str, Any]:
    """The fields Basisprofiel and Vestigingsprofiel share."""
    material = _dict(body.get("materieleRegistratie"))
    trade = sorted(_dicts(body.get("handelsnamen")), key=lambda h: _int(h.get("volgorde")) or 0)
    trade_names = [clip(_text(h.get("naam")), MAX_FIELD_TEXT) for h in trade if _text(h.get("naam"))]
    ended = _iso(material.get("datumEinde"))
    declared = _declared_sbi_version(body)
    return {
        "kvk": _text(body.get("kvkNummer")),
        "name": clip(_text(body.get("naam")) or _text(body.get("statutaireNaam")) or (trade_names or [""])[0], MAX_FIELD_TEXT),
        "trade_names": trade_names,
        "registered_on": _iso(body.get("formeleRegistratiedatum")),
        "started_on": _iso(material.get("datumAanvang")),
        "ended_on": ended,
        "sbi": [_sbi(a, declared) for a in _dicts(body.get("sbiActiviteiten")) if _text(a.get("sbiCode"))],
        "employees": _int(body.get("totaalWerkzamePersonen")),
        "active": _active(ended, reference_date),
    }


def _sbi(activity: dict[str, Any], declared: str | None) -> dict[str, Any]:
    code = _text(activity.get("sbiCode"))
    version = _declared_sbi_version(activity) or declared
    if version is None:
        # Since 2025-09-07 the register uses SBI 2025 (always 5 digits), but 5-digit
        # codes exist in SBI 2008 too, so only a short code tells the version.
        version = "2008" if len(code) <= 4 else "unknown"
    return {
        "code": code,
        "description": clip(_text(activity.get("sbiOmschrijving")), MAX_FIELD_TEXT),
        "main": activity.get("indHoofdactiviteit") == "Ja",
        "version": version,
    }


def _declared_sbi_version(obj: dict[str, Any]) -> str | None:
    for key in _SBI_VERSION_KEYS:
        value = _text(obj.get(key))
        for version in ("2025", "2008"):
            if version in value:
                return version
    return None


def _addresses(value: Any) -> list[dict[str, Any]]:
    out = []
    for a in _dicts(value):
        number = _int(a.get("huisnummer"))
        if number is None:
            number = _int(a.get("postbusnummer"))
        addition = " ".join(
            _text(a.get(k)) for k in ("huisletter", "huisnummerToevoeging", "toevoegingAdres") if _text(a.get(k))
        )
        out.append(
            {
                "type": _text(a.get("type")),
                "street": clip(_text(a.get("straatnaam")), MAX_FIELD_TEXT),
                "number": number,
                "addition": clip(addition, MAX_FIELD_TEXT),
                "postcode": "".join(_text(a.get("postcode")).split()).upper(),
                "city": clip(_text(a.get("plaats")), MAX_FIELD_TEXT),
                "shielded": a.get("indAfgeschermd") == "Ja",
                "full": clip(_text(a.get("volledigAdres")), MAX_FIELD_TEXT),  # clip collapses the runs of spaces
            }
        )
    return out


def _results(body: dict[str, Any] | None, endpoint: str, source: str) -> list[dict[str, Any]]:
    if body is None:  # 404 IPD5200: no registrations
        return []
    results = body.get("resultaten")
    if not isinstance(results, list):
        raise MalformedResponse(f"KvK {endpoint}: no resultaten list in the response", source=source)
    return _dicts(results)


def _search_fields(item: dict[str, Any]) -> dict[str, Any]:
    address = _dict(item.get("adres"))
    domestic = _dict(address.get("binnenlandsAdres"))
    foreign = _dict(address.get("buitenlandsAdres"))
    city = _text(domestic.get("plaats")) or _text(foreign.get("postcodeWoonplaats"))
    active = item.get("actief")
    return {
        "kvk": _text(item.get("kvkNummer")) or _last_segment(_link(item, "basisprofiel")),
        "name": clip(_text(item.get("naam")), MAX_FIELD_TEXT),
        "type": _text(item.get("type")),
        "city": clip(city, MAX_FIELD_TEXT),
        "active": True if active == "Ja" else False if active == "Nee" else None,
    }


def _summary(fields: Mapping[str, Any]) -> str:
    """Short Dutch summary: legal form, registration date, main SBI, visit address."""
    parts = [fields.get("legal_form") or "rechtsvorm onbekend"]
    if fields.get("registered_on"):
        parts.append(f"ingeschreven op {fields['registered_on']}")
    main = next((s for s in fields.get("sbi", []) if s["main"]), None)
    if main:
        parts.append(f"hoofdactiviteit SBI {main['code']} {main['description']}".rstrip())
    visit = next((a for a in fields.get("addresses", []) if a["type"] == "bezoekadres"), None)
    if visit:
        parts.append("bezoekadres afgeschermd" if visit["shielded"] else f"bezoekadres {visit['full']}")
    if fields.get("ended_on"):
        parts.append(f"beëindigd op {fields['ended_on']}")
    return ", ".join(parts) + "."


def _link(obj: dict[str, Any], rel: str) -> str:
    """The href of link ``rel`` in either form KvK uses: ``links: [{rel, href}]`` or
    HAL ``_links: {rel: {href}}``."""
    for item in _dicts(obj.get("links")):
        if item.get("rel") == rel:
            return _text(item.get("href"))
    return _text(_dict(_dict(obj.get("_links")).get(rel)).get("href"))


def _last_segment(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1] if href else ""


def _bare_name(name: str) -> str:
    """Folded name without dots and legal forms (B.V., N.V., V.O.F., C.V., ...)."""
    return drop_legal_forms(fold_key(name))


def _iso(value: Any) -> str | None:
    """KvK dates are "YYYYMMDD" strings; an invalid or partial date gives None."""
    text = _text(value)
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def _active(ended_on: str | None, reference_date: date) -> bool:
    return ended_on is None or date.fromisoformat(ended_on) > reference_date


def _text(value: Any) -> str:
    """A string field, stripped; numbers as their digits; anything else empty."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- shared with the sector scan (collectors/kvk_sector.py) ------------------------------
# Same requests, key handling and parsing as this collector; no second copy of either.
KvkApi = _Api
search_results = _results
search_fields = _search_fields
parse_addresses = _addresses
