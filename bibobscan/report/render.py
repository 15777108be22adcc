"""Render a Report as self-contained Dutch HTML (inline CSS, no scripts, no external
requests) and as JSON with the same content. Rendering never decides anything."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import jinja2

from ..model import (
    RELIABILITY_LABELS,
    Degree,
    DispositionAction,
    Evidence,
    Outcome,
    Reliability,
    Report,
    SourceStatus,
    SubjectKind,
    Verdict,
)
from ..resources import templates_dir
from .inert import inert
from .integrity import digest_of, sealed

STATUS_LABELS = {
    SourceStatus.OK: "geraadpleegd, met treffers",
    SourceStatus.NO_RESULTS: "geraadpleegd, geen treffers",
    SourceStatus.FAILED: "mislukt",
    SourceStatus.TIMEOUT: "time-out",
    SourceStatus.RATE_LIMITED: "geweigerd door bron (te veel verzoeken)",
    SourceStatus.NOT_CONFIGURED: "niet geconfigureerd",
    SourceStatus.SKIPPED: "niet van toepassing",
}
VERDICT_LABELS = {Verdict.MATCH: "toegeschreven", Verdict.POSSIBLE: "mogelijke naamgenoot", Verdict.NO_MATCH: "niet toegeschreven"}
INDICATOR_STATUS_LABELS = {"experimental": "experimenteel", "test": "test", "stable": "stabiel", "deprecated": "vervallen"}
FILE_STATUS_LABELS = {
    "concept": "concept", "gescand": "gescand", "beoordeeld": "beoordeeld (afgetekend)", "zienswijze": "zienswijze vastgelegd",
    "vastgesteld": "vastgesteld", "gearchiveerd": "gearchiveerd", "vernietigd": "vernietigd",
}
RAW_BODY_LABELS = {
    "in_store": "bewaard in het dossier zolang de zaak open is (in te zien door de behandelaar)",
    "dropped": "verwijderd bij het vaststellen van het dossier (minimalisatie); de hashes blijven",
    "kept": "bewaard in het gearchiveerde dossier (instelling keep_raw_bodies)",
    "": "niet bewaard (rapport buiten een dossier)",
}
# Features the review stage puts on an item (bibobscan.review)
CLEARED_FEATURES = ("person_namesake", "person_not_relevant")


def safe_url(value: Any) -> str:
    """Only http(s) URLs become links; anything else (javascript:, data:) renders as '#'."""
    text = str(value or "")
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else "#"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # everything from outside is escaped, always
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=inert,  # no control characters, no hidden text direction (report/inert.py)
    )
    env.filters["safe_url"] = safe_url
    env.filters["status_label"] = lambda s: STATUS_LABELS.get(SourceStatus(s), str(s))
    env.filters["verdict_label"] = lambda v: VERDICT_LABELS.get(Verdict(v), str(v))
    env.filters["kind_label"] = lambda k: SubjectKind(k).dutch
    env.filters["dt"] = lambda d: d.strftime("%Y-%m-%d %H:%M UTC") if d else "—"
    env.filters["pct"] = lambda x: f"{float(x):.0%}"
    env.filters["reliability_label"] = reliability_label
    env.filters["indicator_status"] = lambda s: INDICATOR_STATUS_LABELS.get(str(s), str(s) or "onbekend")
    env.filters["file_status"] = lambda s: FILE_STATUS_LABELS.get(str(s), str(s))
    env.filters["raw_bodies"] = lambda s: RAW_BODY_LABELS.get(str(s), str(s))
    env.filters["degree_label"] = lambda d: Degree(d).dutch
    env.filters["action_label"] = lambda a: DispositionAction(a).dutch
    return env


def reliability_label(value: str) -> str:
    try:
        return RELIABILITY_LABELS[Reliability(value)]
    except ValueError:
        return RELIABILITY_LABELS[Reliability.UNKNOWN]


def split_evidence(report: Report) -> dict[str, list[Evidence]]:
    """Evidence grouped for the report: attributed, possible namesakes, namesakes ruled
    out (named but contradicted), items that do not mention the subject at all, and
    items a person cleared (namesake, not relevant) — those are shown only under
    "beoordeelde treffers", never as attributed."""
    groups: dict[str, list[Evidence]] = {"match": [], "possible": [], "ruled_out": [], "unrelated": [], "cleared": []}
    for ev in report.evidence:
        verdict = ev.match.verdict if ev.match else Verdict.POSSIBLE
        if ev.match and any(f.name in CLEARED_FEATURES for f in ev.match.features):
            groups["cleared"].append(ev)
        elif verdict is Verdict.MATCH:
            groups["match"].append(ev)
        elif verdict is Verdict.POSSIBLE:
            groups["possible"].append(ev)
        elif ev.match and any(f.name == "not_mentioned" for f in ev.match.features):
            groups["unrelated"].append(ev)
        elif ev.match and any(f.name in ("name_mentioned", "name_similarity") and f.weight >= 0.5 for f in ev.match.features):
            groups["ruled_out"].append(ev)
        else:
            groups["unrelated"].append(ev)
    return groups


def suppressions(report: Report) -> dict[str, list[str]]:
    """Evidence id -> what the scoring profile suppressed it for ("indicator: reason")."""
    out: dict[str, list[str]] = {}
    for hit in report.indicators:
        for eid in hit.suppressed_ids:
            out.setdefault(eid, []).extend(f"{hit.title}: {r}" for r in hit.suppressed)
    return out


def render_html(report: Report) -> str:
    template = environment().get_template("report.html.j2")
    groups = split_evidence(report)
    by_id = {e.id: e for e in report.evidence}
    used = {eid for h in report.indicators for eid in h.evidence_ids}
    suppressed = suppressions(report)
    reliability = {s.source: s.reliability for s in report.sources}
    effective = report.review.effective()
    return template.render(
        r=report,
        groups=groups,
        by_id=by_id,
        hits=[h for h in report.indicators if h.outcome is Outcome.HIT],
        no_hits=[h for h in report.indicators if h.outcome is Outcome.NO_HIT],
        insufficient=[h for h in report.indicators if h.outcome is Outcome.INSUFFICIENT],
        other_matches=[e for e in groups["match"] if e.id not in used and e.id not in suppressed],
        suppressed=suppressed,
        suppressed_items=[by_id[i] for i in suppressed if i in by_id and i not in used],
        reliability=reliability,
        dispositions=effective,
        confirmed=[by_id[d.evidence_id] for d in effective.values() if d.action is DispositionAction.CONFIRMED and d.evidence_id in by_id],
        lapsed=[e for e in report.evidence if e.match and any(f.name == "person_review_lapsed" for f in e.match.features)],
        json_digest=digest_of(report.to_dict()),
        used_ids=used,
    )


def render_json(report: Report) -> str:
    """The report as JSON with its integrity digest (see :mod:`.integrity`)."""
    return json.dumps(sealed(report.to_dict()), ensure_ascii=False, indent=2, sort_keys=False)


def slug(text: str) -> str:
    flat = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return flat[:60] or "rapport"
