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

import json
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from ..errors import MalformedResponse
from ..http import Fetched
from ..model import MAX_EXCERPT, MAX_TITLE, Evidence, Subject, SubjectKind, clip
from ._base import CollectContext, Collected, Collector

DEFAULT_URL = "https://api.gleif.org/api/v1"
KVK_REGISTER = "RA000463"  # GLEIF's id of the Netherlands Chamber of Commerce register
RECORD_PAGE = "https://search.gleif.org/#/record/{lei}"
MAX_LAYERS = 5
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
        if not subject.kvk:
            return Collected([], query=query, uncovered=frozenset({SIGNAL}), notes=[
                "GLEIF wordt alleen op KvK-nummer bevraagd; zonder KvK-nummer is de eigendomsstructuur niet nagegaan."])
        base = self.base(ctx.config)
        fetched = await ctx.http.get(f"{base}/lei-records", source=self.id, params=self.search_params(subject.kvk),
                                     headers={"Accept": "application/vnd.api+json"})
        records = self._records(self._json(fetched))
        if not records:
            return Collected([], query=query, uncovered=frozenset({SIGNAL}), notes=[
                f"Geen LEI bij KvK-nummer {subject.kvk}: GLEIF kent alleen rechtspersonen met een LEI; "
                "de eigendomsstructuur is daarmee niet vastgesteld."])
        evidence: list[Evidence] = []
        notes: list[str] = []
        partial = False
        for record in records:
            chain, end, complete = await self._chain(record, base, ctx)
            partial = partial or not complete
            if not complete:
                notes.append(f"{_lei(record)}: eigendomsketen onvolledig ({end}).")
            evidence.append(self._evidence(record, chain, end, complete, fetched, query))
        return Collected(evidence, query=query, notes=notes, partial=frozenset({SIGNAL}) if partial else frozenset())

    # --- the chain of parents -----------------------------------------------------

    async def _chain(self, record: dict[str, Any], base: str, ctx: CollectContext) -> tuple[list[dict[str, Any]], str, bool]:
        """The direct parents upwards, and how the chain ends: (parents, end, complete)."""
        parents: list[dict[str, Any]] = []
        seen = {_lei(record)}
        current = record
        while True:
            links = _parent_links(current)
            lei = _lei(current)
            if "lei-record" in links:
                if len(parents) >= MAX_LAYERS:
                    return parents, f"afgebroken na {MAX_LAYERS} lagen", False
                parent = self._record(self._json(await ctx.http.get(
                    f"{base}/lei-records/{quote(lei)}/direct-parent", source=self.id,
                    headers={"Accept": "application/vnd.api+json"})))
                if _lei(parent) in seen:
                    return parents, "kringverwijzing in de moederketen", False
                seen.add(_lei(parent))
                parents.append(parent)
                current = parent
                continue
            if "reporting-exception" in links:
                fetched = await ctx.http.get(f"{base}/lei-records/{quote(lei)}/direct-parent-reporting-exception",
                                             source=self.id, headers={"Accept": "application/vnd.api+json"})
                reason = self._reason(self._json(fetched))
                text = REASONS_NL.get(reason, f"reden {reason}")
                return parents, f"{'geen moeder' if not parents else 'hoogste moeder'}: {text}", reason in COMPLETE_REASONS
            return parents, "GLEIF meldt geen moeder en geen reden", False

    # --- response -----------------------------------------------------------------

    def _json(self, fetched: Fetched) -> Any:
        try:
            return json.loads(fetched.content)
        except (ValueError, UnicodeDecodeError) as exc:
            hint = " ".join(fetched.content[:120].decode("utf-8", "replace").split())
            raise MalformedResponse(f"HTTP {fetched.status_code} body is not JSON: {hint or '(empty)'}",
                                    source=self.id) from exc

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
                or not isinstance(attributes.get("lei"), str) or not attributes["lei"]:
            raise MalformedResponse("LEI record without attributes.lei or attributes.entity", source=self.id)
        return record

    def _reason(self, body: Any) -> str:
        data = body.get("data") if isinstance(body, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        reason = attributes.get("reason") if isinstance(attributes, dict) else None
        if not isinstance(reason, str) or not reason:
            raise MalformedResponse("reporting exception without attributes.reason", source=self.id)
        return reason

    def _evidence(self, record: dict[str, Any], chain: list[dict[str, Any]], end: str, complete: bool,
                  fetched: Fetched, query: str) -> Evidence:
        entity = record["attributes"]["entity"]
        lei = _lei(record)
        name = _name(record)
        parents = [{"lei": _lei(p), "name": _name(p), "jurisdiction": _jurisdiction(p)} for p in chain]
        kvk = str(entity.get("registeredAs") or "") if (entity.get("registeredAt") or {}).get("id") == KVK_REGISTER else ""
        fields: dict[str, Any] = {
            "lei": lei,
            "name": name,
            "kvk": kvk,
            "jurisdiction": _jurisdiction(record),
            "entity_status": str(entity.get("status") or ""),
            "registration_status": str((record["attributes"].get("registration") or {}).get("status") or ""),
            "parents": parents,
            "chain_end": end,
            "chain_complete": complete,
        }
        if parents:
            shown = " → ".join(f"{p['name']} ({p['jurisdiction'].upper() or '?'})" for p in parents)
            excerpt = f"LEI {lei}. Moederketen: {shown}; {end}."
        else:
            excerpt = f"LEI {lei}. {end[:1].upper()}{end[1:]}."
        return Evidence(
            id=Evidence.make_id(self.id, lei, fetched.sha256),
            source=self.id,
            kind="register.lei",
            url=RECORD_PAGE.format(lei=quote(lei)),
            query=query,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(f"{name} (LEI {lei})", MAX_TITLE),
            excerpt=clip(excerpt, MAX_EXCERPT),
            fields=fields,
        )


def _lei(record: dict[str, Any]) -> str:
    return str(record["attributes"]["lei"])


def _name(record: dict[str, Any]) -> str:
    legal = record["attributes"]["entity"].get("legalName") or {}
    return clip(str(legal.get("name") or ""), 300) if isinstance(legal, dict) else ""


def _jurisdiction(record: dict[str, Any]) -> str:
    """The country of a record's jurisdiction, lower case ("US-DE" -> "us"); the legal
    address when the jurisdiction is missing. A company's seat, never a person's."""
    entity = record["attributes"]["entity"]
    value = str(entity.get("jurisdiction") or (entity.get("legalAddress") or {}).get("country") or "")
    return value.split("-")[0].strip().lower()


def _parent_links(record: dict[str, Any]) -> dict[str, Any]:
    rel = (record.get("relationships") or {}).get("direct-parent") or {}
    links = rel.get("links") if isinstance(rel, dict) else None
    return links if isinstance(links, dict) else {}
