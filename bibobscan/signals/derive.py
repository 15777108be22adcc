"""Evidence -> typed signals. Only evidence resolved as a ``match`` yields signals;
possible namesakes and non-matches never do."""

from __future__ import annotations

from datetime import date

from ..model import Evidence, Signal, Subject, SubjectKind, Verdict
from ..nlp import same_story
from ..resolve.names import fold
from .media import MediaFinding, assess_texts

SAME_STORY = 90  # token_sort_ratio of folded headlines at or above which two articles are one story
LEAD_CHARS = 400  # the lead compared for near-duplicate stories

CLOSURE_CUES = ("13b", "opiumwet", "sluiting", "gesloten", "sluit ", "damocles")
REVOKED_CUES = ("intrekking", "ingetrokken", "weigering", "geweigerd")
BIBOB_CUES = ("bibob",)


def classify_publication(text: str) -> str:
    """The publication.* signal type a notice's title and abstract stand for."""
    folded = " " + fold(text) + " "
    if any(c in folded for c in CLOSURE_CUES):
        return "publication.closure"
    if any(c in folded for c in REVOKED_CUES) and "vergunning" in folded:
        return "publication.permit_revoked"
    if any(c in folded for c in BIBOB_CUES):
        return "publication.bibob"
    return "publication.mention"


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# Evidence read by the adverse-media check: news items and web search results.
MEDIA_KINDS = ("news.article", "web.result")


def derive_signals(subject: Subject, evidence: list[Evidence], reference_date: date) -> list[Signal]:
    signals: list[Signal] = []
    company = subject.kind is SubjectKind.COMPANY
    # Every matched news article through the pipeline in one batch (nlp.pipe).
    news = [ev for ev in evidence if ev.kind in MEDIA_KINDS and ev.match is not None and ev.match.verdict is Verdict.MATCH]
    media: dict[int, list[MediaFinding]] = {
        id(ev): findings
        for ev, (findings, _dropped) in zip(
            news, assess_texts((_article_text(ev), subject.names, company) for ev in news)
        )
    }
    leads = {ev.id: _article_text(ev)[:LEAD_CHARS] for ev in news}
    for ev in evidence:
        if ev.match is None:
            continue
        if ev.match.verdict is Verdict.POSSIBLE and ev.kind == "sanctions.entry":
            # The one exception to "namesakes never make signals": a possible hit on a
            # sanctions list must be reviewed by a person, so it is flagged (0 points).
            signals.append(Signal("sanctions.possible", {**_listing(ev), "confidence": ev.match.confidence}, [ev.id]))
            continue
        if ev.match.verdict is not Verdict.MATCH:
            continue
        f = ev.fields
        ids = [ev.id]
        if ev.kind == "register.company":
            registered = _iso(f.get("registered_on"))
            if registered:
                signals.append(Signal("register.registered_on", {"date": registered.isoformat(), "age_days": (reference_date - registered).days}, ids))
            for sbi in f.get("sbi") or []:
                signals.append(Signal("register.sbi", {"code": str(sbi.get("code", "")), "version": sbi.get("version", "unknown"), "main": bool(sbi.get("main")), "description": sbi.get("description", "")}, ids))
            if f.get("legal_form"):
                signals.append(Signal("register.legal_form", {"value": f["legal_form"]}, ids))
            for addr in f.get("addresses") or []:
                if addr.get("shielded"):
                    signals.append(Signal("register.address_shielded", {"address_type": addr.get("type", "")}, ids))
        elif ev.kind == "register.lei":
            parents = f.get("parents") or []
            for level, parent in enumerate(parents, start=1):
                signals.append(Signal("register.foreign_parent", {
                    "jurisdiction": str(parent.get("jurisdiction") or ""), "layers": len(parents), "level": level,
                    "name": str(parent.get("name") or ""), "lei": str(parent.get("lei") or "")}, ids))
        elif ev.kind == "register.address":
            signals.append(Signal("address.company_count", {"count": int(f.get("registrations") or 0), "address": f.get("address", "")}, ids))
        elif ev.kind == "sanctions.entry":
            signals.append(Signal("sanctions.match", {**_listing(ev), "confidence": ev.match.confidence}, ids))
        elif ev.kind in MEDIA_KINDS:
            base = {"outlet": f.get("outlet", ""), "date": ev.published_at or "", "title": ev.title}
            signals.append(Signal("media.mention", dict(base), ids))
            for finding in media.get(id(ev), []):
                signals.append(Signal("media.adverse", {**base, "theme": finding.theme, "confidence": finding.confidence, "cue": finding.cue}, ids))
        elif ev.kind == "publication.notice":
            text = str(f.get("text") or f"{ev.title} {f.get('abstract', '')}")
            attrs = {"identifier": f.get("identifier", ""), "title": ev.title, "date": f.get("date") or ev.published_at or "", "creator": f.get("creator", "")}
            kind = classify_publication(text)
            signals.append(Signal(kind, attrs, ids))
            if kind != "publication.mention":
                signals.append(Signal("publication.mention", dict(attrs), ids))
        elif ev.kind == "court.ruling":
            criminal, role = bool(f.get("criminal")), str(f.get("role") or "onbekend")
            signals.append(Signal("court.ruling", {
                "ecli": f.get("ecli", ""), "court": f.get("court") or "instantie onbekend", "date": f.get("date") or "datum onbekend",
                "area": "; ".join(f.get("areas") or []) or "rechtsgebied onbekend", "type": f.get("type", ""),
                "procedure": "; ".join(f.get("procedures") or []), "criminal": criminal, "role": role,
                "tried": criminal and role == "verdachte"}, ids))
        elif ev.kind == "officer.fact":
            fact = str(f.get("fact", ""))
            signals.append(Signal(fact, {k: v for k, v in f.items() if k != "fact"}, ids))
    return merge_same_story(signals, leads)


def _listing(ev: Evidence) -> dict[str, str]:
    """What a list entry says about itself: list, listed name and topics (a PEP or a
    crime-list entry is not a sanctioned party; indicators tell them apart by topic)."""
    topics = ev.fields.get("topics") or []
    return {"list": str(ev.fields.get("list", "")), "name": str(ev.fields.get("name", "")), "topics": ",".join(str(t) for t in topics)}


def _article_text(ev: Evidence) -> str:
    return str(ev.fields.get("text") or ev.title)


def merge_same_story(signals: list[Signal], leads: dict[str, str] | None = None) -> list[Signal]:
    """The same story published by several outlets counts once: media signals of one
    type (and theme) whose headlines are near-duplicates, or whose leads (``leads``:
    evidence id -> lead text) largely coincide, are merged, keeping every evidence id
    and the outlets (see ``bibobscan.nlp.same_story``)."""
    leads = leads or {}

    def lead(sig: Signal) -> str:
        return next((leads[e] for e in sig.evidence_ids if e in leads), "")

    merged: list[Signal] = []
    for sig in signals:
        if not sig.type.startswith("media."):
            merged.append(sig)
            continue
        title = str(sig.attrs.get("title", ""))
        twin = next(
            (m for m in merged if m.type == sig.type and m.attrs.get("theme") == sig.attrs.get("theme")
             and same_story(title, str(m.attrs.get("title", "")), lead(sig), lead(m), title_ratio=SAME_STORY,
                            date_a=sig.attrs.get("date") or None, date_b=m.attrs.get("date") or None)),
            None,
        )
        if twin is None:
            merged.append(sig)
            continue
        twin.evidence_ids.extend(e for e in sig.evidence_ids if e not in twin.evidence_ids)
        outlets = [o for o in str(twin.attrs.get("outlet", "")).split(" / ") if o]
        if sig.attrs.get("outlet") and sig.attrs["outlet"] not in outlets:
            twin.attrs["outlet"] = " / ".join([*outlets, str(sig.attrs["outlet"])])
        if "confidence" in sig.attrs:
            twin.attrs["confidence"] = max(float(twin.attrs.get("confidence") or 0), float(sig.attrs["confidence"]))
    return merged
