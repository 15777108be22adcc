"""An installed Dutch spaCy model (``nl_core_news_*``) as an extra signal, never required.

No Dutch model is published on PyPI, so nothing here is needed and the project installs
none. When a package named ``nl_core_news_lg``, ``_md`` or ``_sm`` is installed, it is
run on the sentences around the subject's mentions (the *window*) and gives:

- named entities (``PER``/``PERSON``, ``ORG``): a ``PER`` (for a company: ``ORG``)
  entity over a mention of the subject raises the confidence of findings next to it; a
  ``PER`` or ``ORG`` entity that is someone else becomes an *other* actor, so a risk
  term after it in its clause is not linked to the subject;
- lemmas: a word the lexicon does not know in its written form is looked up once more
  by the model's lemma (``ontvoerde`` -> ``ontvoeren``).

``find_persons`` also adds the model's ``PER`` entities. Set the environment variable
``BIBOBSCAN_NLP_MODEL`` to ``none`` to switch this off, or to a package name to pick
one. This path is tested with a stand-in spaCy pipeline (an entity ruler and a lemma
table), not with a real ``nl_core_news_*`` model: its effect on the benchmarks has not
been measured.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

CANDIDATES = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")
PERSON_LABELS = frozenset({"PER", "PERSON"})
ORG_LABELS = frozenset({"ORG"})


def model_name() -> str | None:
    """The model package that will be used, or None."""
    wanted = os.environ.get("BIBOBSCAN_NLP_MODEL", "auto").strip()
    if wanted.lower() in ("", "none", "off", "0", "false", "no"):
        return None
    names = CANDIDATES if wanted.lower() == "auto" else (wanted,)
    for name in names:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@lru_cache(maxsize=2)
def _load(name: str) -> Language | None:
    try:
        import spacy

        # the dependency parser and sentence splitter are not used; NER and the lemmatiser
        # (with the tagger/morphologizer it may need) are
        return spacy.load(name, exclude=["parser", "senter"])
    except (OSError, ImportError, ValueError):  # a broken model is not worth failing a scan
        return None


def optional_model() -> Language | None:
    name = model_name()
    return _load(name) if name else None


def describe(model: Language) -> str:
    """The package name of a loaded model (``nl_core_news_sm``)."""
    return f"{model.lang}_{model.meta.get('name', 'model')}"


def model_person_chars(text: str) -> list[tuple[int, int]]:
    """Character spans of PER entities from the optional model (empty without one)."""
    nlp = optional_model()
    if nlp is None:
        return []
    return [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ in PERSON_LABELS]


@dataclass(frozen=True)
class ModelView:
    """What the optional model says about the window of one parsed text, in the token
    positions of that (blank-pipeline) Doc."""

    name: str
    entities: tuple[tuple[int, int, str], ...] = ()  # (start, end, label)
    lemmas: dict[int, str] = field(default_factory=dict)  # token -> lemma, where it differs from the word


def model_view(doc: Doc, model: Language, name: str, ranges: list[tuple[int, int]]) -> ModelView:
    """Run ``model`` on the token ranges ``ranges`` of ``doc`` (whole sentences) and map
    its entities and lemmas back onto ``doc``'s tokens by character offset."""
    from ._lexicon import norm

    stretches: list[tuple[int, int]] = []
    for a, b in ranges:
        if a >= b:
            continue
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        if stretches and start <= stretches[-1][1] + 1:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    by_char = {t.idx: t.i for a, b in ranges for t in doc[a:b]}
    entities: list[tuple[int, int, str]] = []
    lemmas: dict[int, str] = {}
    texts = [doc.text[a:b] for a, b in stretches]
    for (offset, _), parsed in zip(stretches, model.pipe(texts)):
        for ent in parsed.ents:
            span = doc.char_span(offset + ent.start_char, offset + ent.end_char, alignment_mode="expand")
            if span is not None and len(span):
                entities.append((span.start, span.end, ent.label_))
        for token in parsed:
            i = by_char.get(offset + token.idx)
            lemma = norm(token.lemma_) if token.lemma_ else ""
            if i is not None and lemma and doc[i].text == token.text and lemma != norm(token.text):
                lemmas[i] = lemma
    return ModelView(name, tuple(entities), lemmas)
