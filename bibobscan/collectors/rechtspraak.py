"""Court rulings (Rechtspraak open data) that name a company.

The open-data API of the Rechtspraak has no search by name (``/uitspraken/zoeken`` selects
by date, court and area of law only). So the rulings are *found* through a web search
restricted to the rulings site — ``"Voorbeeld Shisha Lounge" site:uitspraken.rechtspraak.nl``
through your own SearXNG or the Brave Search API, the same engines as the ``websearch``
source — and then *read* from the open-data API (``/uitspraken/content?id=ECLI``): court,
date, area of law, summary, and whether the company's name occurs in the published text.
One ``court.ruling`` evidence per ruling (see docs/evidence.md).

Companies only: natural persons are pseudonymised in published rulings, legal persons
are not (Anonimiseringsrichtlijnen van de Rechtspraak), so a person's name is not there
to be found. A ruling names a company as a party, victim or witness alike: the evidence
shows the passage, a person reads the ruling.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

from ..errors import ErrorInBody, MalformedResponse
from ..http import Fetched
from ..matching import fold_text
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
from ._partial import gather_partial
from ._xml import (
    Element,
    child_text,
    children,
    descendants,
    first_descendant,
    local_name,
    looks_like_html,
    parse_xml,
    text_of,
)
from .news import mentions, name_needles, search_names
from .websearch import WebSearchCollector

CONTENT_URL = "https://data.rechtspraak.nl/uitspraken/content"
RULING_PAGE = "https://uitspraken.rechtspraak.nl/InzienDocument?id={ecli}"
SITE = "uitspraken.rechtspraak.nl"
NOT_FOUND_HOST = "mededeling.rechtspraak.nl"  # where an unknown ECLI is redirected to
MAX_NAMES = 2
MAX_RULINGS = 10
ECLI = re.compile(r"(?<![A-Z0-9:])ECLI:NL:[A-Z]{2,7}:\d{4}:[A-Z0-9]{1,10}(?![A-Z0-9])", re.IGNORECASE)
SIGNAL = "court.ruling"


@dataclass(slots=True)
class Ruling:
    ecli: str
    court: str
    date: str
    published: str
    areas: list[str]
    kind: str  # Uitspraak / Conclusie
    procedures: list[str]
    case_numbers: list[str]
    summary: str
    text: str  # the published text, paragraphs joined
    title: str = ""
    notes: list[str] = field(default_factory=list)


def content_url(config: Mapping[str, Any]) -> str:
    """The open-data content service asked per ECLI: ``content_url`` or the public one."""
    return str(config.get("content_url") or CONTENT_URL)


def parse_ruling(fetched: Fetched, *, source: str) -> Ruling:
    """The content document of one ECLI (``<open-rechtspraak>``)."""
    if looks_like_html(fetched.content):
        raise MalformedResponse("the content answer is an HTML page, not a ruling", source=source)
    root = parse_xml(fetched.content, source=source, what="ruling")
    if local_name(root.tag) != "open-rechtspraak":
        raise MalformedResponse(f"root element is <{local_name(root.tag)}>, not <open-rechtspraak>", source=source)
    rdf = first_descendant(root, "RDF")
    descriptions = children(rdf, "Description") if rdf is not None else []
    if not descriptions:
        raise MalformedResponse("ruling without rdf:Description metadata", source=source)
    meta = descriptions[0]
    ecli = child_text(meta, "identifier")
    if not ECLI.fullmatch(ecli):
        raise MalformedResponse(f"ruling without a Dutch ECLI identifier ({clip(ecli, 60)!r})", source=source)
    body = next((el for el in root if local_name(el.tag) in ("uitspraak", "conclusie")), None)
    summary = first_descendant(root, "inhoudsindicatie")
    title = next((child_text(d, "title") for d in descriptions[1:] if child_text(d, "title")), "")
    return Ruling(
        ecli=ecli,
        court=child_text(meta, "creator"),
        date=child_text(meta, "date"),
        published=child_text(meta, "issued"),
        areas=[text_of(e) for e in children(meta, "subject") if text_of(e)],
        kind=child_text(meta, "type"),
        procedures=[text_of(e) for e in children(meta, "procedure") if text_of(e)],
        case_numbers=[text_of(e) for e in children(meta, "zaaknummer") if text_of(e)],
        summary=_paragraphs(summary),
        text=_paragraphs(body),
        title=title,
    )


def _paragraphs(element: Element | None) -> str:
    """The text of the ruling: one line per para, whitespace folded."""
    if element is None:
        return ""
    parts = [" ".join(text_of(p).split()) for p in descendants(element, "para")]
    if not any(parts):
        parts = [" ".join("".join(element.itertext()).split())]
    return "\n".join(p for p in parts if p)


def passage_around(text: str, needles: list[str]) -> str:
    """The paragraph that first names the subject, with the paragraphs before and after
    it ("in de strafzaak tegen" / the name / "hierna: de verdachte"); "" when not named."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    hit = next((i for i, p in enumerate(paragraphs) if mentions(p, needles)), None)
    if hit is None:
        return ""
    return "\n".join(paragraphs[max(0, hit - 1): hit + 2])


# "rechtbank Amsterdam", "Gerechtshof 's-Hertogenbosch", "Zittingsplaats Breda": the
# court's seat, which the resolver must not read as the company's place
_COURT_SEAT = re.compile(r"\b(?i:rechtbank|gerechtshof|hof|zittingsplaats|parket)\s+(?:'s-)?[A-Z][\w'-]*(?:[ -][A-Z][\w'-]*)*")


def without_court_seat(text: str) -> str:
    return _COURT_SEAT.sub("[instantie]", text)


def eclis_in(*texts: str) -> list[str]:
    found: list[str] = []
    for text in texts:
        for m in ECLI.finditer(unquote(text)):
            ecli = m.group(0).upper()
            if ecli not in found:
                found.append(ecli)
    return found


# The company as the one tried, read on folded text (no punctuation, lower case): the
# name right after "(straf)zaak tegen" or "verdachte", or followed by "hierna (te
# noemen) (de) verdachte" in the same paragraph. A victim cue in the paragraph that
# names the company wins: "... Voorbeeld B.V. (hierna: de benadeelde partij)".
_AGAINST = re.compile(r"\b(?:strafzaak|zaak) tegen (?:de rechtspersoon |de vennootschap )?$")
_SUSPECT_LABEL = re.compile(r"\bverdachte $")
_CALLED_SUSPECT = re.compile(r"^\W*(?:\S+ ){0,12}?hierna (?:te noemen )?(?:de )?verdachte\b")
_VICTIM = re.compile(r"\bbenadeelde partij\b|\baangever\b|\baangeefster\b|\bslachtoffer\b|\bbenadeelde\b")
_NEAR = 40  # folded characters between "zaak tegen" and the name


def role_in(text: str, needles: list[str]) -> str:
    """"verdachte" when a ruling tries the company itself, "benadeelde" when the
    paragraph that names it calls it injured party, victim or complainant, else
    "onbekend"."""
    paragraphs = [fold_text(p) for p in text.split("\n") if p.strip()]
    for k, para in enumerate(paragraphs):
        hay = f" {para} "
        spots = [(i, n) for n in needles for i in _find_all(hay, f" {n} ")]
        if not spots:
            continue
        if _VICTIM.search(para):
            return "benadeelde"
        before = f"{paragraphs[k - 1]} " if k else ""
        for i, needle in spots:
            lead = (before + hay[:i + 1]).rstrip() + " "
            tail = hay[i + len(needle) + 2:]
            if _AGAINST.search(lead[-_NEAR - 30:]) or _SUSPECT_LABEL.search(lead[-20:]) or _CALLED_SUSPECT.search(tail):
                return "verdachte"
        return "onbekend"
    return "onbekend"


def _find_all(hay: str, needle: str) -> list[int]:
    out, start = [], hay.find(needle)
    while start != -1:
        out.append(start)
        start = hay.find(needle, start + 1)
    return out


class RechtspraakCollector(Collector):
    id: ClassVar[str] = "rechtspraak"
    reliability: ClassVar[Reliability] = Reliability.COURT
    title: ClassVar[str] = "Rechtspraak (uitspraken die de onderneming noemen)"
    covers: ClassVar[str] = (
        "Gepubliceerde uitspraken van Nederlandse rechters waarin de naam van de onderneming staat: gevonden "
        "via een zoekmachine op uitspraken.rechtspraak.nl, gelezen uit de open data van de Rechtspraak. "
        "Natuurlijke personen zijn in uitspraken geanonimiseerd; daarom alleen voor ondernemingen."
    )
    licence: ClassVar[str] = (
        "Open data van de Rechtspraak: vrij hergebruik; de zoekmachine (eigen SearXNG of Brave Search API) "
        "heeft eigen voorwaarden"
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset({SIGNAL})
    env: ClassVar[Mapping[str, str]] = WebSearchCollector.env
    options: ClassVar[tuple[str, ...]] = (*WebSearchCollector.options, "content_url")  # content_url: default CONTENT_URL

    def __init__(self) -> None:
        self._search = WebSearchCollector()

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        reason = self._search.not_configured_reason(config)
        return f"uitspraken worden via een zoekmachine gevonden; {reason}" if reason else None

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        search = self._search.describe_endpoint(config)
        content = public_url(content_url(config))
        return f"{search}; {content}" if search else content

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        queries = ", ".join(f'q="{n}" site:{SITE}' for n in search_names(subject, MAX_NAMES))
        return f"{WebSearchCollector.engine_label(config)} {queries}; daarna {public_url(content_url(config))}?id=ECLI"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        self.require_configured(ctx.config)
        query = self.describe_query(subject, ctx.config)
        if subject.kind not in self.applies_to:
            return Collected([], query=query)
        names = search_names(subject, MAX_NAMES)
        found = await gather_partial([(n, f'zoeken q="{n}"', self._search.search(ctx, f'"{n}" site:{SITE}', source=self.id))
                                      for n in names])
        notes = list(found.notes)
        incomplete = bool(found.failures)
        eclis: list[str] = []
        for name, answer in found.results:
            notes.extend(f'q="{name}": {n}' for n in answer.notes)
            incomplete = incomplete or answer.incomplete
            for r in answer.results:
                if urlsplit(r.url).hostname != SITE:
                    continue  # another site quoting an ECLI is not a hit on the company
                for ecli in eclis_in(r.url, r.title):
                    if ecli not in eclis:
                        eclis.append(ecli)
        found.raise_if_all_failed()
        if len(eclis) > MAX_RULINGS:
            notes.append(f"{len(eclis)} uitspraken gevonden; alleen de eerste {MAX_RULINGS} zijn gelezen")
            incomplete = True
        rulings = await gather_partial([(e, e, self._content(ctx, e)) for e in eclis[:MAX_RULINGS]])
        notes.extend(rulings.notes)
        needles = name_needles(subject)
        evidence = [self._evidence(ruling, fetched, query, needles) for _e, (fetched, ruling) in rulings.results
                    if ruling is not None]
        unread = [e for e, (_f, ruling) in rulings.results if ruling is None]
        if unread:
            notes.append(f"{', '.join(unread)}: gevonden door de zoekmachine maar niet in de open data (nog niet of niet "
                         "meer gepubliceerd); niet gelezen")
        rulings.raise_if_all_failed()
        incomplete = incomplete or bool(rulings.failures or unread)
        return Collected(evidence, query=query, notes=notes, partial=self.provides if incomplete else frozenset())

    async def _content(self, ctx: CollectContext, ecli: str) -> tuple[Fetched, Ruling | None]:
        fetched = await ctx.http.get(content_url(ctx.config), source=self.id, params={"id": ecli}, accept_status=(200, 404))
        if fetched.status_code != 200 or urlsplit(fetched.url).hostname == NOT_FOUND_HOST:
            return fetched, None  # an unknown ECLI redirects to mededeling.rechtspraak.nl/404
        ruling = parse_ruling(fetched, source=self.id)
        if ruling.ecli != ecli:
            raise ErrorInBody(f"asked for {ecli}, got {ruling.ecli}", source=self.id)
        return fetched, ruling

    def _evidence(self, ruling: Ruling, fetched: Fetched, query: str, needles: list[str]) -> Evidence:
        paragraphs = passage_around(ruling.text, needles) or passage_around(ruling.summary, needles)
        named = bool(paragraphs)
        passage = clip(paragraphs.replace("\n", " "), MAX_EXCERPT)
        heading = f"{ruling.ecli}, {ruling.court or 'instantie onbekend'}, {ruling.date or 'datum onbekend'}"
        return Evidence(
            id=Evidence.make_id(self.id, ruling.ecli, fetched.sha256),
            source=self.id,
            kind="court.ruling",
            url=RULING_PAGE.format(ecli=quote(ruling.ecli, safe=":")),
            query=query,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(f"{heading} ({', '.join(ruling.areas) or 'rechtsgebied onbekend'})", MAX_TITLE),
            excerpt=clip(passage or "(de naam van de onderneming staat niet in de gepubliceerde tekst)", MAX_EXCERPT),
            published_at=ruling.published or None,
            fields={
                "ecli": ruling.ecli,
                "court": clip(ruling.court, 200),
                "date": ruling.date,
                "areas": [clip(a, 100) for a in ruling.areas[:5]],
                "criminal": any(a.strip().casefold() == "strafrecht" for a in ruling.areas),
                "type": clip(ruling.kind, 50),
                "procedures": [clip(p, 100) for p in ruling.procedures[:5]],
                "case_numbers": [clip(c, 100) for c in ruling.case_numbers[:10]],
                # the summary only when the ruling is about the company: summaries of other
                # cases can hold data about (pseudonymised) persons we have no use for
                "summary": clip(ruling.summary, MAX_FIELD_TEXT) if named else "",
                "named": named,
                "role": role_in(paragraphs, needles),
                "text": clip(without_court_seat(passage), MAX_FIELD_TEXT),  # what the resolver reads: never the court's seat
            },
        )
