"""Official publications (Gemeenteblad, Staatscourant, ...) through KOOP's SRU 2.0 server.

One CQL full-text query per subject name, restricted to the subject's municipality
when known; one ``publication.notice`` evidence per record (see docs/evidence.md).
Whether a publication is a closure, a revoked permit or a Bibob decision is decided
later from the fields, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ErrorInBody, MalformedResponse
from ..http import Fetched
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
from ._base import CollectContext, Collected, Collector
from ._partial import gather_partial
from ._xml import (
    Element,
    child,
    child_text,
    children,
    descendants,
    first_descendant,
    local_name,
    looks_like_html,
    parse_xml,
)
from .news import search_names

DEFAULT_URL = "https://repository.overheid.nl/sru"
MAX_RECORDS = 50
MAX_NAMES = 2

# Publication name from the identifier prefix, for records without tpmeta.
_PUBLICATIONS = {
    "gmb": "Gemeenteblad",
    "stcrt": "Staatscourant",
    "stb": "Staatsblad",
    "prb": "Provinciaal blad",
    "wsb": "Waterschapsblad",
    "bgr": "Blad gemeenschappelijke regeling",
    "trb": "Tractatenblad",
}


def cql_literal(value: str) -> str:
    """A value for inside CQL double quotes: quotes and backslashes removed."""
    return " ".join(value.replace('"', " ").replace("\\", " ").split())


def build_cql(name: str, municipality: str | None) -> str:
    cql = f'c.product-area==officielepublicaties and cql.textAndIndexes="{cql_literal(name)}"'
    if municipality and cql_literal(municipality):
        cql += f' and dt.creator=="{cql_literal(municipality)}"'
    return cql


@dataclass(slots=True)
class Publication:
    identifier: str
    title: str
    publication: str
    creator: str
    rubriek: str
    date: str | None
    abstract: str
    url: str


@dataclass(slots=True)
class SruResult:
    number_of_records: int
    records: list[Publication] = field(default_factory=list)


def parse_sru(content: bytes, *, source: str) -> SruResult:
    """Parse a searchRetrieveResponse, namespace-agnostically. A diagnostic in an
    HTTP 200 is :class:`ErrorInBody`; anything else unexpected is MalformedResponse."""
    if looks_like_html(content):
        raise MalformedResponse("KOOP SRU answered HTTP 200 with an HTML page instead of XML", source=source)
    root = parse_xml(content, source=source, what="KOOP SRU response")
    if local_name(root.tag) != "searchRetrieveResponse":
        raise MalformedResponse(
            f"KOOP SRU response has root <{local_name(root.tag)}>, expected <searchRetrieveResponse>", source=source
        )
    diagnostics = child(root, "diagnostics")
    if diagnostics is not None:
        messages = [
            child_text(d, "message") or child_text(d, "details") or child_text(d, "uri")
            for d in descendants(diagnostics, "diagnostic")
        ]
        raise ErrorInBody(f"SRU diagnostic: {'; '.join(m for m in messages if m) or 'unknown'}", source=source)
    count_text = child_text(root, "numberOfRecords")
    try:
        count = int(count_text)
    except ValueError:
        raise MalformedResponse(f"KOOP SRU response without a valid numberOfRecords ({count_text!r})", source=source) from None
    container = child(root, "records")
    parsed = [_publication(r) for r in children(container if container is not None else root, "record")]
    return SruResult(number_of_records=count, records=[p for p in parsed if p is not None])


def _publication(record: Element) -> Publication | None:
    kern = first_descendant(record, "owmskern")
    mantel = first_descendant(record, "owmsmantel")
    tpmeta = first_descendant(record, "tpmeta")
    enriched = first_descendant(record, "enrichedData")
    identifier = child_text(kern, "identifier")
    if not identifier:
        return None
    url = child_text(enriched, "preferredUrl")
    if not url.startswith(("https://", "http://")):
        url = f"https://zoek.officielebekendmakingen.nl/{identifier}.html"
    raw_date = child_text(mantel, "date") or child_text(mantel, "available") or child_text(kern, "modified")
    return Publication(
        identifier=identifier,
        title=" ".join(child_text(kern, "title").split()),
        publication=child_text(tpmeta, "publicatienaam") or _PUBLICATIONS.get(identifier.split("-", 1)[0], ""),
        creator=child_text(kern, "creator"),
        rubriek=child_text(kern, "type"),
        date=_iso_date(raw_date),
        abstract=" ".join(child_text(mantel, "abstract").split()),
        url=url,
    )


def _iso_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


class KoopCollector(Collector):
    id = "koop"
    reliability = Reliability.PUBLICATION
    default_endpoint = DEFAULT_URL
    title = "Officiële bekendmakingen (KOOP)"
    covers = (
        "Gemeenteblad, Staatscourant en andere officiële publicaties waarin de naam voorkomt, "
        "beperkt tot de gemeente van het onderwerp wanneer die bekend is."
    )
    licence = "Officiële bekendmakingen (KOOP), CC0; geen API-sleutel"
    applies_to = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides = frozenset(
        {"publication.closure", "publication.permit_revoked", "publication.bibob", "publication.mention",
         "establishment.publication"}  # branchescan: searched per establishment name
    )
    options = ("url",)

    def queries(self, subject: Subject) -> list[str]:
        """All issuers: closures, revoked permits and Bibob decisions by other
        municipalities and the Staatscourant count too; the resolver uses the issuer
        (the subject's own municipality) as corroboration, not as a filter."""
        return [build_cql(name, None) for name in search_names(subject, MAX_NAMES)]

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        return "; ".join(self.queries(subject))

    async def _search(self, ctx: CollectContext, url: str, cql: str) -> tuple[Fetched, SruResult]:
        params = {
            "operation": "searchRetrieve",
            "version": "2.0",
            "startRecord": "1",
            "maximumRecords": str(MAX_RECORDS),
            "query": cql,
        }
        fetched = await ctx.http.get(url, source=self.id, params=params)
        return fetched, parse_sru(fetched.content, source=self.id)

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        url = str(ctx.config.get("url") or DEFAULT_URL)
        cqls = self.queries(subject)
        partial = await gather_partial([(cql, f"KOOP-zoekvraag {cql}", self._search(ctx, url, cql)) for cql in cqls])
        evidence: list[Evidence] = []
        notes = list(partial.notes)
        seen: set[str] = set()
        for cql, (fetched, sru) in partial.results:
            if sru.number_of_records > MAX_RECORDS:
                notes.append(
                    f"KOOP: {sru.number_of_records} publicaties gevonden voor {cql}; "
                    f"alleen de eerste {MAX_RECORDS} zijn gelezen"
                )
            for publication in sru.records:
                if publication.identifier in seen:
                    continue
                seen.add(publication.identifier)
                evidence.append(self._evidence(publication, fetched, cql))
        partial.raise_if_all_failed()
        return Collected(
            evidence=evidence,
            query="; ".join(cqls),
            notes=notes,
            partial=self.provides if partial.failures else frozenset(),
        )

    def _evidence(self, p: Publication, fetched: Fetched, cql: str) -> Evidence:
        summary = p.title if not p.abstract or p.abstract == p.title else f"{p.title} — {p.abstract}"
        return Evidence(
            id=Evidence.make_id(self.id, p.identifier),
            source=self.id,
            kind="publication.notice",
            url=p.url,
            query=cql,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(p.title, MAX_TITLE),
            excerpt=clip(summary, MAX_EXCERPT),
            published_at=p.date,
            fields={
                "identifier": p.identifier,
                "publication": p.publication,
                "creator": p.creator,
                "rubriek": p.rubriek,
                "date": p.date,
                "abstract": clip(p.abstract, MAX_FIELD_TEXT),
                "text": clip(summary, MAX_FIELD_TEXT),
            },
        )
