"""Dutch adverse-media detection: a spaCy pipeline on ``spacy.blank("nl")`` plus rules.

>>> from bibobscan.nlp import assess
>>> result = assess("Bram Voorbeeld is aangehouden voor witwassen.", ["Bram Voorbeeld"])
>>> result.adverse, result.themes, result.confidence
(True, ['witwassen'], 0.8)

- :func:`assess` / :func:`assess_many`: findings per theme for one subject per text;
  batches go through ``nlp.pipe``. The pipeline is built once per process.
- :func:`find_persons`: rule-based person-name mentions (plus an installed
  ``nl_core_news_*`` model's NER when present).
- :func:`same_story` / :func:`group_stories`: near-duplicate stories across outlets.
- The risk lexicon and cue lists are YAML files in ``bibobscan/nlp/lexicon/``.

spaCy is imported on first use, so importing this package is cheap.
See docs/adverse-media.md for how it works and its limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ._lexicon import THEME_IDS, Lexicon, load_lexicon, norm
from ._model import model_name
from ._stories import clean_title, group_stories, same_story
from ._types import THRESHOLD, Assessment, Finding

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "THEME_IDS", "THRESHOLD", "Assessment", "Finding", "Lexicon", "assess", "assess_many",
    "clean_title", "find_persons", "get_nlp", "group_stories", "load_lexicon", "model_name",
    "norm", "same_story",
]


def get_nlp() -> Language:
    """The shared spaCy pipeline (built once per process)."""
    from ._pipeline import get_nlp as build

    return build()


def _names(names: str | Sequence[str]) -> tuple[str, ...]:
    items = [names] if isinstance(names, str) else list(names)
    return tuple(n.strip() for n in items if n and n.strip())


def assess(text: str, names: str | Sequence[str], *, company: bool = False) -> Assessment:
    """Assess one text for one subject (a person, or a company with ``company=True``)."""
    return assess_many([(text, names, company)])[0]


def assess_many(items: Iterable[tuple[str, str | Sequence[str], bool]], *, batch_size: int = 64) -> list[Assessment]:
    """Assess many (text, names, company) items in one ``nlp.pipe`` pass.

    A text longer than 100,000 characters is reduced to the passages around the
    subject's name first (see ``_long``), so a text of any length works. When an
    ``nl_core_news_*`` model is installed, its entities and lemmas are used as well (see
    ``_model``)."""
    from ._assess import assess_parsed
    from ._long import LONG_NOTE, Part, map_back, merge_assessments, reduce_text
    from ._model import describe, model_view, optional_model
    from ._pipeline import parse_many, window_of
    from ._subject import subject_matcher

    rows = [(text or "", _names(names), company) for text, names, company in items]
    if not rows:
        return []
    # one job per text, or per part of a long text: (row, part, names, company)
    jobs: list[tuple[int, Part | None, tuple[str, ...], bool]] = []
    for index, (text, names, company) in enumerate(rows):
        if not names:
            jobs.append((index, None, names, company))
        else:
            jobs.extend((index, part, names, company) for part in reduce_text(text, names))
    model = optional_model()
    name = describe(model) if model is not None else None
    docs = parse_many(((part.text if part else "", subject_matcher(names, company) if names else None)
                       for _, part, names, company in jobs), batch_size)
    done: list[list[tuple[Part | None, Assessment]]] = [[] for _ in rows]
    for (index, part, names, company), doc in zip(jobs, docs):
        if not names:
            done[index].append((part, Assessment((), ("Geen naam van het onderwerp opgegeven.",))))
            continue
        view = None
        if model is not None and name is not None and any(not m.namesake for m in doc._.bibob_mentions or []):
            view = model_view(doc, model, name, window_of(doc))
        result = assess_parsed(doc, company, model=view, text=part.text if part is not None else None)
        done[index].append((part, map_back(result, part) if part is not None else result))
    results: list[Assessment] = []
    for (text, _, _), row in zip(rows, done):
        whole = len(row) == 1 and (row[0][0] is None or len(row[0][0].text) == len(text))
        if whole:
            results.append(row[0][1])
            continue
        kept = sum(len(p.text) for p, _ in row if p is not None)
        more = f", in {len(row)} delen" if len(row) > 1 else ""
        note = LONG_NOTE.format(n=len(text), kept=kept, parts=more)
        results.append(merge_assessments([r for _, r in row], list(THEME_IDS), note))
    return results


def find_persons(text: str) -> list[tuple[int, int, str]]:
    """Person-name mentions as (start_char, end_char, text): the rules first, then the
    optional model's PER entities that do not overlap them."""
    from ._model import model_person_chars

    doc = get_nlp()(text)
    spans = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in doc._.bibob_persons or []]
    for a, b in model_person_chars(text):
        if not any(a < y and x < b for x, y in spans):
            spans.append((a, b))
    return [(a, b, text[a:b]) for a, b in sorted(spans)]
