"""Basic Dutch adverse-media detection: a risk lexicon per theme, linked to the subject
only when a risk term stands in the same or an adjacent sentence as the subject's name.

The subject as victim, witness or acquitted person drops the finding; a denial lowers
its confidence. Issue 4 replaces this with a spaCy pipeline and a labelled benchmark;
until then it is a lexicon, and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resolve.names import fold, mentions

# Theme -> folded word stems; a stem matches at the start of a word.
THEMES: dict[str, tuple[str, ...]] = {
    "drugs": ("drugs", "cocaine", "heroine", "hennep", "wietplantage", "wietkwekerij", "xtc", "amfetamine", "synthetische drugs", "opiumwet", "drugslab", "drugsvondst", "drugshandel", "drugsdeal"),
    "witwassen": ("witwas", "crimineel geld", "zwart geld", "contant geld verborgen"),
    "fraude": ("fraude", "oplichting", "opgelicht", "oplichter", "valsheid in geschrift", "faillissementsfraude", "belastingfraude"),
    "geweld": ("vechtpartij", "mishandel", "steekpartij", "schietpartij", "geweld", "bedreig", "liquidatie", "explosie", "aanslag", "afpersing"),
    "mensenhandel": ("mensenhandel", "uitbuiting", "arbeidsuitbuiting", "gedwongen prostitutie", "mensensmokkel"),
    "omg": ("motorclub", "outlaw", "hells angels", "satudarah", "bandidos", "no surrender"),
    "milieu": ("milieudelict", "drugsafval", "illegale lozing", "afvaldumping", "milieucriminaliteit"),
    "zorgfraude": ("zorgfraude", "pgb fraude", "wmo fraude", "zorggeld"),
    "cybercrime": ("phishing", "ransomware", "cybercrime", "gehackt", "hacker", "datadiefstal"),
    "corruptie": ("omkoping", "omgekocht", "corruptie", "smeergeld", "steekpenning"),
    "handhaving": ("bibob", "sluit", "gesloten", "sluiting", "vergunning ingetrokken", "intrekking", "last onder dwangsom", "bestuurlijke boete"),
}
PROCEDURE = ("aangehouden", "opgepakt", "verdacht", "verdachte", "veroordeeld", "arrestatie", "gearresteerd", "inval", "doorzoeking", "strafzaak", "eist", "ondervraagd", "onderzoek naar")
VICTIM = ("slachtoffer", "beroofd", "overvallen", "belaagd")
ACQUITTED = ("vrijgesproken", "vrijspraak", "geseponeerd", "onschuldig")
WITNESS = ("getuige",)
DENIAL = ("ontkent", "ontkende", "spreekt van een misverstand", "spreekt van misverstand", "niets mee te maken")

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s+[-–]\s+|\n+")


@dataclass(frozen=True, slots=True)
class MediaFinding:
    theme: str
    confidence: float
    cue: str
    sentence: str
    reasons: tuple[str, ...]


def _has(stems: tuple[str, ...], folded: str) -> str | None:
    for stem in stems:
        if re.search(rf"(?<!\w){re.escape(fold(stem))}", folded):
            return stem
    return None


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s and s.strip()]


def assess_text(text: str, names: list[str], *, company: bool = False) -> tuple[list[MediaFinding], list[str]]:
    """Findings per theme, and the reasons why findings were dropped (victim, ...)."""
    parts = sentences(text)
    mentioned = [i for i, s in enumerate(parts) if any(mentions(s, n, company=company) for n in names)]
    if not mentioned:
        return [], ["Het onderwerp wordt niet genoemd."]
    window: set[int] = set()
    for i in mentioned:
        window.update({i - 1, i, i + 1})
    near = [parts[i] for i in sorted(window) if 0 <= i < len(parts)]
    near_folded = fold(" ".join(near))
    mention_folded = fold(" ".join(parts[i] for i in mentioned))

    for cues, why in ((VICTIM, "het onderwerp is slachtoffer"), (ACQUITTED, "het onderwerp is vrijgesproken of de zaak is geseponeerd"), (WITNESS, "het onderwerp is getuige")):
        cue = _has(cues, mention_folded) or _has(cues, near_folded)
        if cue:
            return [], [f"Niet als negatief meegeteld: {why} ('{cue}')."]

    denial = _has(DENIAL, near_folded)
    procedure = _has(PROCEDURE, near_folded)
    findings: list[MediaFinding] = []
    for theme, stems in THEMES.items():
        cue = _has(stems, near_folded)
        if not cue:
            continue
        confidence = 0.6
        reasons = [f"Risicoterm '{cue}' ({theme}) staat in dezelfde of een aangrenzende zin als de naam."]
        if procedure:
            confidence += 0.2
            reasons.append(f"Strafrechtelijke of bestuurlijke context: '{procedure}'.")
        if denial:
            confidence *= 0.6
            reasons.append(f"Het onderwerp ontkent ('{denial}'): lagere zekerheid.")
        findings.append(MediaFinding(theme, round(min(confidence, 1.0), 2), cue, " ".join(near), tuple(reasons)))
    return findings, [] if findings else ["Geen risicoterm bij de naam gevonden."]
