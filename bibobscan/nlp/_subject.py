"""Mentions of the subject in a parsed text, and namesakes kept apart.

Person ``Jeroen van Klaverstein``: the full name, the first given name with the surname,
initials with the surname (``J. van Klaverstein``), a title with the surname
(``dhr. Van Klaverstein``), and the surname alone (``Van Klaverstein``) as a later
reference once the subject was named in full. A surname preceded by another first name
or by another initial (``Marco van Klaverstein``, ``M. van Klaverstein``) is a namesake.

Company ``Voorbeeld Shisha Lounge B.V.``: the name with or without its legal form (the
legal form alone never counts) and, when at least two distinctive words remain, the name
without a leading kind of business (``Cafetaria De Gouden Hoek`` -> ``De Gouden Hoek``).

A company's name as the first part of a compound for one of its people or things
(``Jumbo-topman``, ``Vestia-kasbeheerder``, ``Ahold-chauffeur``; the second part one of
``anaphora_company.members`` in cues.yaml) is a mention of form ``company_member``: what
is told of that person counts for the company, with the lower confidence of a company
link (see ``_assess``).

Matching is a spaCy ``PhraseMatcher`` on ``NORM`` (casefolded, without diacritics).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..resolve.names import fold, strip_legal_form
from ._lexicon import ends_in, load_lexicon, norm
from ._persons import _is_cap, _is_first, _is_initials, _tables
from ._pipeline import get_nlp

_ARTICLES = frozenset({"de", "het", "'t", "t", "een"})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    form: str  # full | initials | title | surname | company | company_short | company_member
    namesake: bool = False
    text: str = ""


def _tokens(text: str) -> list[str]:
    return [norm(t.text) for t in get_nlp().make_doc(text) if not t.is_space]


def _token_variants(name: str) -> list[list[str]]:
    """The name's tokens as they come out alone, inside a sentence and without a final dot:
    "Arno E.M." alone ends in "E.M" + "." but reads "E.M." before a comma; "Sander K." is
    "K" + ".." at the end of a sentence."""
    variants = [_tokens(name), _tokens(name + " x")[:-1]]
    if name.rstrip().endswith("."):
        variants.append(_tokens(name.rstrip().rstrip(".")))
    out: list[list[str]] = []
    for v in variants:
        if v and v not in out:
            out.append(v)
    return out


class SubjectMatcher:
    """Finds the subject (one or more names of one person or one company) in a Doc."""

    def __init__(self, names: tuple[str, ...], company: bool) -> None:
        self.names = names
        self.company = company
        nlp = get_nlp()
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.given_initials: set[str] = set()
        self.given_names: set[str] = set()
        self.short_forms: set[tuple[str, ...]] = set()
        self.cores: set[tuple[str, ...]] = set()  # a company's name words without legal form
        patterns: dict[str, set[tuple[str, ...]]] = {}
        for name in names:
            for tokens in _token_variants(name):
                for form, words in (self._company_forms(tokens) if company else self._person_forms(tokens)):
                    if words:
                        patterns.setdefault(form, set()).add(words)
        for form, variants in patterns.items():
            # built from the words themselves: tokenising "arno e.m." again would split the final dot
            self.matcher.add(form, [Doc(nlp.vocab, words=list(v)) for v in sorted(variants)])

    def _company_forms(self, words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        whole = fold(" ".join(words))
        stripped = strip_legal_form(whole)
        core = words
        for a in range(len(words)):
            for b in range(len(words), a, -1):
                if fold(" ".join(words[a:b])) == stripped:
                    core = words[a:b]
                    break
            else:
                continue
            break
        folded_core = fold(" ".join(core))
        if not folded_core or strip_legal_form("x " + folded_core) == "x":
            return []  # the name is only a legal form ("B.V."): that never identifies anyone
        forms: list[tuple[str, tuple[str, ...]]] = [("company", tuple(core))]
        self.cores.add(tuple(core))
        if len(core) > 1 and core[0] in load_lexicon().company_types:
            rest = core[1:]
            if sum(1 for w in rest if w not in _ARTICLES) >= 2:
                forms.append(("company_short", tuple(rest)))
                self.short_forms.add(tuple(rest))
        return forms

    def _person_forms(self, words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        t = _tables()
        if not words:
            return []
        # given names: leading words up to the first tussenvoegsel, keeping at least one surname word
        k = 0
        while k < len(words) - 1 and words[k] not in t.particles:
            k += 1
        given, surname = words[:k], words[k:]
        forms: list[tuple[str, tuple[str, ...]]] = [("full", tuple(words))]
        if not given:
            return forms
        self.given_names.update(given)
        self.given_initials.update(g[0] for g in given)
        if len(given) > 1:
            forms.append(("full", (given[0], *surname)))
        initials = [g[0] for g in given]
        for variant in ({initials[0] + "."}, {initials[0]}, {"".join(i + "." for i in initials)}):
            for v in variant:
                forms.append(("initials", (v, *surname)))
        if len(initials) > 1:
            forms.append(("initials", (*(i + "." for i in initials), *surname)))
        for title in ("dhr.", "dhr", "mevr.", "mevr", "mw.", "mevrouw", "meneer", "mijnheer", "heer"):
            forms.append(("title", (title, *surname)))
        forms.append(("surname", tuple(surname)))
        return forms

    def find(self, doc: Doc) -> list[Mention]:
        strings = doc.vocab.strings
        raw = sorted(((strings[m], s, e) for m, s, e in self.matcher(doc)), key=lambda x: (x[1], -(x[2] - x[1])))
        taken: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        named = False
        for form, start, end in raw:
            if any(s <= start < e or s < end <= e for s, e in taken):
                continue
            text = doc[start:end].text
            if form == "company_short" and not doc[start:end][-1].text[:1].isupper():
                continue
            if end - start == 1 and not doc[start].text[:1].isupper() and not (self.company and "." in doc[start].text):
                continue  # a one-word name ("Voorbeeld") only as a name, not as the word "voorbeeld" (a web address may be lower case)
            if form == "surname":
                if not doc[end - 1].text[:1].isupper():
                    continue
                other = self._namesake_before(doc, start)
                if other >= 0:
                    taken.append((other, end))
                    mentions.append(Mention(other, end, "surname", True, doc[other:end].text))
                    continue
                if not named:
                    continue  # a bare surname counts only after the subject was named
            if not self.company and form in ("full", "initials") and end < len(doc) and self._longer_name(doc, end):
                # "Youssef Amrani Yahyaoui" when the subject is Youssef Amrani: another
                # person, whose name goes on
                taken.append((start, end + 1))
                mentions.append(Mention(start, end + 1, form, True, doc[start:end + 1].text))
                continue
            if form in ("full", "initials", "title"):
                named = True
            taken.append((start, end))
            mentions.append(Mention(start, end, form, False, text))
        if self.company:
            mentions.extend(self._member_compounds(doc, taken))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _member_compounds(self, doc: Doc, taken: list[tuple[int, int]]) -> list[Mention]:
        """``Jumbo-topman``: the company's name, then a hyphen and one of its people or
        things, in one word (a name of several words: its last word is the compound's
        first part, "Holland Casino-directeur")."""
        if "-" not in doc.text:
            return []
        members = load_lexicon().company_members
        out: list[Mention] = []
        hyphenated = [t.i for t in doc if "-" in t.text]
        for core in self.cores:
            last, before = core[-1], core[:-1]
            for i in hyphenated:
                word = norm(doc[i].text)
                if i < len(before) or not word.startswith(last + "-") or any(s <= i < e for s, e in taken):
                    continue
                rest = word[len(last) + 1:]
                if not ends_in(rest, members):
                    continue
                start = i - len(before)
                if tuple(norm(t.text) for t in doc[start:i]) != before or not doc[start].text[:1].isupper():
                    continue
                taken.append((start, i + 1))
                out.append(Mention(start, i + 1, "company_member", False, doc[start:i + 1].text))
        return out

    def _longer_name(self, doc: Doc, end: int) -> bool:
        """The name goes on with another capitalised name word right after it (not a
        sentence start, not a known non-name word such as a place or a title)."""
        nxt = doc[end]
        t = _tables()
        return bool(nxt.text[:1].isupper() and nxt.is_alpha and _is_cap(nxt, t) and norm(nxt.text) not in self.given_names
                    and not (end + 1 < len(doc) and doc[end + 1].text == "."))

    def _namesake_before(self, doc: Doc, start: int) -> int:
        """Start of a namesake mention when the surname at ``start`` follows another
        first name or another initial; -1 when it does not."""
        if start == 0:
            return -1
        prev = doc[start - 1]
        low = norm(prev.text)
        t = _tables()
        if _is_initials(prev) and prev.text[:1].isupper():
            first = low[0]
            if first not in self.given_initials:
                return start - 1
            return -1
        if _is_first(prev, t) and low not in self.given_names:
            return start - 1
        # a capitalised word that is no known first name, inside a sentence after a small
        # word ("zijn neef Younes El Amrani"): another person's first name
        if (start >= 2 and _is_cap(prev, t) and low not in self.given_names and not prev.is_sent_start
                and doc[start - 2].text[:1].islower()):
            return start - 1
        return -1


@lru_cache(maxsize=256)
def subject_matcher(names: tuple[str, ...], company: bool) -> SubjectMatcher:
    return SubjectMatcher(names, company)
