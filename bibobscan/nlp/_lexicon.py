"""The risk lexicon and cue lists, loaded from the editable YAML files in ``lexicon/``.

Every entry is normalised with :func:`norm` (casefold, no diacritics), the same function
the pipeline uses for a token's ``NORM``, so ``cocaïne`` in a file matches ``Cocaine`` in
a text. Single words are looked up per word form (exact word, word start, compound head);
multi-word phrases become spaCy ``PhraseMatcher``/``Matcher`` patterns (see ``_pipeline``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ConfigError

THEME_IDS = (
    "drugs", "witwassen", "fraude", "geweld", "mensenhandel", "omg", "milieu", "zorgfraude",
    "cybercrime", "corruptie", "handhaving", "vastgoed", "havens", "ondermijning", "strafrecht",
)
CUE_KINDS = ("official_act", "victim", "cleared", "witness", "denial", "unknown_perpetrator", "prevention", "suspect")
ROLE_KINDS = ("reporter", "spokesperson", "official", "professional")

_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """Casefold and strip diacritics; punctuation stays (``b.v.``, ``'t``, ``pgb-fraude``)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("`", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def ends_in(word: str, heads: tuple[str, ...]) -> bool:
    """``word`` is one of ``heads`` or a compound ending in one ("transportbedrijf")."""
    return any(word == h or (word.endswith(h) and len(word) > len(h) + 2) for h in heads)


@dataclass(frozen=True, slots=True)
class WordRules:
    """Single-word matching rules: exact forms, word starts, compound heads, exclusions."""

    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()
    exclude_stems: tuple[str, ...] = ()

    inflect: bool = False  # also try the guessed base forms (theme lists only)

    def match(self, word: str) -> str | None:
        """The lexicon entry that ``word`` (already normalised) matches, or None.

        In order: an exact word, a word start (``stems``), a compound head (``heads``: the
        whole word or the last part of a compound, ``fraude`` and ``btw-fraude``), and,
        with ``inflect``, the exact words and heads for the base forms that
        :func:`base_forms` guesses (``fraudezaken`` -> ``fraudezaak``). Exclusions are
        checked for the word and for each base form."""
        if self._excluded(word):
            return None
        found = self._find(word, stems=True)
        if found is not None or not self.inflect:
            return found
        for base in base_forms(word):
            if self._excluded(base):
                return None
            found = self._find(base, stems=False)  # a base form starts like the word: stems were tried
            if found is not None:
                return found
        return None

    def _excluded(self, word: str) -> bool:
        if word in self.exclude or any(word.startswith(s) for s in self.exclude_stems):
            return True
        return "-" in word and word.replace("-", "") in self.exclude

    def _find(self, word: str, *, stems: bool) -> str | None:
        forms = [word, word.replace("-", "")] if "-" in word else [word]
        for form in forms:
            if form in self.words:
                return form
        for form in forms:
            if stems:
                for stem in self.stems:
                    if form.startswith(stem):
                        return stem
            for head in self.heads:
                if form.endswith(head):  # the whole word, or the last part of a compound
                    return head
        return None


_VOWELS = frozenset("aeiou")
MIN_BASE = 5  # a base form shorter than this is never guessed ("messen" -> "mes" is not)


def base_forms(word: str) -> list[str]:
    """Guessed base forms of a Dutch word by a small set of suffix rules (no dictionary,
    no model): the plural or verb ending ``-en`` (``aanslagen`` -> ``aanslag``) with
    consonant undoubling (``roofovervallen`` -> ``roofoverval``), open-syllable vowel
    doubling (``fraudezaken`` -> ``fraudezaak``) and ``z``/``v`` -> ``s``/``f``
    (``woekerprijzen`` -> ``woekerprijs``); the plural ``-s`` and ``-'s``. Only guesses
    of at least ``MIN_BASE`` letters are returned, and the lexicon lookup decides
    whether a guess is a word at all. This is not a lemmatiser: irregular forms, verb
    conjugations and adjective endings are not reduced."""
    out: list[str] = []

    def add(form: str) -> None:
        if len(form) >= MIN_BASE and form != word and form not in out:
            out.append(form)

    if word.endswith("'s"):
        add(word[:-2])
    elif word.endswith("en") and len(word) > 4:
        stem = word[:-2]
        if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
            add(stem[:-1])  # overvallen -> overval
        add(stem)  # moorden -> moord, aanslagen -> aanslag
        if len(stem) >= 3 and stem[-1] not in _VOWELS and stem[-2] in _VOWELS and stem[-3] not in _VOWELS:
            doubled = stem[:-1] + stem[-2] + stem[-1]
            add(doubled)  # zaken -> zaak
            if stem[-1] in "zv":
                add(doubled[:-1] + ("s" if stem[-1] == "z" else "f"))  # (open syllable + z/v)
        if stem[-1:] in ("z", "v"):
            add(stem[:-1] + ("s" if stem[-1] == "z" else "f"))  # woekerprijzen -> woekerprijs
    elif word.endswith("s") and len(word) > 4 and not word.endswith("ss"):
        add(word[:-1])  # plantages -> plantage, explosies -> explosie
    return out


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Terms that count only with one of ``with_words`` in the same sentence."""

    terms: frozenset[str]
    with_words: WordRules


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    rules: WordRules
    phrases: tuple[str, ...] = ()
    context: tuple[ContextRule, ...] = ()
    attack: frozenset[str] = frozenset()
    victim_forms: frozenset[str] = frozenset()
    subsumes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CueSet:
    kind: str
    rules: WordRules
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    themes: dict[str, Theme]
    cues: dict[str, CueSet]
    roles: dict[str, CueSet]
    weak_acts: frozenset[str]
    agent_acts: frozenset[str]
    relative: frozenset[str]
    prepositions: frozenset[str]
    speaker: frozenset[str]
    byline: tuple[str, ...]
    anaphora_person: frozenset[str]
    anaphora_definite: frozenset[str]
    company_heads: tuple[str, ...]
    company_members: tuple[str, ...]
    relations: frozenset[str]
    generic_actors: frozenset[str]
    determiners: frozenset[str]
    authorities: frozenset[str]
    company_types: frozenset[str]
    passive_aux: frozenset[str]
    perfect_aux: frozenset[str]
    clause_breaks: frozenset[str]
    contrast: frozenset[str]
    persons: dict[str, Any] = field(default_factory=dict)


def _strs(node: Any, where: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list) or not all(isinstance(x, (str, int)) for x in node):
        raise ConfigError(f"lexicon {where}: expected a list of words")
    return [_SPACES.sub(" ", norm(str(x))).strip() for x in node if str(x).strip()]


def _rules(node: dict[str, Any], where: str) -> WordRules:
    exclude = _strs(node.get("exclude"), f"{where}.exclude")
    return WordRules(
        words=frozenset(_strs(node.get("words"), f"{where}.words")),
        stems=tuple(_strs(node.get("stems"), f"{where}.stems")),
        heads=tuple(_strs(node.get("heads"), f"{where}.heads")),
        exclude=frozenset(w for w in exclude if not w.endswith("*")),
        exclude_stems=tuple(w[:-1] for w in exclude if w.endswith("*")),
    )


def _load_yaml(name: str) -> dict[str, Any]:
    path = resources.files("bibobscan.nlp").joinpath("lexicon", name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"lexicon file {name}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"lexicon file {name}: expected a mapping")
    return data


def _theme(data: dict[str, Any], name: str) -> Theme:
    theme_id = str(data.get("id", ""))
    if theme_id not in THEME_IDS:
        raise ConfigError(f"lexicon file {name}: unknown theme id {theme_id!r} (known: {', '.join(THEME_IDS)})")
    context = []
    for i, rule in enumerate(data.get("context") or []):
        if not isinstance(rule, dict):
            raise ConfigError(f"lexicon file {name}: context[{i}] must be a mapping with terms and with")
        with_words = _strs(rule.get("with"), f"{name}.context[{i}].with")
        context.append(ContextRule(
            terms=frozenset(_strs(rule.get("terms"), f"{name}.context[{i}].terms")),
            with_words=WordRules(
                words=frozenset(w for w in with_words if not w.endswith("*")),
                stems=tuple(w[:-1] for w in with_words if w.endswith("*")),
            ),
        ))
    rules = _rules(data, name)
    # Context terms are single words that must also be found by the word rules.
    extra = frozenset(t for c in context for t in c.terms)
    rules = WordRules(rules.words | extra, rules.stems, rules.heads, rules.exclude, rules.exclude_stems, inflect=True)
    subsumes = tuple(_strs(data.get("subsumes"), f"{name}.subsumes"))
    for other in subsumes:
        if other not in THEME_IDS:
            raise ConfigError(f"lexicon file {name}: subsumes unknown theme {other!r}")
    return Theme(
        id=theme_id,
        label=str(data.get("label") or theme_id),
        rules=rules,
        phrases=tuple(_strs(data.get("phrases"), f"{name}.phrases")),
        context=tuple(context),
        attack=frozenset(_strs(data.get("attack"), f"{name}.attack")),
        victim_forms=frozenset(_strs(data.get("victim_forms"), f"{name}.victim_forms")),
        subsumes=subsumes,
    )


def _cueset(kind: str, node: Any, where: str) -> CueSet:
    if not isinstance(node, dict):
        raise ConfigError(f"lexicon cues.yaml: {where} must be a mapping")
    return CueSet(kind, _rules(node, where), tuple(_strs(node.get("phrases"), f"{where}.phrases")))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shipped lexicon (cached). Raises ConfigError on a broken file."""
    themes: dict[str, Theme] = {}
    for theme_id in THEME_IDS:
        themes[theme_id] = _theme(_load_yaml(f"{theme_id}.yaml"), f"{theme_id}.yaml")
    cues = _load_yaml("cues.yaml")
    persons = _load_yaml("persons.yaml")
    roles_node = cues.get("roles") or {}
    if not isinstance(roles_node, dict):
        raise ConfigError("lexicon cues.yaml: roles must be a mapping")
    anaphora = cues.get("anaphora_person") or {}
    actors = cues.get("generic_actors") or {}
    return Lexicon(
        themes=themes,
        cues={k: _cueset(k, cues.get(k) or {}, k) for k in CUE_KINDS},
        roles={k: _cueset(k, roles_node.get(k) or {}, f"roles.{k}") for k in ROLE_KINDS},
        weak_acts=frozenset(_strs((cues.get("official_act") or {}).get("weak"), "official_act.weak")),
        agent_acts=frozenset(_strs((cues.get("official_act") or {}).get("agent"), "official_act.agent")),
        relative=frozenset(_strs(cues.get("relative"), "relative")),
        prepositions=frozenset(_strs(cues.get("prepositions"), "prepositions")),
        speaker=frozenset(_strs((cues.get("speaker") or {}).get("words"), "speaker.words")),
        byline=tuple(_strs((cues.get("byline") or {}).get("phrases"), "byline.phrases")),
        anaphora_person=frozenset(_strs(anaphora.get("words"), "anaphora_person.words")),
        anaphora_definite=frozenset(_strs(anaphora.get("definite"), "anaphora_person.definite")),
        company_heads=tuple(_strs((cues.get("anaphora_company") or {}).get("heads"), "anaphora_company.heads")
                            + _strs((cues.get("anaphora_company") or {}).get("members"), "anaphora_company.members")),
        company_members=tuple(_strs((cues.get("anaphora_company") or {}).get("members"), "anaphora_company.members")),
        relations=frozenset(_strs((cues.get("relations") or {}).get("words"), "relations.words")),
        generic_actors=frozenset(_strs(actors.get("words"), "generic_actors.words")),
        determiners=frozenset(_strs(actors.get("determiners"), "generic_actors.determiners")),
        authorities=frozenset(_strs((cues.get("authorities") or {}).get("words"), "authorities.words")),
        company_types=frozenset(_strs(cues.get("company_types"), "company_types")),
        passive_aux=frozenset(_strs(cues.get("passive_aux"), "passive_aux")),
        perfect_aux=frozenset(_strs(cues.get("perfect_aux"), "perfect_aux")),
        clause_breaks=frozenset(_strs(cues.get("clause_breaks"), "clause_breaks")),
        contrast=frozenset(_strs(cues.get("contrast"), "contrast")),
        persons=persons,
    )
