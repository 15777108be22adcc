"""GLEIF: the LEI record of a company and its chain of parent companies.

Queried by KvK number only (``filter[entity.registeredAs]`` + ``filter[entity.registeredAt]
=RA000463``, the Dutch Handelsregister): a name search cannot tell two entities apart
well enough to hang an ownership chain on. For the record found, the chain of *direct
accounting consolidation parents* is followed up to :data:`MAX_LAYERS` levels; where a
company reports no parent, its reporting exception says why. One ``register.lei``
evidence item per record found (see docs/evidence.md); the signals come later.

What GLEIF can and cannot say about ownership is part of the result:

- no LEI for the KvK number (most small businesses have none): ownership is not
  established, so ``register.foreign_parent`` is *uncovered*;
- parents reported, or "no parent" with the reason that natural persons or nobody
  known controls the company: ownership is established as far as GLEIF goes;
- any other reason (not public, a parent without LEI, legal obstacles, ...) or a chain
  cut off at :data:`MAX_LAYERS`: the answer is *partial*.

GLEIF covers consolidation parents (accounting control), not the UBO register's
natural persons; a person-level ownership check still needs the UBO register.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from ..errors import MalformedResponse
from ..http import Fetched
from ..model import (
    MAX_EXCERPT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from ._base import CollectContext, Collected, Collector
from ._json import json_body

DEFAULT_URL = "https://api.gleif.org/api/v1"
KVK_REGISTER = "RA000463"  # GLEIF's id of the Netherlands Chamber of Commerce register
RECORD_PAGE = "https://search.gleif.org/#/record/{lei}"
MAX_LAYERS = 5
LEI = re.compile(r"[A-Z0-9]{20}")  # ISO 17442: 18 characters and 2 check digits
# Registrations that are not an entity's own, current LEI: a record with one is left out.
VOID_REGISTRATIONS = ("ANNULLED", "DUPLICATE")
MAX_RECORDS = 5
SIGNAL = "register.foreign_parent"

# Reporting-exception reasons after which nothing is missing from the chain: the company
# is controlled by natural persons, or by no known person.
COMPLETE_REASONS = frozenset({"NATURAL_PERSONS", "NO_KNOWN_PERSON"})
REASONS_NL = {
    "NATURAL_PERSONS": "in handen van natuurlijke personen (geen moedermaatschappij)",
    "NO_KNOWN_PERSON": "geen bekende persoon of onderneming heeft zeggenschap",
    "NON_CONSOLIDATING": "de moeder consolideert de onderneming niet in haar jaarrekening",
    "NON_PUBLIC": "de moeder wordt niet openbaar gemaakt",
    "NO_LEI": "de moeder heeft geen LEI",
    "BINDING_LEGAL_COMMITMENTS": "bindende juridische afspraken verhinderen openbaarmaking",
    "LEGAL_OBSTACLES": "wettelijke belemmeringen verhinderen openbaarmaking",
    "DISCLOSURE_DETRIMENTAL": "openbaarmaking zou schade doen",
    "DETRIMENT_NOT_EXCLUDED": "schade door openbaarmaking is niet uitgesloten",
    "CONSENT_NOT_OBTAINED": "de moeder gaf geen toestemming voor openbaarmaking",
}


class GleifCollector(Collector):
    id: ClassVar[str] = "gleif"
    reliability: ClassVar[Reliability] = Reliability.REGISTER
    default_endpoint: ClassVar[str] = DEFAULT_URL
    title: ClassVar[str] = "GLEIF (LEI en moedermaatschappijen)"
    covers: ClassVar[str] = (
        "Het LEI-register: rechtspersonen met een Legal Entity Identifier (banken, fondsen, grotere "
        "ondernemingen) en hun moedermaatschappijen volgens de jaarrekening; opgezocht op KvK-nummer."
    )
    licence: ClassVar[str] = "GLEIF-data CC0; vrij te gebruiken, zonder sleutel (60 verzoeken per minuut)"
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset({SIGNAL})
    env: ClassVar[Mapping[str, str]] = {"url": "GLEIF_URL"}
    options: ClassVar[tuple[str, ...]] = ("url",)
    uses_kvk: ClassVar[bool] = True

    @staticmethod
    def base(config: Mapping[str, Any]) -> str:
        return str(config.get("url") or DEFAULT_URL).rstrip("/")

    @staticmethod
    def search_params(kvk: str) -> dict[str, str]:
        return {
            "filter[entity.registeredAs]": kvk,
            "filter[entity.registeredAt]": KVK_REGISTER,
            "page[size]": str(MAX_RECORDS),
        }

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        if not subject.kvk:
            return "(niet bevraagd: geen KvK-nummer)"
        return f"GET /lei-records?filter[entity.registeredAs]={subject.kvk}&filter[entity.registeredAt]={KVK_REGISTER}"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        query = self.describe_query(subject, ctx.config)
        if subject.kind not in self.applies_to:
            return Collected([], query=query)
        if not subject.kvk:  # a scan asks the register first (uses_kvk); this is for other callers
            return Collected([], query=query, uncovered=frozenset({SIGNAL}), notes=[(
                "GLEIF wordt alleen op KvK-nummer bevraagd en er is geen KvK-nummer; "
                "de eigendomsstructuur is niet nagegaan.")])
        base = self.base(ctx.config)
        fetched = await self._get(ctx, f"{base}/lei-records", params=self.search_params(subject.kvk))
        body = json_body(fetched, source=self.id)
        notes: list[str] = []
        partial = False
        total = _total(body)
        records = self._records(body)
        if total is not None and total > len(records):
            notes.append(f"GLEIF meldt {total} LEI-records bij dit KvK-nummer; alleen de eerste {len(records)} zijn gelezen.")
            partial = True
        own = [r for r in records if _registered_kvk(r) == subject.kvk]
        if len(own) < len(records):
            notes.append(f"{len(records) - len(own)} LEI-record(s) zonder dit KvK-nummer in het antwoord genegeerd.")
        usable = [r for r in own if _registration_status(r) not in VOID_REGISTRATIONS]
        if len(usable) < len(own):
            notes.append(f"{len(own) - len(usable)} LEI-record(s) vervallen als dubbel of nietig ({', '.join(VOID_REGISTRATIONS)}).")
        if not usable:
            return Collected([], query=query, notes=[*notes, (
                f"Geen LEI bij KvK-nummer {subject.kvk}: GLEIF kent alleen rechtspersonen met een LEI (banken, fondsen, "
                "grotere ondernemingen); de eigendomsstructuur is daarmee niet vastgesteld.")], absent=frozenset({SIGNAL}))
        evidence: list[Evidence] = []
        for record in usable:
            chain = await self._chain(record, base, ctx)
            answers = [_answer(fetched), *chain.answers]
            if not chain.complete:
                partial = True
                notes.append(f"{_lei(record)}: eigendomsketen onvolledig ({chain.end}).")
            for level, rec in enumerate([record, *chain.parents]):
                status = _registration_status(rec)
                if status not in ("ISSUED", "PENDING_TRANSFER", "PENDING_ARCHIVAL", ""):
                    partial = True
                    notes.append(f"LEI {_lei(rec)} ({'de onderneming' if level == 0 else _name(rec)}) heeft registratiestatus "
                                 f"{status}: de gegevens kunnen verouderd zijn.")
            if any(not _jurisdiction(p) for p in chain.parents):
                partial = True
                notes.append(f"{_lei(record)}: een moeder zonder rechtsgebied in GLEIF; telt niet als buitenlands.")
            evidence.append(self._evidence(record, chain, answers, query))
        return Collected(evidence, query=query, notes=notes, partial=frozenset({SIGNAL}) if partial else frozenset())

    async def _get(self, ctx: CollectContext, url: str, params: dict[str, str] | None = None) -> Fetched:
        return await ctx.http.get(url, source=self.id, params=params, headers={"Accept": "application/vnd.api+json"},
                                  accept_status=(200, 404))

    # --- the chain of parents -----------------------------------------------------

    async def _chain(self, record: dict[str, Any], base: str, ctx: CollectContext) -> Chain:
        """The direct parents upwards, and how the chain ends."""
        chain = Chain()
        seen = {_lei(record)}
        current = record
        while True:
            links = _parent_links(current)
            lei = quote(_lei(current), safe="")
            if "lei-record" in links:
                if len(chain.parents) >= MAX_LAYERS:
                    return chain.ended(f"afgebroken na {MAX_LAYERS} lagen", complete=False)
                fetched = await self._get(ctx, f"{base}/lei-records/{lei}/direct-parent")
                if fetched.status_code == 404:
                    return chain.ended("GLEIF vindt de gemelde moeder niet (404)", complete=False)
                chain.answers.append(_answer(fetched))
                parent = self._record(json_body(fetched, source=self.id))
                if _lei(parent) in seen:
                    return chain.ended("kringverwijzing in de moederketen", complete=False)
                seen.add(_lei(parent))
                chain.parents.append(parent)
                current = parent
                continue
            if "reporting-exception" in links:
                fetched = await self._get(ctx, f"{base}/lei-records/{lei}/direct-parent-reporting-exception")
                if fetched.status_code == 404:
                    return chain.ended("GLEIF vindt de gemelde reden zonder moeder niet (404)", complete=False)
                chain.answers.append(_answer(fetched))
                reason = self._reason(json_body(fetched, source=self.id))
                text = REASONS_NL.get(reason, f"reden {clip(reason, 60)}")
                return chain.ended(f"{'geen moeder' if not chain.parents else 'hoogste moeder'}: {text}",
                                   complete=reason in COMPLETE_REASONS)
            return chain.ended("GLEIF meldt geen moeder en geen reden", complete=False)

    # --- response -----------------------------------------------------------------

    def _records(self, body: Any) -> list[dict[str, Any]]:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise MalformedResponse("lei-records answer has no data list", source=self.id)
        return [self._checked(r) for r in data[:MAX_RECORDS]]

    def _record(self, body: Any) -> dict[str, Any]:
        data = body.get("data") if isinstance(body, dict) else None
        return self._checked(data)

    def _checked(self, record: Any) -> dict[str, Any]:
        attributes = record.get("attributes") if isinstance(record, dict) else None
        if not isinstance(record, dict) or not isinstance(attributes, dict) or not isinstance(attributes.get("entity"), dict) \
                or not isinstance(attributes.get("lei"), str):
            raise MalformedResponse("LEI record without attributes.lei or attributes.entity", source=self.id)
        if not LEI.fullmatch(attributes["lei"]):
            raise MalformedResponse(f"not an LEI: {clip(attributes['lei'], 40)!r}", source=self.id)
        return record

    def _reason(self, body: Any) -> str:
        data = body.get("data") if isinstance(body, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        reason = attributes.get("reason") if isinstance(attributes, dict) else None
        if not isinstance(reason, str) or not reason:
            raise MalformedResponse("reporting exception without attributes.reason", source=self.id)
        return reason

    def _evidence(self, record: dict[str, Any], chain: Chain, answers: list[dict[str, str]], query: str) -> Evidence:
        entity = record["attributes"]["entity"]
        lei = _lei(record)
        name = _name(record)
        parents = [{"lei": _lei(p), "name": _name(p), "jurisdiction": _jurisdiction(p)} for p in chain.parents]
        fields: dict[str, Any] = {
            "lei": lei,
            "name": name,
            "kvk": _registered_kvk(record),
            "jurisdiction": _jurisdiction(record),
            "entity_status": clip(str(entity.get("status") or ""), 30),
            "registration_status": _registration_status(record),
            "parents": parents,
            "chain_end": chain.end,
            "chain_complete": chain.complete,
            "answers": answers,
        }
        if parents:
            shown = " → ".join(f"{p['name']} ({p['jurisdiction'] or 'rechtsgebied onbekend'})" for p in parents)
            excerpt = f"LEI {lei}. Moederketen: {shown}; {chain.end}."
        else:
            excerpt = f"LEI {lei}. {chain.end[:1].upper()}{chain.end[1:]}."
        first = answers[0]
        return Evidence(
            id=Evidence.make_id(self.id, lei, *(a["sha256"] for a in answers)),
            source=self.id,
            kind="register.lei",
            url=RECORD_PAGE.format(lei=quote(lei, safe="")),
            query=query,
            retrieved_at=datetime.fromisoformat(first["retrieved_at"]),
            sha256=first["sha256"],
            title=clip(f"{name} (LEI {lei})", MAX_TITLE),
            excerpt=clip(excerpt, MAX_EXCERPT),
            fields=fields,
        )


@dataclass(slots=True)
class Chain:
    parents: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, str]] = field(default_factory=list)  # url, sha256, retrieved_at of each answer read
    end: str = ""
    complete: bool = False

    def ended(self, end: str, *, complete: bool) -> Chain:
        self.end, self.complete = end, complete
        return self


def _answer(fetched: Fetched) -> dict[str, str]:
    return {"url": fetched.url, "sha256": fetched.sha256, "retrieved_at": fetched.retrieved_at.isoformat()}


def _total(body: Any) -> int | None:
    total = ((body.get("meta") or {}).get("pagination") or {}).get("total") if isinstance(body, dict) else None
    return total if isinstance(total, int) else None


def _registered_kvk(record: dict[str, Any]) -> str:
    """The KvK number a record is registered under; "" when it is registered elsewhere."""
    entity = record["attributes"]["entity"]
    registered_at = entity.get("registeredAt") if isinstance(entity.get("registeredAt"), dict) else {}
    if registered_at.get("id") != KVK_REGISTER:
        return ""
    return str(entity.get("registeredAs") or "").strip()[:20]


def _registration_status(record: dict[str, Any]) -> str:
    registration = record["attributes"].get("registration")
    status = registration.get("status") if isinstance(registration, dict) else ""
    return clip(str(status or ""), 30)


def _lei(record: dict[str, Any]) -> str:
    return str(record["attributes"]["lei"])


def _name(record: dict[str, Any]) -> str:
    legal = record["attributes"]["entity"].get("legalName") or {}
    return clip(str(legal.get("name") or ""), 300) if isinstance(legal, dict) else ""


def _jurisdiction(record: dict[str, Any]) -> str:
    """The country of a record's legal jurisdiction in upper case ("US-DE" -> "US"); ""
    when GLEIF gives none. A company's seat, never a person's."""
    value = str(record["attributes"]["entity"].get("jurisdiction") or "")
    country = value.split("-")[0].strip().upper()
    return country if re.fullmatch(r"[A-Z]{2}", country) else ""


def _parent_links(record: dict[str, Any]) -> dict[str, Any]:
    rel = (record.get("relationships") or {}).get("direct-parent") or {}
    links = rel.get("links") if isinstance(rel, dict) else None
    return links if isinstance(links, dict) else {}
