"""The data tables under ``tables/``, loaded once per process.

Everything language-specific lives in those files (see tables/SOURCES.md), not in
code: particles, titles, given-name groups, organisation words and legal forms.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ._text import chunk_texts, chunk_words, fold_text


def _read(name: str) -> str:
    return resources.files("bibobscan.matching").joinpath("tables", name).read_text(encoding="utf-8")


def _yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_read(name))
    if not isinstance(data, dict):
        raise ValueError(f"matching table {name} is not a mapping")
    return data


def _words(values: Any) -> frozenset[str]:
    return frozenset(fold_text(str(v)) for v in values or [] if fold_text(str(v)))


@dataclass(frozen=True, slots=True)
class PersonTables:
    strict_particles: frozenset[str]
    loose_particles: frozenset[str]
    titles: frozenset[str]
    surname_titles: frozenset[str]  # titles that are also surnames (see titles.yaml)
    generations: dict[str, str]
    given_groups: dict[str, frozenset[int]]  # folded call name -> ids of its group (one at most)
    spelling_groups: dict[str, frozenset[int]]  # folded name -> ids of its transliteration group


def _groups(lists: Any) -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for gid, group in enumerate(lists or []):
        for name in group:
            key = fold_text(str(name)).replace(" ", "")
            if key:
                groups.setdefault(key, set()).add(gid)
    return {k: frozenset(v) for k, v in groups.items()}


@functools.cache
def person_tables() -> PersonTables:
    particles = _yaml("particles.yaml")
    titles = _yaml("titles.yaml")
    given = _yaml("given_names.yaml")
    generations = {fold_text(str(k)): str(v) for k, v in (titles.get("generation") or {}).items()}
    call_names = given.get("call_names") or {}
    return PersonTables(
        strict_particles=_words(particles.get("strict")),
        loose_particles=_words(particles.get("loose")),
        titles=_words(titles.get("titles")) - set(generations),
        surname_titles=_words(titles.get("surname_titles")),
        generations=generations,
        given_groups=_groups([*(call_names.get("male") or []), *(call_names.get("female") or [])]),
        spelling_groups=_groups(given.get("spellings")),
    )


@functools.cache
def spelling_rules() -> tuple[tuple[str, str], ...]:
    rules = _yaml("spelling.yaml").get("rules") or []
    return tuple((str(a), str(b)) for a, b in rules)


@dataclass(frozen=True, slots=True)
class OrgTables:
    stop: frozenset[str]
    structural: frozenset[str]
    generic: frozenset[str]
    synonyms: dict[str, str]
    numbers: dict[str, int]


@functools.cache
def org_tables() -> OrgTables:
    data = _yaml("org_words.yaml")
    structural = _words(data.get("structural"))
    return OrgTables(
        stop=_words(data.get("stop")) | {"&"},
        structural=structural,
        generic=_words(data.get("generic")) - structural,
        synonyms={fold_text(str(k)): fold_text(str(v)) for k, v in (data.get("synonyms") or {}).items()},
        numbers={fold_text(str(k)): int(v) for k, v in (data.get("numbers") or {}).items()},
    )


@dataclass(frozen=True, slots=True)
class LegalForm:
    """One legal-form alias as found in a name, with what it may stand for."""

    key: str  # the alias as folded tokens joined by spaces ("bv", "besloten vennootschap")
    groups: frozenset[str]  # ids of the forms it can denote ("NL:bv", "ELF:54M6", ...)
    generics: frozenset[str]  # coarse kinds (LLC, JSC, ...) - empty when unknown
    modifier: bool  # a note on the form ("in oprichting"), never compared
    display: str
    scripts: frozenset[str] = frozenset({"LATIN"})  # the scripts the sources write it in ("ООО": CYRILLIC)
    written: str = ""  # set when the name wrote the form with a typing error: the words as written


@dataclass(frozen=True, slots=True)
class LegalFormTable:
    by_tokens: dict[tuple[str, ...], LegalForm]
    longest: int
    # long forms of several words by (number of words, last word), for forms written
    # with a typing error in one of the other words ("Joimt Stock Company")
    by_last_word: dict[tuple[int, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # the first and the last word of every form: a name that starts (ends) with none of
    # them has no form at its start (end), so most names are looked up no further
    first_words: frozenset[str] = frozenset()
    last_words: frozenset[str] = frozenset()


def company_alias_tokens(alias: str) -> tuple[str, ...]:
    """An alias in the token form company names are cut into (see _normalise)."""
    return tuple(chunk_texts(alias, collapse_letters=True))


@functools.cache
def legal_forms() -> LegalFormTable:
    """Aliases from the project's Dutch table plus the generated legal_forms.csv."""
    found: dict[tuple[str, ...], dict[str, Any]] = {}

    def add(alias: str, group: str, generic: str, modifier: bool, display: str) -> None:
        words = chunk_words(alias, collapse_letters=True)
        tokens = tuple(w.text for w in words)
        if not tokens:
            return
        entry = found.setdefault(tokens, {"groups": set(), "generics": set(), "modifier": modifier, "display": display,
                                          "scripts": set()})
        entry["groups"].add(group)
        entry["scripts"].update(w.script for w in words)
        if generic:
            entry["generics"].add(generic)
        entry["modifier"] = entry["modifier"] and modifier

    nl = _yaml("legal_forms_nl.yaml")
    for form in nl.get("forms") or []:
        group = f"NL:{form['key']}"
        elf = f"ELF:{form['elf']}" if form.get("elf") else None
        for alias in form.get("aliases") or []:
            add(str(alias), group, str(form.get("generic") or ""), False, str(form.get("display") or alias))
            if elf:
                add(str(alias), elf, str(form.get("generic") or ""), False, str(form.get("display") or alias))
    for i, modifiers in enumerate(nl.get("modifiers") or []):
        for alias in modifiers:
            add(str(alias), f"NL:modifier{i}", "", True, str(alias))
    for row in csv.DictReader(io.StringIO(_read("legal_forms.csv"))):
        add(row["alias"], row["group"], row.get("generic") or "", False, row.get("display") or row["alias"])
    table = {
        tokens: LegalForm(
            key=" ".join(tokens),
            groups=frozenset(e["groups"]),
            generics=frozenset(e["generics"]),
            modifier=bool(e["modifier"]),
            display=str(e["display"]),
            scripts=frozenset(e["scripts"]),
        )
        for tokens, e in found.items()
    }
    by_last: dict[tuple[int, str], list[tuple[str, ...]]] = {}
    for tokens, form in table.items():
        if len(tokens) >= FUZZY_FORM_WORDS and not form.modifier and len("".join(tokens)) >= FUZZY_FORM_MIN and form.scripts == {"LATIN"}:
            by_last.setdefault((len(tokens), tokens[-1]), []).append(tokens)
    return LegalFormTable(by_tokens=table, longest=max((len(t) for t in table), default=1),
                          by_last_word={k: tuple(v) for k, v in by_last.items()},
                          first_words=frozenset(t[0] for t in table), last_words=frozenset(t[-1] for t in table))


FUZZY_FORM_MIN = 12  # letters; shorter forms must be written exactly
FUZZY_FORM_WORDS = 3  # words; a two-word form ("project company") is too close to a name
