"""An installed Dutch spaCy model (``nl_core_news_*``) as an extra signal, never required.

No Dutch model is published on PyPI, so nothing here is needed: when a package named
``nl_core_news_lg``, ``_md`` or ``_sm`` is installed, its named-entity recogniser adds
person names (``PER``) that the rules in ``_persons`` missed. Set the environment
variable ``BIBOBSCAN_NLP_MODEL`` to ``none`` to switch this off, or to a package name
to pick one.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

CANDIDATES = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")


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

        return spacy.load(name, exclude=["lemmatizer", "parser", "morphologizer", "tagger", "attribute_ruler", "senter"])
    except (OSError, ImportError, ValueError):  # a broken model is not worth failing a scan
        return None


def optional_model() -> Language | None:
    name = model_name()
    return _load(name) if name else None


def model_person_chars(text: str) -> list[tuple[int, int]]:
    """Character spans of PER entities from the optional model (empty without one)."""
    nlp = optional_model()
    if nlp is None:
        return []
    return [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ in ("PER", "PERSON")]
