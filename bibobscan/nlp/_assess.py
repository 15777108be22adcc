"""Linking risk terms to the subject, and the cues that lower or drop a finding.

Per sentence the parser knows the *actors*: the subject's mentions, words that refer
back to it (``hij``, ``de 39-jarige``, ``het bedrijf``), other people (names found by
``_persons``, ``een man``, ``zijn buurman``, namesakes) and authorities (``politie``,
``de burgemeester``), which never count as "another person". A risk term belongs to the
nearest actor before it in the same sentence (or, when there is none, the nearest one
after it). It is linked to the subject when that actor is the subject or refers back to
it; so a term stands with the subject in the same sentence, or in the next sentence
through a back-reference. A sentence without any actor next to a sentence naming the
subject is linked only with an official step (arrest, conviction, closure).

Cues, from ``lexicon/cues.yaml``, work the same way (who is the victim, the witness,
the one who denies) or by scope (a term inside a clause with ``vrijgesproken``,
``geen aanwijzingen``, ``strijd tegen`` does not count).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.tokens import Doc

from ._lexicon import Lexicon, Theme, ends_in, load_lexicon, norm
from ._model import ORG_LABELS, PERSON_LABELS, ModelView
from ._persons import name_gender, person_titles
from ._pipeline import Hit, lemma_hits, norms_of, window_of
from ._subject import Mention
from ._types import Assessment, Finding

BASE = 0.6
TOPIC_BASE = 0.5
ACT_BONUS = 0.2
WEAK_BONUS = 0.1
DENIAL_FACTOR = 0.75
MODEL_BONUS = 0.05  # an optional model's entity confirms the subject's mention

# "niet eerder veroordeeld", "nog niet veroordeeld", "niet alleen verdacht": no clearing
_NOT_CLEARING = frozenset({"eerder", "alleen", "enkel", "slechts"})
# "de verdediging pleit voor vrijspraak": an acquittal asked for is no acquittal
_PLEA = frozenset({"pleit", "pleitte", "pleitten", "pleiten", "bepleit", "bepleitte", "bepleitten", "vroeg", "vraagt", "vroegen", "vragen",
                   "verzoekt", "verzocht", "hoopt", "hoopte", "hopen", "rekent", "rekende", "wil", "wilde", "wilden"})
_PLEA_AFTER = frozenset({"gevraagd", "geeist", "verzocht", "gepleit"})  # "had vrijspraak gevraagd"
_COMPANY_ZIJ_AFTER = frozenset({"dat", "omdat", "nadat", "toen", "waarbij", "doordat"})  # "..., dat zij ...": the company itself
_DEFENCE_PLEA = frozenset({"pleit", "pleitte", "pleiten", "pleitten", "bepleit", "bepleitte", "gepleit", "verdediging"})
_EARLIER = frozenset({"eerder", "destijds", "aanvankelijk"})  # an acquittal that came before (see _overturned)
_ACQUITTAL = frozenset({"vrijgesproken", "vrijspraak", "vrij", "vrijgepleit"})
# the steps before a verdict: an acquittal after them clears the subject
_BEFORE_VERDICT = frozenset({"eist", "eiste", "eisten", "geeist", "eisen", "eis", "strafeis", "verdacht", "verdachte", "verdenking", "op",
                             "aangehouden", "opgepakt", "gearresteerd", "aanhouding", "arrestatie", "aangeklaagd", "aanklacht",
                             "vervolgd", "vervolging", "vervolgt", "vervolgen", "gedagvaard", "dagvaarding", "terecht", "staat", "stond",
                             "stonden", "staan", "terechtstaan", "had", "hadden", "jaar", "cel", "celstraf", "gevangenisstraf", "tegen"})
_INVERSION = frozenset({"zo", "toen", "daarna", "vervolgens", "nu", "later", "dan", "daar", "hier", "ook", "vorig", "gisteren", "vandaag"})
# victim cues whose victim follows them: "is onttrokken aan het fonds" (the doer comes before)
_VICTIM_AFTER = frozenset({"onttrokken", "ontfutseld", "verduisterd", "afhandig"})
_COMPANY_PRONOUNS = frozenset({"zij", "ze"})
_NEGATORS_BEFORE = frozenset({"niet", "nooit"})  # directly before a risk word: "heeft niet gefraudeerd"

_AGE = re.compile(r"^(?:\d{1,3}-|[a-z]{3,}(?:tien|tig|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf))jarige$")
_COMPANY_HEADS: dict[str, bool] = {}  # word -> ends with a company noun (cache)
_COPULA = frozenset({"is", "was", "werd", "zijn", "waren", "werden", "wordt", "raakte", "bleek", "bleef", "geworden", "ben", "bent"})
_TARGET_PREPS = frozenset({"op", "bij", "tegen", "aan", "van"})
_AGENT_NOUN = re.compile(r"(?:aars?|ers|bendes?|criminelen|crimineel|dealers?|runners?|cowboys?|halers?|melkers?|handelaars?|handelaren)$")
# officials whose work is the step in their sentence ("burgemeester X sloot de zaak"); an
# advocaat is no such official: "advocaat X is gearresteerd" is a step against X
_STEP_TAKERS = frozenset({"wethouder", "minister", "staatssecretaris", "officieren", "rechters", "procureur-generaal",
                          "advocaat-generaal", "inspecteur", "rechercheur", "commissaris", "politiechef", "teamchef", "wijkagent"})
_FORMER = frozenset({"voormalige", "voormalig", "oud", "ex", "vorige", "oude"})
_EMPLOYED_AUX = frozenset({"zijn", "is", "waren", "was", "bleken", "bleek"})  # "Twee verdachten zijn werkzaam bij X"
_EMPLOYED_VERBS = frozenset({"werkzaam", "werken", "werkt", "werkte", "werkten", "werkend"})
_SAT = frozenset({"zat", "zaten", "zit", "zitten", "zetelde", "zetelden"})  # "zaten in het bestuur van X"
# words that make the noun before a relative clause the subject's own: "X was de leider van
# een organisatie die ...", "bestuurder van een firma die ...", "stuurde een groep aan die ..."
_LEADS = frozenset({"leider", "leidster", "leiding", "leidde", "leidt", "bestuurder", "eigenaar", "eigenaresse", "directeur",
                    "oprichter", "oprichtster", "aanvoerder", "kopstuk", "stuurde", "stuurt", "stuurden", "runde", "runt"})
# words that may stand between a person and the relative clause about them: "X (45) uit Tilburg, die ..."
_APPOSITION_WORDS = frozenset({"uit", "in", "te", "van", "jaar", "oud", "jarige", "de", "het", "een"})
_SUSPECT_ACTS_EXCLUDED = frozenset({"onderzoek", "onderzoekt", "gevonden", "vond", "vonden", "vindt", "aangetroffen", "bekend", "bekende", "proces", "rechtszaak", "strafzaak", "aangifte", "onderschept"})

# the gender a pronoun or noun gives a person ("zij"/"ze" may be plural: taken as female)
_GENDER = {"hij": "m", "hem": "m", "man": "m", "zakenman": "m", "vrouw": "f", "zij": "f", "ze": "f", "zakenvrouw": "f",
           "eigenaresse": "f", "zangeres": "f", "actrice": "f"}
# the gender of a relation noun: "Haar vriend Jeroen ... ze" is not the friend
_RELATION_GENDER = {"vriend": "m", "vriendin": "f", "broer": "m", "zus": "f", "zuster": "f", "vader": "m", "moeder": "f", "zoon": "m",
                    "dochter": "f", "echtgenoot": "m", "echtgenote": "f", "neef": "m", "nicht": "f", "oom": "m", "tante": "f",
                    "ex-vriend": "m", "ex-vriendin": "f", "buurman": "m", "buurvrouw": "f", "schoonzoon": "m", "schoonvader": "m",
                    "schoonmoeder": "f", "schoondochter": "f", "zwager": "m", "schoonzus": "f", "man": "m", "vrouw": "f"}
_MODALS = frozenset({"zou", "zouden", "zal", "zullen", "moet", "moeten", "kan", "kunnen", "wil", "wilde", "mag", "mocht"})
_CHAIN = 3  # "hij", "de 38-jarige" refer back to the subject this many sentences on, when nobody else came between
STEP_BASE = 0.5  # an official step against the subject without a crime word of any theme
LINK_BASE = 0.5  # a finding about the company's people, building or load, not the company itself

ROLE_LABELS = {
    "reporter": "journalist of verslaggever",
    "spokesperson": "woordvoerder",
    "official": "functionaris (bijvoorbeeld burgemeester, officier van justitie, rechter, advocaat of deskundige)",
    "professional": "beroepsbeoefenaar voor wie dit het onderwerp van het werk is (bijvoorbeeld voorlichter, docent, arts of advocaat)",
}
# "X is advocaat", "X staat als advocaat ...", "X werkt als voorlichter": words between the
# subject and its role
_ROLE_LINK = frozenset({"is", "was", "werkt", "werkte", "staat", "stond", "geeft", "gaf", "treedt", "trad", "op", "als", "de", "een", "het", "zelf", "al", "jaren",
                        "jaar", "ruim", "bijna", "sinds"})
_NUMBER_WORDS = frozenset({"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "vijftien", "twintig", "dertig"})


class Sent(NamedTuple):
    """A sentence as a token range (a spaCy Span per sentence costs more than it gives)."""

    start: int
    end: int


class Actor(NamedTuple):
    start: int
    end: int
    kind: str  # subject | anaphor | other
    sent: int


@dataclass
class _SubjectState:
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role kind, cue text)
    role_sents: set[int] = field(default_factory=set)  # sentences where the subject is an official who takes steps
    victim: list[tuple[int, str]] = field(default_factory=list)  # (sentence, cue)
    witness: list[tuple[int, str]] = field(default_factory=list)
    denial: list[tuple[int, str]] = field(default_factory=list)
    cleared: list[tuple[int, str]] = field(default_factory=list)
    acts: list[tuple[int, str]] = field(default_factory=list)  # strong official acts against the subject
    act_spans: list[tuple[int, int]] = field(default_factory=list)  # their token ranges
    weak_acts: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    suspect: list[tuple[int, str]] = field(default_factory=list)  # "als verdachte aangehouden"
    # "X, die eerder slachtoffer was van een overval, is nu aangehouden": a victim cue in a
    # relative clause after the subject tells its past; it does not cancel the main clause
    past_victim: list[tuple[int, str]] = field(default_factory=list)
    past_victim_spans: list[tuple[int, int]] = field(default_factory=list)  # token ranges of those clauses


class _Doc:
    """Per-document working state."""

    def __init__(self, doc: Doc, mentions: list[Mention], company: bool, lex: Lexicon, model: ModelView | None = None,
                 text: str | None = None) -> None:
        self.doc = doc
        self.raw = text  # the text the Doc was made from, when known (it equals doc.text)
        self.lex = lex
        self.company = company
        self.norms = norms_of(doc)
        bounds = list(doc._.bibob_sents or [(0, len(doc))])
        self.sents = [Sent(a, b) for a, b in bounds]
        self._sent_texts: dict[int, str] = {}
        starts = [a for a, _ in bounds]
        self.window = [i for a, b in window_of(doc) for i in range(a, b)]
        self.sent_of = [0] * len(doc)
        self.clause_of = [0] * len(doc)
        clause = 0
        prev_sent = -1
        for a, b in window_of(doc):
            k = bisect.bisect_right(starts, a) - 1
            for i in range(a, b):
                self.sent_of[i] = k
                if self.norms[i] in lex.clause_breaks or k != prev_sent:
                    clause += 1
                    prev_sent = k
                self.clause_of[i] = clause
        self.mentions = [m for m in mentions if not m.namesake]
        self.member_mentions = {m.start for m in self.mentions if m.form == "company_member"}  # "Jumbo-topman"
        self.namesakes = [m for m in mentions if m.namesake]
        self.hits: list[Hit] = [h for h in doc._.bibob_hits or [] if not (h.key == "cue:cleared" and self._not_clearing(h))]
        self.persons: list[tuple[int, int]] = list(doc._.bibob_persons or [])
        self.orgs: list[tuple[int, int]] = []
        self.model = model
        self.confirmed: list[tuple[int, str]] = []  # (sentence, mention text) the model confirms
        if model is not None:
            self._add_model(model)
        self.source: set[int] = set()  # starts of subject mentions quoted as a source
        self.possessor: set[int] = set()  # starts of subject mentions that are "X" in "de buurman van X"
        self.target: set[int] = set()  # starts of subject mentions after op/bij/tegen/van/aan
        self.pp: set[int] = set()  # starts of other actors inside a prepositional phrase
        self.state = _SubjectState()
        self.identified: set[int] = set()  # "een 52-jarige vrouw ... Het gaat om X": actors that are the subject
        self.employed: dict[int, str] = {}  # "Twee verdachten werken bij X": other people in the company's service, as the text names them
        self.role_nouns = self._role_nouns() if not company else frozenset()
        self.actors = self._actors()
        self.resolved = self._resolve()
        self.other_at = {i for a in self.actors if a.kind == "other" for i in range(a.start, a.end)}  # tokens of other people
        self.mention_at = {i for m in self.mentions for i in range(m.start, m.end)}  # tokens of the subject's mentions

    def sent_text(self, k: int) -> str:
        """The text of sentence ``k``, stripped (computed once)."""
        text = self._sent_texts.get(k)
        if text is None:
            sent = self.sents[k]
            if self.raw is None:
                text = self.doc[sent.start:sent.end].text
            else:  # the same characters, cut from the text instead of joined from Token objects
                last = self.doc[sent.end - 1]
                text = self.raw[self.doc[sent.start].idx:last.idx + len(last.text)]
            text = self._sent_texts[k] = text.strip()
        return text

    def text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as ``doc[start:end].text``."""
        return self.doc[start].text if end - start == 1 else self.doc[start:end].text

    def _not_clearing(self, h: Hit) -> bool:
        """``nog niet veroordeeld``, ``niet eerder veroordeeld``, ``pleit voor vrijspraak``: no acquittal."""
        words = self.norms[h.start:h.end]
        if words == ["vrijspraak"] and any(w in _PLEA or w in _PLEA_AFTER for w in self.norms[max(0, h.start - 3):h.end + 2]):
            return True
        clause = self.clause_of[h.start]
        if any(self.norms[j] in _DEFENCE_PLEA and self.clause_of[j] == clause for j in range(max(0, h.start - 8), min(len(self.norms), h.end + 4))):
            return True  # "terwijl de verdediging om vrijspraak pleit wegens gebrek aan bewijs": the defence's case
        return any(w in _NOT_CLEARING for w in words) or (h.start > 0 and self.norms[h.start - 1] == "nog")

    def _add_model(self, model: ModelView) -> None:
        """An optional model's entities and lemmas (see ``_model``)."""
        want = ORG_LABELS if self.company else PERSON_LABELS
        rule_persons = list(self.persons)
        for s, e, label in model.entities:
            over = [m for m in self.mentions if m.start < e and s < m.end]
            if over:
                if label in want:
                    self.confirmed.extend((self.sent_of[m.start], m.text) for m in over)
                continue
            if any(self.norms[i] in self.lex.authorities for i in range(s, e)):
                continue  # "Openbaar Ministerie", "politie Tilburg": an authority
            if label in PERSON_LABELS and not any(a < e and s < b for a, b in rule_persons):
                self.persons.append((s, e))
            elif label in ORG_LABELS and not self.company:
                self.orgs.append((s, e))
        self.persons.sort()
        if model.lemmas:
            self.hits = sorted(self.hits + lemma_hits(model.lemmas, self.hits), key=lambda h: (h.start, h.end))

    # -- actors -------------------------------------------------------------------------

    def _actors(self) -> list[Actor]:
        lex, norms, doc = self.lex, self.norms, self.doc
        actors: list[Actor] = []
        subj_spans = [(m.start, m.end) for m in self.mentions]
        for m in self.mentions:
            actors.append(Actor(m.start, m.end, "subject", self.sent_of[m.start]))
            prev = self._prev_word(m.start)
            if prev is not None and norms[prev] in _TARGET_PREPS:
                self.target.add(m.start)
            elif prev is not None and prev > 0 and norms[prev - 1] in _TARGET_PREPS and (norms[prev] in lex.company_types or norms[prev] in _TRADES):
                self.target.add(m.start)  # "bij juwelier X", "op kapsalon X"
            if prev is not None and norms[prev] in ("volgens", "aldus"):
                self.source.add(m.start)
            # "..., zegt topman van de bank X": a speaker word opens the clause of the mention
            # (within the mention's sentence: "..., zegt lid Y. X zit in voorarrest" is no quote of X)
            lead = [norms[j] for j in range(max(self.sents[self.sent_of[m.start]].start, m.start - 6), m.start)]
            if "," in lead:
                lead = lead[len(lead) - lead[::-1].index(","):]  # the words after the last comma
            spoken = [k for k, w in enumerate(lead) if w in lex.speaker and w not in ("volgens", "laat")]
            if spoken and not any(w in lex.clause_breaks for w in lead[spoken[-1] + 1:]):
                self.source.add(m.start)  # but not "zegt dat X ...": then X is what is said
            nxt = m.end if m.end < len(doc) else None
            if prev is not None and norms[prev] in lex.speaker and prev == m.start - 1:
                self.source.add(m.start)
            if nxt is not None and norms[nxt] in lex.speaker and norms[nxt] not in ("volgens", "laat"):
                self.source.add(m.start)
        for m in self.namesakes:
            actors.append(Actor(m.start, m.end, "other", self.sent_of[m.start]))
            subj_spans.append((m.start, m.end))
        role_ends = {h.end for h in self.hits if h.key.startswith("role:")}
        authority_words = lex.authorities
        for s, e in [*self.persons, *self.orgs]:
            if any(a < e and s < b for a, b in subj_spans):
                continue
            prev = self._prev_word(s)
            if prev is not None and norms[prev] in ("alias", "bijgenaamd") and any(m.end <= prev and prev - m.end <= 2 for m in self.mentions):
                continue  # "Lars Veldkamp, alias Piet Costa": the subject's other name, nobody else
            if prev is not None and (norms[prev] in authority_words or prev + 1 in role_ends or s in role_ends):
                continue  # "burgemeester Van Dalen": an authority, not another suspect
            if e + 1 < len(doc) and doc[e].text in ("’", "'", "'s", "’s") and any(m.start == e + 1 for m in self.mentions):
                continue  # "Peter Gillis’ Vakantiepark X": the owner named before the subject
            actors.append(Actor(s, e, "other", self.sent_of[s]))
        n = len(doc)
        covered = bytearray(n)
        for a in actors:
            covered[a.start:a.end] = b"\x01" * (a.end - a.start)
        person_words = lex.relations | lex.generic_actors | lex.anaphora_person | lex.anaphora_definite
        subject_starts = {m.start for m in self.mentions}
        # court words written next to the subject's name: "Appellante, Linda Visser", "verdachte Henk B."
        court_self = {norms[j] for m in self.mentions for j in (m.start - 1, m.start - 2, m.end, m.end + 1)
                      if 0 <= j < n and norms[j] in _COURT_PARTIES}
        # nouns for a person first brought in with "een" ("klachten over een verhuurder"): a
        # later "de verhuurder" is that person, not the subject
        introduced: dict[str, int] = {}
        for i in self.window:
            if i > 0 and norms[i - 1] == "een" and norms[i] in lex.anaphora_definite and norms[i] not in introduced:
                introduced[norms[i]] = i
        mention_ends = {m.end for m in self.mentions}
        # the words that can be a person: first a quick pass over the window ("jarige" in
        # w: a cheap test before the age pattern; company heads only for a company)
        quick = person_words | _COURT_PARTIES | self.role_nouns | {"hen"} | (_COMPANY_PRONOUNS if self.company else _PERSON_PROPERTY)
        people = [i for i in self.window if norms[i] in quick or "jarige" in norms[i] or (self.company and self._company_head(norms[i]))]
        for i in people:
            w = norms[i]
            if covered[i] or not w:
                continue
            if w == "hen":
                if i >= 2 and norms[i - 1] == "van" and (norms[i - 2].isdigit() or norms[i - 2] in _NUMBER_WORDS or norms[i - 2] in ("enkele", "sommigen")):
                    actors.append(Actor(i - 2, i + 1, "other", self.sent_of[i]))  # "Twee van hen drongen binnen": some of a group
                continue
            if self.company and w in _COMPANY_PRONOUNS:
                if i == self.sents[self.sent_of[i]].start or (i > 0 and not norms[i - 1].isalnum()):
                    earlier = [a for a in actors if a.end <= i and a.sent >= self.sent_of[i] - 1]
                    if earlier and earlier[-1].kind == "other" and self._plural(earlier[-1]):
                        actors.append(Actor(i, i + 1, "other", self.sent_of[i]))  # "8 verdachten ... Zij werden": the group
                        continue
                if w == "zij" and i > 0 and norms[i - 1] in _COMPANY_ZIJ_AFTER and any(
                        m.end <= i and self.sent_of[m.start] == self.sent_of[i] and not covered[m.end:i - 1].count(1) for m in self.mentions):
                    # "Het OM onderzoekt of X verweten kan worden dat zij ...": formal "zij" for the company
                    actors.append(Actor(i, i + 1, "anaphor", self.sent_of[i]))
                continue
            if not self.company and w in _PERSON_PROPERTY:
                if i > 0 and norms[i - 1] in ("zijn", "haar"):
                    actors.append(Actor(i - 1, i + 1, "anaphor", self.sent_of[i]))  # "zijn schuur": the subject's property
                continue
            if not (w in person_words or _AGE.match(w) or self._company_head(w) or w in self.role_nouns or w in _COURT_PARTIES):
                continue
            following = norms[i + 1] if i + 1 < n else ""
            if (i + 1) in subject_starts and w not in lex.anaphora_person and self._opens_clause(i):
                continue  # "Zijn echtgenoot X kreeg ...", "Handlanger X", "de 49-jarige X": the subject described
            # relation nouns: "de buurman van X" is someone else; for a company, its people count
            if w in lex.relations or w in lex.generic_actors or self._company_head(w):
                if following == "van":
                    target = self._subject_within(i + 2, i + 6)
                    if target is not None and any(self.norms[j] in _COPULA or not self.norms[j].isalnum()
                                                  for j in range(i + 2, target.start)):
                        target = None  # "Huurder van de loods is X": X is the tenant, not the loods's owner
                    if target is None and self.company and self._company_head(w) and i + 2 < n and norms[i + 2] in ("de", "het", "een"):
                        actors.append(Actor(i, i + 1, "other", self.sent_of[i]))  # "de eigenaar van de auto": someone else's
                        covered[i] = 1
                        continue
                    if target is not None:
                        former = w.startswith(("oud-", "ex-")) or (i > 0 and norms[i - 1] in _FORMER)
                        if self.company and self._company_head(w) and not former:
                            actors.append(Actor(i, target.end, "anaphor", self.sent_of[i]))
                        else:
                            self.possessor.add(target.start)
                            actors.append(Actor(i, i + 1, "other", self.sent_of[i]))
                        covered[i:target.end] = b"\x01" * (target.end - i)
                        continue
            det = norms[i - 1] if i > 0 else ""
            has_det = det in lex.determiners or det.isdigit()
            if not self.company and w in lex.anaphora_person:
                actors.append(Actor(i, i + 1, "anaphor", self.sent_of[i]))
                continue
            if det in ("de", "het") and not self.company and w in introduced and introduced[w] < i and w not in self.role_nouns:
                actors.append(Actor(i - 1, i + 1, "other", self.sent_of[i]))  # "over een verhuurder ... De verhuurder kreeg": that one
                continue
            cleft = i >= 3 and norms[i - 2] == "het" and norms[i - 3] in _COPULA  # "was het de 55-jarige die ...": that one, told again
            if det in ("de", "het") and not self.company and (w in lex.anaphora_definite or _AGE.match(w) or w in self.role_nouns) \
                    and following in lex.relative and following not in ("waar", "waarvan") and not cleft:
                actors.append(Actor(i - 1, i + 1, "other", self.sent_of[i]))  # "de man die belde": someone new
                continue
            if det in ("de", "het") and not self.company and (w in lex.anaphora_definite or _AGE.match(w) or w in self.role_nouns):
                # "de man" after the subject's name in the same sentence is someone else
                same = any(m.end <= i and self.sent_of[m.start] == self.sent_of[i] for m in self.mentions)
                actors.append(Actor(i - 1, i + 1, "other" if same else "anaphor", self.sent_of[i]))
                continue
            if det in (",", ";", ":") and (w in lex.anaphora_definite or self._company_head(w)) and not self._subject_within(i + 1, i + 2):
                # headline style: "..., eigenaar slachtoffer"
                actors.append(Actor(i, i + 1, "anaphor", self.sent_of[i]))
                continue
            if (det in ("de", "het") and self.company and (_AGE.match(w) or w in ("man", "vrouw")) and not self._company_head(w)
                    and not (following and (self._company_head(following) or ends_in(following, lex.company_members)))):
                actors.append(Actor(i - 1, i + 1, "other", self.sent_of[i]))  # "De 36-jarige man wordt verdacht ...": a person, not the company
                continue
            if det in ("de", "het", "deze", "dit") and self.company and self._company_head(w):
                actors.append(Actor(i - 1, i + 1, "anaphor", self.sent_of[i]))
                continue
            if w in ("slachtoffer", "slachtoffers") and _after_copula(norms, i):
                continue  # "is (zelf) het slachtoffer": a cue about the subject, not another actor
            sentence_start = i == self.sents[self.sent_of[i]].start
            if w in _COURT_PARTIES and not has_det and det != "als" and (i + 1) not in subject_starts:
                # "Verdachte heeft ...": the party of a court text or decision; the subject
                # when the text names the subject so ("Appellante, Linda Visser, ...",
                # "betrokkene" after the subject in a Bibob decision), else someone else
                own = w in court_self or (w == "betrokkene" and any(m.start < i for m in self.mentions))
                actors.append(Actor(i, i + 1, "anaphor" if own else "other", self.sent_of[i]))
                if own:
                    self.identified.add(i)
                continue
            if det in _NEW_OTHER and i > 1 and norms[i - 2] in ("de", "het", "een") and (w in lex.anaphora_definite or w in lex.generic_actors):
                actors.append(Actor(i - 2, i + 1, "other", self.sent_of[i]))  # "de nieuwe exploitant": someone else
                continue
            # "Zo streken oplichters ... op": a plural doer right after the verb that opens the clause
            bare_plural = (w in lex.generic_actors and w.endswith(("s", "en")) and w not in ("mensen", "personen") and i >= 2
                           and norms[i - 2] in _INVERSION and (i - 2 == self.sents[self.sent_of[i]].start or norms[i - 3] == ",")
                           and (i + 1) not in subject_starts)
            if (w in lex.generic_actors or w in lex.relations) and (has_det or (sentence_start and w.endswith(("s", "en"))) or bare_plural):
                actors.append(Actor(i - 1 if has_det else i, i + 1, "other", self.sent_of[i]))
            elif _AGE.match(w) and det in ("een",) and i >= 2 and norms[i - 2] == "," and (i - 2) in mention_ends:
                continue  # "X, een 52-jarige aannemer uit Ermelo, ...": the subject described
            elif _AGE.match(w) and det in ("een",):
                actors.append(Actor(i - 1, i + 1, "other", self.sent_of[i]))
        for m in self.mentions:
            if m.start >= 3 and norms[m.start - 1] == "van" and norms[m.start - 3] in _FORMER:
                self.possessor.add(m.start)  # "de voormalige woning van X": what happens there is no longer X's
        actors.sort(key=lambda a: (a.start, a.end))
        self._identify(actors)
        if self.company:
            self._employed(actors)
        for a in actors:
            if (a.kind == "anaphor" and a.start > 0 and norms[a.start - 1] in ("volgens", "aldus")
                    and not any(ends_in(norms[i], lex.company_members) for i in range(a.start, a.end))):
                self.source.add(a.start)  # "volgens de corporatie": the subject tells it (its driver's word is his own)
            if a.kind == "anaphor" and a.end - a.start == 1:
                # "..., zegt ze": a pronoun quoted as the source, like "zegt X"
                if (a.start > 0 and norms[a.start - 1] in lex.speaker) or (a.end < n and norms[a.end] in lex.speaker and norms[a.end] != "volgens"):
                    self.source.add(a.start)
            if a.kind != "other":
                continue
            j = a.start - 1
            while j >= 0 and (norms[j].isdigit() or norms[j] in lex.determiners) and j > a.start - 3:
                j -= 1
            if j >= 0 and norms[j] in lex.prepositions:
                self.pp.add(a.start)
        return actors

    def _role_nouns(self) -> frozenset[str]:
        """Words that name the subject's job in this text ("X werkte als lasser", "X werd
        wethouder"): later "de lasser", "de wethouder" refer back to the subject."""
        found: set[str] = set()
        for m in self.mentions:
            k = self.sent_of[m.start]
            end = self.sents[k].end
            words = self.norms[m.end:min(end, m.end + 20)]
            for j, w in enumerate(words[:-1]):
                if j >= 8 and not (w in ("werd", "was") and words[j - 1] == "en") and not (w == "als" and words[j + 1] in _KNOWN_JOBS):
                    continue  # far from the name: only "en werd ...", or "als" and a known job
                if w == "als" and j + 2 < len(words) and words[j + 1] in _NOT_JOBS:
                    continue  # "kwam als tiener naar Rotterdam en werkte als lasser"
                if w == "als" or (w in ("werd", "is", "was") and (j == 0 or words[j - 1] == "en")):
                    k2 = j + 1
                    # "werd in 2022 wethouder", "werd later directeur"
                    if words[k2] in ("in", "vorig", "later", "daarna", "toen", "sinds") and k2 + 2 < len(words):
                        k2 += 1 + (words[k2] in ("in", "vorig", "sinds"))
                        if words[k2] not in _KNOWN_JOBS:
                            break
                    k2 += words[k2] in ("de", "het", "een")
                    noun = words[k2] if k2 < len(words) else ""
                    after = words[k2 + 1] if k2 + 1 < len(words) else "."
                    # a job, not a passive ("werd het café verzegeld"): the noun ends the phrase
                    if noun.isalpha() and len(noun) > 3 and (noun in _KNOWN_JOBS or after in (".", ",", "van", "bij", "in", "en", "uit", "op")):
                        found.add(noun)
                    break
        return frozenset(found)

    def _identify(self, actors: list[Actor]) -> None:
        """"... een 52-jarige vrouw aangehouden. Het gaat om X": the person described in the
        sentence before "het gaat om X" / "het betreft X" is the subject."""
        for m in self.mentions:
            k = self.sent_of[m.start]
            if k == 0:
                continue
            lead = " ".join(self.norms[self.sents[k].start:m.start])
            if "niet" in lead.split():
                continue  # "Het gaat niet om X": a namesake
            lead = lead.replace("het zou gaan", "het gaat").replace("het zou om", "het gaat om")  # "Het zou gaan om X"
            if not (lead.startswith(("het gaat", "het betreft", "dat is", "de verdachte is")) and ("om" in lead.split() or "betreft" in lead or lead.startswith(("dat is", "de verdachte is")))):
                continue
            for idx, a in enumerate(actors):
                if a.sent == k - 1 and a.kind == "other" and (any(_AGE.match(self.norms[i]) for i in range(a.start, a.end))
                                                              or self.norms[a.end - 1] in self.lex.generic_actors):
                    actors[idx] = Actor(a.start, a.end, "anaphor", a.sent)
                    self.identified.add(a.start)

    def _employed(self, actors: list[Actor]) -> None:
        """"Twee verdachten zijn werkzaam bij X", "Twee van hen werken bij X": a group of
        other people the text places in the company's service are its people; what is told
        of them counts for the company (see _company_member)."""
        starts = {m.start for m in self.mentions}
        norms = self.norms
        added: list[Actor] = []
        member_at = {b.start: b for b in actors if b.kind == "anaphor" and any(b.start < m < b.end for m in starts)}
        for idx, a in enumerate(actors):
            after = a.end + (a.end < len(norms) and norms[a.end] in ("]", ")"))  # "[appellant] als ..."
            if a.kind == "other" and after + 1 < len(norms) and norms[after] == "als" and after + 1 in member_at:
                # "[appellant] als drijver van de inrichting X": the one named so is the company's
                actors[idx] = Actor(a.start, a.end, "anaphor", a.sent)
                member = member_at[after + 1]
                self.employed[a.start] = self.text(member.start, member.end)
                continue
            if a.kind == "other" and self._serves(a.end, a.sent, starts):
                actors[idx] = Actor(a.start, a.end, "anaphor", a.sent)
                self.employed[a.start] = named = self.text(a.start, a.end)
                # "Drie verdachten aangehouden. Twee van hen werken bij X": the group they are part of
                group = [(g, b) for g, b in enumerate(actors[:idx]) if a.sent - 1 <= b.sent and (
                    (b.kind == "other" and self._plural(b))
                    or (b.kind == "anaphor" and norms[b.end - 1].endswith(("s", "en")) and norms[b.end - 1] in self.lex.company_members))]
                # "twee mannen", or "de bestuurders" of a company the text names only later
                if group:
                    g, b = group[-1]
                    actors[g] = Actor(b.start, b.end, "anaphor", b.sent)
                    self.employed[b.start] = named
                elif a.sent > 0 and norms[first := self.sents[a.sent - 1].start] in ("zij", "ze") and first in self.window:
                    added.append(Actor(first, first + 1, "anaphor", a.sent - 1))  # "Zij worden verdacht van ..."
                    self.employed[first] = named
        if added:
            actors.extend(added)
            actors.sort(key=lambda a: (a.start, a.end))

    def _serves(self, j: int, sent: int, starts: set[int]) -> bool:
        """From token ``j`` on: "(zijn) werkzaam bij", "werken voor", "(is) in dienst van",
        "zaten (sinds 2007) in het bestuur van", then a mention of the subject in sentence
        ``sent`` ("de SVB", "de stichting X")."""
        norms, n = self.norms, len(self.norms)
        if j < n and norms[j] in _EMPLOYED_AUX:
            j += 1
        if j < n and norms[j] in _EMPLOYED_VERBS:
            j += 1
        elif norms[j:j + 2] == ["in", "dienst"]:
            j += 2
        elif j < n and norms[j] in _SAT:
            board = next((i for i in range(j + 1, min(n, j + 5)) if norms[i:i + 3] == ["in", "het", "bestuur"]), None)
            if board is None:
                return False
            j = board + 3
        else:
            return False
        if j >= n or norms[j] not in ("bij", "voor", "van"):
            return False
        j += 1
        if j < n and norms[j] in ("de", "het"):
            j += 1
        kinds = self.lex.company_types
        if j + 1 < n and j not in starts and (norms[j] in kinds or (norms[j].endswith("en") and norms[j][:-2] in kinds)):
            j += 1  # "in het bestuur van de stichtingen X"
        return j in starts and self.sent_of[j] == sent

    def _company_head(self, w: str) -> bool:
        if not self.company:
            return False
        found = _COMPANY_HEADS.get(w)
        if found is None:
            found = ends_in(w, self.lex.company_heads)
            if len(_COMPANY_HEADS) < 200_000:
                _COMPANY_HEADS[w] = found
        return found

    def _subject_within(self, start: int, end: int) -> Mention | None:
        for m in self.mentions:
            if start <= m.start < end:
                return m
        if self.company:
            # "de eigenaar van het transportbedrijf"
            for i in range(start, min(end, len(self.norms))):
                if self._company_head(self.norms[i]) and i > 0 and self.norms[i - 1] in ("de", "het"):
                    return Mention(i - 1, i + 1, "anaphor")
        return None

    def _prev_word(self, i: int) -> int | None:
        j = i - 1
        while j >= 0 and (self.doc[j].is_punct or self.doc[j].is_space) and self.doc[j].text not in (",",):
            j -= 1
        if j >= 0 and self.doc[j].text == ",":
            return None
        return j if j >= 0 else None

    def _resolve(self) -> dict[int, bool]:
        """For each anaphor start: does it refer back to the subject?"""
        resolved: dict[int, bool] = {}
        # "m" or "f" once a pronoun or noun for the subject says so (not from the subject's own
        # first name: a text may use another name than the one searched for)
        subject_gender = ""
        group_after = False  # a group of others came after the subject's last mention
        last: Actor | None = None
        last_is_subject = False
        subject_sent = -1  # the last sentence that named or referred to the subject
        rival_since = False  # a named person, or someone given an age, came after it
        named = {s for s, _ in self.persons}
        others_since: list[str] = []  # the genders of the others since the subject ("" unknown)
        prev_other: Actor | None = None
        for a in self.actors:
            if a.kind == "other":
                g = _RELATION_GENDER.get(self.norms[a.end - 1], "") or (name_gender(self.norms[a.start]) if a.start in named else "")
                if prev_other is not None and prev_other.end == a.start and others_since:
                    others_since[-1] = others_since[-1] or g  # "Haar vriend Jeroen Schut": one person
                elif not self._plural(a):
                    others_since.append(g)
                prev_other = a
            else:
                prev_other = None
            if a.kind == "subject":
                is_subject = a.start not in self.possessor
                if is_subject:
                    last, last_is_subject = a, True
                    subject_sent, rival_since = a.sent, False
                    others_since = []
                continue
            if a.kind == "other" and (a.start in named or any(_AGE.match(self.norms[i]) for i in range(a.start, a.end))):
                rival_since = True
            if a.kind == "other":
                if a.start in self.pp and last_is_subject and self._passive_agent(a.sent) != a:
                    continue  # "samen met wijkagent Y": an object does not take over the story (an agent after "door" does)
                if last_is_subject and self._plural(a):
                    group_after = True  # "Huurders vertellen ...": a group does not take "hij" or "de verhuurder"
                    continue
                last, last_is_subject = a, False
                continue
            # anaphor: refers to the nearest earlier actor in this or the previous sentence
            if a.start in self.identified or (self.norms[a.end - 1] in self.role_nouns and any(m.start < a.start for m in self.mentions)):
                # "Het gaat om X", or the job this text gave the subject ("X werkte als lasser ... de lasser")
                resolved[a.start] = True
                last, last_is_subject = a, True
                continue
            if self.company:
                # the subject named before, or in the same sentence, but not as the one who
                # tells it ("Bij de vereniging is geld verduisterd, zo stelt X")
                ok = any(m.start < a.start for m in self.mentions) or any(
                    self.sent_of[m.start] == a.sent and m.start not in self.source for m in self.mentions)
                # "de coffeeshop ... werd gesloten. ... coffeeshop Sandman": the same kind of business named later
                ok = ok or any(0 < self.sent_of[m.start] - a.sent <= 3 and self.norms[a.end - 1] in (self.norms[m.start], self.norms[m.start - 1])
                               for m in self.mentions if m.start > 0)
                resolved[a.start] = ok or a.start in self.employed
            else:
                ok = last is not None and last_is_subject and a.sent - last.sent <= _CHAIN
                if ok and group_after and self.norms[a.start] in ("ze", "zij", "hun"):
                    ok = False  # "ze" may be the group
                if last is None:
                    # "de 39-jarige ondernemer Bram Voorbeeld": the name follows in the same sentence
                    ok = any(self.sent_of[m.start] == a.sent and m.start >= a.start for m in self.mentions)
                if not ok and self.norms[a.start] in self.lex.anaphora_person:
                    # "hij" at the start of a sentence: the doer of the previous sentence
                    earlier = [x for x in self.actors if x.sent == a.sent and x.end <= a.start]
                    if not any(x.kind == "other" and x.start not in self.pp for x in earlier):
                        prev = [x for x in self.actors if x.sent == a.sent - 1 and x.start not in self.source
                                and not (x.kind == "other" and x.start in self.pp)
                                and not (self.norms[a.start] in ("hij", "hem") and self._plural(x))]
                        ok = bool(prev) and prev[0].kind == "subject" and prev[0].start not in self.possessor
                        if ok and self._passive_agent(a.sent - 1) is not None:
                            ok = False  # "X werd door haar ex-partner gestalkt. Hij ...": the doer is the agent
                gender = _GENDER.get(self.norms[a.end - 1])  # "ze", "hij", "de vrouw", "de man"
                if (not ok and gender and others_since and 0 <= subject_sent and a.sent - subject_sent <= _CHAIN
                        and not (group_after and self.norms[a.start] in ("ze", "zij"))
                        and subject_gender in ("", gender) and all(g and g != gender for g in others_since)):
                    ok = True  # "Haar vriend bezorgde de pakketjes ... ze verstuurde": the others have the other gender
                if (not ok and _AGE.match(self.norms[a.end - 1]) and a.start - 1 >= 0 and self.norms[a.start] == "de"
                        and 0 <= subject_sent and a.sent - subject_sent <= _CHAIN + 1 and not rival_since):
                    # "De 41-jarige blijkt ...": an age refers to the story's named person, when
                    # nobody else was named or given an age since (a wife, "een neef" are not)
                    ok = True
                if ok and gender and subject_gender and gender != subject_gender:
                    ok = False  # "zegt ze ... de man verduisterde": not the same person
                if ok and gender and not subject_gender:
                    subject_gender = gender
                resolved[a.start] = ok
            if resolved[a.start]:
                last, last_is_subject = a, True
                group_after = False
                subject_sent, rival_since = a.sent, False
                others_since = []
            else:
                rival_since = True  # "Hij" or "de man" is someone else: the story has another person
        return resolved

    def _passive_agent(self, k: int) -> Actor | None:
        """The other person after "door" in a passive sentence ``k`` ("werd door haar
        ex-partner gestalkt"), else None."""
        sent = self.sents[k]
        if not any(self.norms[i] in self.lex.passive_aux for i in range(sent.start, sent.end)):
            return None
        for a in self.actors:
            if a.sent == k and a.kind == "other":
                j = a.start - 1
                while j >= sent.start and (self.norms[j] in self.lex.determiners or self.norms[j] in ("haar", "zijn")):
                    j -= 1
                if j >= sent.start and self.norms[j] == "door":
                    return a
        return None

    def _opens_clause(self, i: int) -> bool:
        """The noun at ``i`` (with its determiner) opens a sentence or clause: an
        apposition of the subject that follows ("Zijn echtgenoot X kreeg ..."), not an
        object ("viel Y zijn neef X aan")."""
        j = i - 1 if i > 0 and (self.norms[i - 1] in self.lex.determiners or self.norms[i - 1] in ("voormalig", "voormalige", "oud")) else i
        if j == self.sents[self.sent_of[i]].start:
            return True
        return self.norms[j - 1] in self.lex.clause_breaks or self.doc[j - 1].is_punct

    def _plural(self, a: Actor) -> bool:
        """"tien verdachten", "de mannen": a group, which "hij" cannot refer to."""
        if a.kind != "other":
            return False
        last, first = self.norms[a.end - 1], self.norms[a.start]
        counted = first.isdigit() or first in ("twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
                                                "enkele", "meerdere", "tientallen", "honderden", "verschillende")
        return counted or ((last in self.lex.generic_actors or last in self.lex.relations) and last.endswith(("en", "s"))
                           and last not in ("mens", "persoon", "ex"))

    def is_subject(self, a: Actor) -> bool:
        if a.kind == "subject":
            return a.start not in self.possessor
        if a.kind == "anaphor":
            return self.resolved.get(a.start, False)
        return False

    def _eligible(self, sent: int) -> list[Actor]:
        return [a for a in self.actors if a.sent == sent and a.start not in self.source
                and not (a.kind == "subject" and a.start in self.possessor)]

    def attach(self, start: int, end: int, *, mode: str = "term") -> Actor | None:
        """The actor a word at [start, end) belongs to.

        ``term``: the first actor of its clause (Dutch puts the doer first; objects come
        later, even before a final verb); in a relative clause without one, the actor
        before it; otherwise the sentence's first actor. People after a preposition
        (``aan twee mannen``) are objects and skipped.
        ``agent``: an authority's active verb (``eist``, ``veroordeelde``): the first
        actor after it.
        ``participle``: like ``term``, but an actor before ``heeft``/``hebben`` is the doer
        (``de burgemeester heeft X gesloten``), so the actor after the auxiliary is taken.
        """
        sent = self.sent_of[start]
        cands = self._eligible(sent)
        if mode == "agent":
            after = [a for a in cands if a.start >= end]
            return after[0] if after else None
        doers = [a for a in cands if not (a.kind == "other" and a.start in self.pp)]
        clause = self.clause_of[start]
        in_clause = [a for a in doers if self.clause_of[a.start] == clause]
        if in_clause and all(a.start > start for a in in_clause) and self._verb_opens(start):
            # "X, 39, wordt vervolgd voor ... en zou de vrouwen ...": a clause that opens
            # with the verb after an apposition continues the sentence's subject; the
            # people after the verb are objects
            in_clause = []
        if in_clause and self._relative_start(start):
            # "de man die werd aangehouden ... had een abonnement bij X": in a relative
            # clause the subject after a preposition is an object, not the doer
            # ("de oplichtingspraktijken van X" stays X's own)
            in_clause = [a for a in in_clause if not (a.kind == "subject" and a.start in self.target
                                                      and self.norms[a.start - 1] != "van")]
            first = self._clause_first(start)
            other = self._other_antecedent(start, cands) if not self.company and in_clause else None
            if other is not None and all(a.start > first + 1 and self.norms[a.start - 1] != "van" for a in in_clause):
                # "een man uit Paramaribo die in juni X in zijn been heeft geschoten": the man
                # did it; X later in his relative clause is the object
                return other
        actor: Actor | None = None
        if in_clause:
            actor = in_clause[0]
        else:
            first = self._clause_first(start)
            if self.norms[first] == ":" and any(self.norms[i] in _COPULA for i in range(first + 1, start)):
                return None  # "presenteerde het jaarbeeld: vorig jaar werden 34 drugslabs ontmanteld": a clause of its own
            if self._relative_start(start):
                # a relative clause belongs to the word right before it: the actor there, or
                # a noun that is no actor ("de plek waar", "haar werkgever, die"): nobody known
                before = [a for a in cands if a.end <= first]
                actor = before[-1] if before and self._antecedent(before[-1], first) else None
                if actor is not None and not self.is_subject(actor) and len(before) > 1:
                    # "X was de leider van een bende die ...": the group is the subject's
                    lead = next((a for a in reversed(before[:-1]) if self.is_subject(a)), None)
                    gap = self.norms[lead.end:actor.start + 1] if lead is not None else []
                    if len(gap) <= 6 and "," not in gap and any(w in _LEADS for w in gap):
                        actor = lead
            else:
                # the sentence's first doer, but not one inside a later relative clause ("eist
                # straf tegen een man die X neerschoot": X is no doer of the demand)
                doers = [a for a in doers if not (a.start > start and self._relative_start(a.start)
                                                  and self._other_antecedent(a.start, cands, plural=True) is not None)]
                actor = doers[0] if doers else None
        if mode == "participle" and actor is not None and actor.end <= start:
            aux = [i for i in range(actor.end, start) if self.norms[i] in self.lex.perfect_aux]
            if aux:
                between = [a for a in cands if aux[0] < a.start < start]
                return between[0] if between else None
        return actor

    def _other_antecedent(self, i: int, cands: list[Actor], *, plural: bool = False) -> Actor | None:
        """The other person named right before the "die" clause of token ``i``, whom the
        clause is about; None when the clause is not about another person. ``plural``: a
        group counts too ("een straf voor de twee hackers die X platlegden")."""
        first = self._clause_first(i)
        before = [a for a in cands if a.end <= first]
        if (before and before[-1].kind == "other" and (plural or not self._plural(before[-1])) and self.norms[first] == "die"
                and self._antecedent(before[-1], first)):
            return before[-1]
        return None

    def _verb_opens(self, start: int) -> bool:
        """The clause holding token ``start`` opens (after a comma) with an auxiliary or
        modal verb: "..., wordt vervolgd", "..., heeft bekend", "..., zou hebben"."""
        sent = self.sents[self.sent_of[start]]
        first = self._clause_first(start)
        while first < start and self.norms[first] == ",":
            first += 1  # the comma that opens the clause
        if first == sent.start or self.norms[first - 1] != ",":
            return False
        w = self.norms[first]
        return w in self.lex.passive_aux or w in self.lex.perfect_aux or w in _MODALS

    def _clause_first(self, start: int) -> int:
        """The first token of the clause that holds token ``start``."""
        clause = self.clause_of[start]
        return next((i for i in range(self.sents[self.sent_of[start]].start, start + 1) if self.clause_of[i] == clause), start)

    def _relative_start(self, start: int) -> bool:
        """The clause holding token ``start`` opens with a relative pronoun (not at the
        start of a sentence: "Waar het geld vandaan kwam, ..." is no relative clause)."""
        first = self._clause_first(start)
        if first == self.sents[self.sent_of[start]].start:
            return False
        return any(self.norms[i] in self.lex.relative for i in range(first, min(first + 2, len(self.norms))))

    def _antecedent(self, actor: Actor, first: int) -> bool:
        """Only punctuation, numbers, capitalised words (a place, a name) and small
        words stand between ``actor`` and the relative clause starting at ``first``:
        the actor is what the clause is about ("X uit Tilburg, die ..."), not a noun
        after it ("X runt een winkel, waar ...")."""
        between = self.norms[actor.end:first]
        if any(w in _LEADS for w in between):
            return True  # "X, leider van een organisatie die ...", "X stuurde een groep aan die ..."
        if 3 <= len(between) <= 5 and between[0] in _COPULA and between[1] in ("de", "het", "een") and all(w.isalnum() for w in between):
            return True  # "X is het eerste etablissement dat ...": the predicate is X
        for i in range(actor.end, first):
            tok = self.doc[i]
            if tok.is_punct or tok.like_num or tok.text[:1].isupper() or self.norms[i] in _APPOSITION_WORDS or _AGE.match(self.norms[i]):
                continue
            if i == actor.end and (self.norms[i] in self.lex.generic_actors or self.norms[i] in self.lex.anaphora_definite):
                continue  # "een 30-jarige man uit Paramaribo die ...": the noun after the age
            return False
        return True

    def sentence_has_subject(self, k: int) -> bool:
        return any(self.sent_of[m.start] == k and m.start not in self.possessor and m.start not in self.source for m in self.mentions)


def _norm_words(text: str) -> set[str]:
    """The folded words of a cue text, for comparing it with a word set."""
    return {w for w in norm(text).replace(",", " ").split() if w}


def _in_same_clause(d: _Doc, a: int, b: int) -> bool:
    return d.clause_of[a] == d.clause_of[b]


def _contrast_between(d: _Doc, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return any(d.norms[i] in ("maar", "echter") for i in range(lo, hi))


def _passive_before(d: _Doc, actor: Actor | None, pos: int) -> bool:
    """``werd opgelicht``: a passive auxiliary between the actor and the participle and
    no perfect auxiliary (``heeft opgelicht``, ``te hebben opgelicht``)."""
    start = actor.end if actor is not None and actor.end <= pos else d.sents[d.sent_of[pos]].start
    if actor is not None and actor.end <= pos:
        # "werd politicus X ... geschoten": the auxiliary before the subject
        start = max(d.sents[d.sent_of[pos]].start, actor.start - 2)
    words = d.norms[start:pos]
    if any(w in d.lex.perfect_aux for w in words):
        return False
    return any(w in d.lex.passive_aux for w in words)


def _agent_after(d: _Doc, pos: int) -> Actor | None:
    """``... mishandeld door X``: the actor after ``door``."""
    for i in range(pos + 1, min(pos + 4, len(d.norms))):
        if d.norms[i] == "door":
            for a in d.actors:
                if a.start > i and a.start <= i + 3:
                    return a
            return None
    return None


def _theme_term_word(d: _Doc, h: Hit) -> str:
    return d.norms[h.start] if h.end - h.start == 1 else h.term


def _context_ok(d: _Doc, theme: Theme, h: Hit) -> bool:
    if h.end - h.start != 1 or not theme.context:
        return True
    word, term = d.norms[h.start], h.term
    for rule in theme.context:
        if term in rule.terms or word in rule.terms:
            sent = d.sents[d.sent_of[h.start]]
            return any(rule.with_words.match(d.norms[i]) for i in range(sent.start, sent.end) if i != h.start)
    return True


# the parties of a court text, named without an article ("Verdachte heeft ...", "betrokkene")
_COURT_PARTIES = frozenset({"verdachte", "verdachten", "betrokkene", "appellant", "appellante", "gedaagde", "gedaagden"})
_NEW_OTHER = frozenset({"nieuwe", "andere", "huidige"})  # "de nieuwe exploitant" after "de vorige eigenaar X"
_TAKES_STEP = frozenset({"trekt", "trok", "weigert", "weigerde", "sluit", "sloot", "legt", "legde"})  # "X trekt de vergunning in": X is the authority
_TRADES = frozenset({"juwelier", "kapper", "bakker", "slager", "supermarkt", "tankstation", "winkel", "apotheek", "drogist", "bank", "bedrijf",
                     "vaccinbedrijf", "ziekenhuis", "gemeente", "universiteit", "school", "zorginstelling", "webwinkel", "webshop"})
# a role or job before a theme word makes it a title: "projectleider arbeidsuitbuiting", "lector Ondermijning"
_TITLE_WORDS = frozenset({"projectleider", "programmamanager", "coordinator", "teamleider", "lector", "hoogleraar", "specialist", "officier",
                          "rechercheur", "adviseur", "expert", "deskundige", "onderzoeker", "team", "afdeling", "portefeuillehouder", "wethouder"})
# a person's things: what is found there or done with them counts for the person, as a
# company's premises count for the company ("in zijn schuur stonden 400 hennepplanten")
_PERSON_PROPERTY = frozenset({"woning", "huis", "schuur", "loods", "garage", "kelder", "zolder", "kluis", "auto", "bestelbus", "laptop",
                              "telefoon", "computer", "rekening", "bankrekening", "bedrijfspand", "tuin", "boot", "caravan"})
_KNOWN_JOBS = frozenset({"wethouder", "lasser", "monteur", "eigenaar", "directeur", "penningmeester", "voorzitter", "notaris", "makelaar",
                         "boekhouder", "accountant", "inkoper", "examinator", "ambtenaar", "douanier", "havenmedewerker",
                         "chauffeur", "verpleegkundige", "wijkverpleegkundige", "bestuurder", "aannemer", "uitbater", "exploitant"})
_NOT_JOBS = frozenset({"tiener", "kind", "jongen", "meisje", "student", "scholier", "vluchteling", "puber", "baby", "peuter"})
_PROPERTY = frozenset({"deur", "voordeur", "woning", "huis", "zaak", "winkel", "pand", "auto", "gevel", "raam", "ruit", "bedrijf", "bedrijfspand", "restaurant", "snackbar"})


def _at_own_property(d: _Doc, i: int, actor: Actor | None) -> bool:
    """An attack in the same clause as "zijn/haar deur", "zijn woning", "de zaak" of the
    subject: "werd er een explosief voor zijn deur gelegd"."""
    if actor is None or not d.is_subject(actor):
        return False
    sent = d.sents[d.sent_of[i]]
    for j in range(max(sent.start, i - 8), min(sent.end, i + 8)):
        if d.norms[j] in _PROPERTY and j > sent.start and d.norms[j - 1] in ("zijn", "haar", "hun") and d.clause_of[j] == d.clause_of[i]:
            return True
    return False


def _agent_of_noun(d: _Doc, end: int) -> str | None:
    """The doer named right after a risk word with "door" ("uitbuiting door de
    werkgever") when that is someone other than the subject or an authority; else None."""
    if end >= len(d.norms) or d.norms[end] != "door":
        return None
    j = end + 1
    while j < len(d.norms) and j <= end + 3 and (d.norms[j] in d.lex.determiners or d.doc[j].like_num):
        j += 1
    if j >= len(d.norms) or d.sent_of[j] != d.sent_of[end] or d.doc[j].is_punct:
        return None
    if j in d.mention_at or d.norms[j] in d.lex.authorities:
        return None
    for a in d.actors:
        if a.start <= j < a.end or a.start == j:
            return None if d.is_subject(a) else d.text(end + 1, a.end)
    w = d.norms[j]
    # a person by a noun ("de werkgever", "een medewerker"); "door de stad" is a way, not a doer
    if w in d.lex.relations or w in d.lex.generic_actors or w in d.lex.anaphora_definite or _AGENT_NOUN.search(w) \
            or w.endswith(("gever", "gevers", "eigenaar", "baas")):
        return d.text(end + 1, j + 1)
    return None


def _negated(d: _Doc, i: int) -> bool:
    """``geen fraude``, ``geen grootschalige fraude``, ``heeft niet gefraudeerd``: the word
    at ``i`` is negated within its clause."""
    def same(j: int) -> bool:
        return j >= 0 and d.clause_of[j] == d.clause_of[i] and d.sent_of[j] == d.sent_of[i]

    if same(i - 1) and d.norms[i - 1] in _NEGATORS_BEFORE:
        return True
    return any(same(j) and d.norms[j] == "geen" for j in (i - 1, i - 2))


def _own_relation(d: _Doc, k: int) -> bool:
    """Sentence ``k`` is about the subject's own relative (``zijn broer``, ``haar ex``)."""
    sent = d.sents[k]
    return any(d.norms[i] in d.lex.relations and i > sent.start and d.norms[i - 1] in ("zijn", "haar")
               for i in range(sent.start, sent.end))


# words that may stand between "is" and "het slachtoffer": "is zelf ook het slachtoffer"
_COPULA_FILLERS = frozenset({"zelf", "ook", "opnieuw", "wederom", "eerder", "al", "nu", "vaker", "meermaals", "eens", "het", "een", "de"})


def _after_copula(norms: list[str], i: int) -> bool:
    """Token ``i`` follows a copula with at most three filler words between."""
    j = i - 1
    while j >= 0 and i - j <= 4 and norms[j] in _COPULA_FILLERS:
        j -= 1
    return j >= 0 and j < i - 1 and norms[j] in _COPULA


def _relative_after_subject(d: _Doc, i: int) -> tuple[int, int] | None:
    """The relative clause ``, die ... ,`` right after a mention of the subject that holds
    token ``i`` (as a token range), or None."""
    n = len(d.norms)
    for m in d.mentions:
        if m.end + 1 < n and d.norms[m.end] == "," and d.norms[m.end + 1] in d.lex.relative and m.end + 1 < i:
            close = next((j for j in range(m.end + 2, min(n, m.end + 25)) if d.norms[j] == ","), None)
            if close is not None and i < close and d.sent_of[close] == d.sent_of[m.start]:
                return (m.end + 1, close)
    return None


def _company_member(d: _Doc, actor: Actor | None) -> str | None:
    """The word naming the company's person, building or load when ``actor`` is one
    ("twee medewerkers van het bedrijf", "de chauffeur", "het pand"), or the person's
    property ("zijn schuur"), else None."""
    if actor is not None and actor.kind == "subject" and actor.start in d.member_mentions:
        return d.text(actor.start, actor.end)  # "Jumbo-topman": the company's person
    if actor is None or actor.kind != "anaphor":
        return None
    if actor.start in d.employed:
        return d.employed[actor.start]
    if not d.company:
        last = d.norms[actor.end - 1]
        return d.text(actor.start, actor.end) if last in _PERSON_PROPERTY and actor.end - actor.start == 2 else None
    for i in range(actor.start, actor.end):
        w = d.norms[i]
        if ends_in(w, d.lex.company_members):
            return d.doc[i].text
    return None


def _member_only_near(d: _Doc, k: int) -> str | None:
    """The compound ("Jumbo-topman") when it is the only way the company is named in
    sentence ``k`` and the sentences next to it, else None."""
    if not d.member_mentions:
        return None
    named_near = [m for m in d.mentions if abs(d.sent_of[m.start] - k) <= 1]
    if named_near and all(m.start in d.member_mentions for m in named_near):
        return named_near[0].text
    return None


_STEP_TOPIC = frozenset({"over", "na", "sinds"})  # "het nieuws over de schikking", "na de aanhouding": a topic or an earlier step  # "het nieuws over de schikking": the step is a topic
_FUNCTION_AFTER = frozenset({"voor", "door", "wegens", "na", "op", "in", "omdat", "en", "of", "bij", "vanwege", "met", "tot"})


_RAIDS = frozenset({"inval", "invallen", "doorzoeking", "doorzoekingen", "huiszoeking", "huiszoekingen"})


def _raided(d: _Doc, start: int, end: int) -> Actor | None:
    """The subject named right after "inval bij" / "doorzoeking bij": the raid was at the
    subject's place."""
    if end - start != 1 or not (d.norms[start] in _RAIDS or d.norms[start].endswith(("-inval", "-invallen"))):
        return None
    j = end
    if j >= len(d.norms) or d.norms[j] != "bij":
        return None
    # up to four words between ("bij onder meer Jumbo-topman X", "bij het bedrijf van X"),
    # but no other person, no punctuation and no new clause
    actors = {a.start for a in d.actors if a.kind != "subject"}
    for k in range(j + 1, min(len(d.norms), j + 6)):
        m = next((m for m in d.mentions if m.start == k), None)
        if m is not None:
            return Actor(m.start, m.end, "subject", d.sent_of[m.start])
        w = d.norms[k]
        if k in actors or k in d.other_at or not any(c.isalnum() for c in w) or w in d.lex.clause_breaks:
            return None
    return None


def _not_a_step(d: _Doc, i: int) -> bool:
    """An official-act word that is no step here: a topic ("over de schikking") or an
    adjective before a noun ("een gesloten organisatie")."""
    before = d.norms[max(0, i - 2):i]
    if before and (before[-1] in _STEP_TOPIC or (len(before) == 2 and before[0] in _STEP_TOPIC and before[1] in ("de", "het", "een"))):
        # but "het bericht ging over de inval bij X", "na de inval bij X": the raid itself is told
        return _raided(d, i, i + 1) is None
    if d.norms[i] == "gesloten" and i + 1 < len(d.norms):
        nxt = d.doc[i + 1]
        return (nxt.is_alpha and nxt.text.islower() and d.norms[i + 1] not in _FUNCTION_AFTER and d.norms[i + 1] not in d.lex.passive_aux
                and d.norms[i + 1] not in d.lex.clause_breaks)  # "gesloten nadat ...": the verb, a clause follows
    return False


_DECIDE = frozenset({"beslissen", "beslist", "besluiten", "besluit", "bepalen", "bepaalt", "bekijken", "bekijkt", "nagaan", "beoordelen",
                     "beoordeelt", "afwegen", "weegt", "onderzoeken", "onderzoekt"})


def _asks_whether(d: _Doc, i: int) -> bool:
    """The step at ``i`` stands after "beslissen of", "bekijken of" with someone named
    between "of" and the step: it is asked whether that other person gets it."""
    start = d.sents[d.sent_of[i]].start
    for j in range(i - 1, max(start, i - 12) - 1, -1):
        if d.norms[j] == "of" and j > start and d.norms[j - 1] in _DECIDE:
            return any(a.kind == "other" or (a.kind == "anaphor" and not d.is_subject(a)) or d.norms[a.start] in ("de", "het")
                       for a in d.actors if j < a.start < i) or any(d.norms[k] in ("de", "het") for k in range(j + 1, min(i, j + 3)))
    return False


def _listed_after_colon(d: _Doc, end: int) -> bool:
    """A step whose object is a group named after a colon that lists the subject: "het OM
    is een onderzoek begonnen naar drie oud-bestuurders: A, B en X"."""
    sent = d.sents[d.sent_of[end - 1]]
    colon = next((i for i in range(end, min(sent.end, end + 8)) if d.norms[i] == ":"), None)
    return colon is not None and any(colon < m.start < sent.end for m in d.mentions)


_CLAIM_VERBS = frozenset({"verklaarde", "verklaart", "beweerde", "beweert", "stelde", "stelt", "zei", "zegt", "vertelde", "vertelt"})


def _claimed(d: _Doc, i: int) -> bool:
    """Token ``i`` stands in what the subject says happened to them ("X verklaarde dat
    hij werd aangevallen"): their account, not a fact the text tells."""
    first = d.sents[d.sent_of[i]].start
    for j in range(i - 1, max(first, i - 8) - 1, -1):
        if d.norms[j] != "dat" or j == first or d.norms[j - 1] not in _CLAIM_VERBS:
            continue
        speaker = [a for a in d.actors if a.sent == d.sent_of[i] and a.end <= j - 1]
        return bool(speaker) and d.is_subject(speaker[-1])
    return False


def _overturned(d: _Doc, k: int) -> bool:
    """The acquittal in sentence ``k`` came before a conviction told in another
    sentence: "X is in hoger beroep veroordeeld. De rechtbank had haar eerder
    vrijgesproken, maar het hof ..." (the pluperfect or "eerder" dates it back)."""
    sent = d.sents[k]
    words = d.norms[sent.start:sent.end]
    at = next((i for i, w in enumerate(words) if w in ("vrijgesproken", "vrijgepleit")), None)
    if at is None or not (_EARLIER.intersection(words) or {"had", "hadden"}.intersection(words[:at])):
        return False
    return any(s != k and norm(t).startswith(("veroordee", "schuldig")) for s, t in d.state.acts)


def _collect_cues(d: _Doc) -> None:
    """Which cues are about the subject (victim, witness, denial, cleared, official step)."""
    st = d.state
    cleared_spans = [(h.start, h.end) for h in d.hits if h.key == "cue:cleared"]
    witness_spans = [(h.start, h.end) for h in d.hits if h.key == "cue:witness"]
    for h in d.hits:
        if not h.key.startswith("cue:") or h.key == "cue:prevention":
            continue
        kind = h.key[4:]
        sent = d.sent_of[h.start]
        text = d.text(h.start, h.end)
        if kind in ("official_act", "suspect") and any(s <= h.start < e for s, e in cleared_spans):
            continue  # "niet vervolgd", "wordt niet verdacht", "niet als verdachte aangemerkt"
        if kind == "official_act" and any(s <= h.start < e for s, e in witness_spans):
            continue  # "zag de inval vanaf het eigen terrein": the step was seen, not suffered
        if kind == "unknown_perpetrator":
            st.unknown.append((sent, text))
            continue
        word = d.norms[h.start] if h.end - h.start == 1 else h.term
        if h.start in d.other_at:
            continue  # "het slachtoffer ligt in het ziekenhuis", "de verdachte": another person
        if kind in ("victim", "witness") and any(w in _NEGATORS_BEFORE for w in d.norms[h.start:h.end]):
            continue  # "meldde ze ook niet bij de FIU": the report that was not made
        if kind == "official_act" and _asks_whether(d, h.start):
            continue  # "Hij zal moeten beslissen of de oud-topman wordt vervolgd": the step is a question about another
        if kind == "official_act" and "onschuldig" in d.norms[h.start:h.end]:
            continue  # "hij zat vier weken onschuldig vast": a wrong arrest, no step against a suspect
        if kind == "official_act" and (_not_a_step(d, h.start) or _negated(d, h.start)):
            continue  # "het nieuws over de schikking", "een gesloten organisatie"
        if kind == "official_act" and h.end + 1 < len(d.norms) and d.norms[h.end] == "van":
            j = h.end + 1 + (d.norms[h.end + 1] in ("zijn", "haar", "hun", "de", "het", "een"))
            if j < len(d.norms) and (d.norms[j] in d.lex.relations or d.norms[j] in d.lex.generic_actors or j in d.other_at):
                continue  # "bevestigde de aanhouding van haar fractiegenoot": a step against someone else
        # "X heeft schuld bekend", "X heeft bezwaar gemaakt", "X heeft een transactie geaccepteerd": the doer does it, nobody does it to X
        mode = "participle" if kind == "official_act" and d.norms[h.start] not in ("schuld", "bezwaar", "beroep", "transactie") else "term"
        if kind == "official_act" and word in d.lex.agent_acts:
            first = d.sents[sent].start
            if not any(d.norms[i] in d.lex.authorities for i in range(first, h.start)):
                continue  # "criminelen eisen losgeld": not an official step
            mode = "agent"
        inside = next((m for m in d.mentions if h.start <= m.start < h.end), None)
        actor: Actor | None
        if inside is not None and kind in ("victim", "witness", "cleared"):
            actor = Actor(inside.start, inside.end, "subject", d.sent_of[inside.start])  # "de woning van X binnengedrongen"
        elif kind == "official_act" and (raided := _raided(d, h.start, h.end)) is not None:
            actor = raided  # "de inval bij X", "een doorzoeking bij X": X's premises, whatever the clause
        else:
            actor = d.attach(h.start, h.end, mode=mode)
        if kind == "victim" and d.norms[h.start] in _VICTIM_AFTER and d.norms[h.end - 1] in d.lex.prepositions:
            # "waarbij 200 miljoen is onttrokken aan het Bouwfonds": the one after the preposition
            harmed = next((m for m in d.mentions if h.end <= m.start <= h.end + 6 and d.sent_of[m.start] == sent
                           and all(w.isalnum() and w not in d.lex.clause_breaks for w in d.norms[h.end:m.start])), None)
            if harmed is None:
                continue  # "X heeft geld verduisterd van zijn werkgever": X is no victim
            actor = Actor(harmed.start, harmed.end, "subject", sent)
        if actor is None and kind == "victim":
            # "X laat weten een melding te maken", "X zegt aangifte te doen": the speaker does it
            actor = next((Actor(m.start, m.end, "subject", sent) for m in d.mentions
                          if m.start in d.source and d.sent_of[m.start] == sent and m.end <= h.start), None)
        if actor is None and kind == "cleared":
            # "X werd verdacht ... De FIOD deed een inval. Nu heeft het OM de zaak geseponeerd.":
            # nobody in the sentence, and the last person before it is the subject
            before = [a for a in d.actors if sent - 2 <= a.sent <= sent and a.end <= h.start and a.start not in d.source]
            # "niet kan worden bewezen dat X de fraude heeft gepleegd": X, in the clause after it
            told = next((a for a in d.actors if a.sent == sent and h.end < a.start <= h.end + 3
                         and d.norms[h.end] == "dat"), None)
            if (before and d.is_subject(before[-1])) or (told is not None and d.is_subject(told)):
                st.cleared.append((sent, text))
            continue
        if kind == "official_act" and (actor is None or not d.is_subject(actor)) and _listed_after_colon(d, h.end):
            actor = Actor(h.start, h.end, "subject", sent)  # "onderzoek naar drie oud-bestuurders: A, B en X"
        if kind == "suspect" and word.startswith(("een van", "onder")) and sent > 0 and (actor is None or d.is_subject(actor)):
            if any(d.sent_of[m.start] == sent and d.clause_of[m.start] == d.clause_of[h.start] for m in d.mentions):
                # "Acht anderen werden opgepakt. Een van hen was X": X shares the step
                st.suspect.append((sent, text))
                for x in d.hits:
                    if (x.key == "cue:official_act" and d.sent_of[x.start] == sent - 1 and d.norms[x.start] not in d.lex.weak_acts
                            and d.norms[x.start] not in _SUSPECT_ACTS_EXCLUDED):
                        st.acts.append((sent - 1, d.text(x.start, x.end)))
                        st.act_spans.append((x.start, x.end))
                        break
            continue
        if actor is None or not d.is_subject(actor):
            if kind == "official_act" and actor is None:
                st.weak_acts.append((sent, text))
            continue
        if kind == "official_act":
            if word in d.lex.weak_acts or word in _SUSPECT_ACTS_EXCLUDED:
                st.weak_acts.append((sent, text))
            else:
                st.acts.append((sent, text))
                st.act_spans.append((h.start, h.end))
        elif kind == "victim":
            if "aangifte" in text.lower():
                # "aangifte gedaan (wegens valsheid in geschrifte) tegen X"
                after = [d.norms[j] for j in range(h.end, min(len(d.norms), h.end + 8)) if d.clause_of[j] == d.clause_of[h.end - 1]]
                if "tegen" in after:
                    st.acts.append((sent, text))  # "aangifte gedaan tegen X": X is accused, not a victim
                    continue
                if any(d.norms[j] in d.lex.authorities for j in range(d.sents[sent].start, min(actor.start, h.start))):
                    # "GS leggen de veehouder een dwangsom op en doen aangifte": the authority reports X
                    st.acts.append((sent, text))
                    continue
            clause = _relative_after_subject(d, h.start)
            if clause is not None:
                st.past_victim.append((sent, text))
                st.past_victim_spans.append(clause)
            else:
                st.victim.append((sent, text))
        elif kind == "witness":
            st.witness.append((sent, text))
        elif kind == "denial":
            st.denial.append((sent, text))
        elif kind == "cleared":
            st.cleared.append((sent, text))
        elif kind == "suspect":
            st.suspect.append((sent, text))
    # an acquittal told as earlier than a conviction in another sentence clears nothing
    st.cleared = [c for c in st.cleared if not _overturned(d, c[0])]


def _collect_roles(d: _Doc) -> None:
    """The subject as journalist, spokesperson or functionary, or in a byline."""
    st = d.state
    titles = person_titles()
    role_hits = [h for h in d.hits if h.key.startswith("role:")]
    for m in d.mentions:
        for h in role_hits:
            if h.start > 0 and (d.norms[h.start - 1] in _FORMER or d.norms[h.start].startswith(("oud-", "ex-"))):
                continue  # "Voormalig wethouder X is opgepakt": a former office takes no steps
            # "woordvoerder X", "officier van justitie mr. X": punctuation or titles in between
            gap = [w for w in d.norms[h.end:m.start] if w.rstrip(".") not in titles] if 0 <= m.start - h.end <= 6 else ["x", "x"]
            before = h.end <= m.start and len(gap) <= 1 and all(w in ("(", ",", ":") or not w.isalnum() for w in gap)
            before = before or (h.end == m.start)
            # "De nieuwe lector Ondermijning van Avans Hogeschool, Ingrid Peeters": the role of an
            # organisation, then a comma and the name: the named person has the role
            if not before and h.end < m.start <= h.end + 8 and d.norms[m.start - 1] == "," and d.sent_of[h.start] == d.sent_of[m.start]:
                between = d.norms[h.end:m.start - 1]
                before = "van" in between and all(w.isalnum() for w in between) and not any(
                    a.kind == "other" and h.end <= a.start < m.start for a in d.actors)
            # "X verwierf bekendheid met zijn onderzoek naar ...": a professional's work in X's own clause
            if (not before and h.key == "role:professional" and h.start > m.end and d.clause_of[h.start] == d.clause_of[m.start]
                    and not any(h.end - h.start > 1 and a.kind == "other" and m.end <= a.start < h.start for a in d.actors)
                    and any(w in ("zijn", "haar") for w in d.norms[h.start:h.end])):
                before = True
            # "X, woordvoerder van de politie," / "X, de woordvoerder"
            tail = d.norms[m.end:h.start]
            # "X, programmamanager bij het RIEC, presenteerde het jaarbeeld": the work of X, after an apposition
            if (not before and h.key == "role:professional" and 2 < len(tail) <= 10 and tail[0] == "," and tail[-1] == ","
                    and "," not in tail[1:-1] and not any(a.kind == "other" and m.end <= a.start < h.start for a in d.actors)):
                before = True
            after = h.start >= m.end and tail[:1] == [","] and len(tail) <= 3 and all(w in (",", "de", "een", "het") for w in tail)
            # "X is strafrechtadvocaat", "X staat als advocaat ...", "X gaf een lezing over ..."
            linked = (h.start >= m.end and len(tail) <= 5 and all(w in _ROLE_LINK or w.isdigit() or w in _NUMBER_WORDS for w in tail)
                      and (not tail or any(w in ("als", "is", "was") for w in tail[-2:])))
            if d.company and h.key != "role:professional" and before and not (after or linked):
                continue  # "sluit de burgemeester Snackbar X": a person's office is no company's role
            if (before or after or linked) and d.sent_of[h.start] == d.sent_of[m.start]:
                if h.end < len(d.norms) and d.norms[h.end] == "van" and h.end < m.start:
                    continue  # "de advocaat van X": X is the client
                st.roles.append((h.key[5:], d.text(h.start, h.end)))
                if h.key == "role:official" and (d.norms[h.start] in d.lex.authorities or d.norms[h.start] in _STEP_TAKERS):
                    st.role_sents.add(d.sent_of[m.start])  # a burgemeester, officier, rechter: takes steps
    # "Hij is chef van de afdeling mensenhandel": a pronoun that refers back to the subject
    for a in d.actors:
        if a.kind != "anaphor" or not d.is_subject(a):
            continue
        for h in role_hits:
            tail = d.norms[a.end:h.start]
            if (h.start >= a.end and d.sent_of[h.start] == a.sent and 0 < len(tail) <= 3 and all(w in _ROLE_LINK for w in tail)
                    and any(w in ("is", "was") for w in tail[:1])):
                st.roles.append((h.key[5:], d.text(h.start, h.end)))
    for m in d.mentions:
        # byline: "Door X", "Een verslag van X" near the start of the text
        if m.start <= 8:
            head = " ".join(d.norms[max(0, m.start - 5):m.start])
            for phrase in d.lex.byline:
                if head.endswith(phrase) and (m.start - len(phrase.split()) <= 3):
                    st.roles.append(("reporter", d.doc[max(0, m.start - len(phrase.split())):m.start].text))
                    break


def assess_parsed(doc: Doc, company: bool, lex: Lexicon | None = None, model: ModelView | None = None,
                  text: str | None = None) -> Assessment:
    """Assess one text parsed with a subject matcher (see ``_pipeline.parse_many``);
    ``model``: what an optional Dutch model says about the text (see ``_model``);
    ``text``: the text the Doc was made from (optional; saves rebuilding sentence texts)."""
    lex = lex or load_lexicon()
    mentions: list[Mention] = list(doc._.bibob_mentions or [])
    namesakes = tuple(dict.fromkeys(m.text for m in mentions if m.namesake))
    if not any(not m.namesake for m in mentions):
        absent = ["Het onderwerp wordt niet genoemd."]
        if namesakes:
            absent.append("Wel genoemd: " + ", ".join(f"'{n}'" for n in namesakes) + " (een naamgenoot: andere voornaam of voorletter).")
        return Assessment((), tuple(absent), 0, namesakes)
    d = _Doc(doc, mentions, company, lex, model, text)
    _collect_roles(d)
    # the first or the last word: "FIOD", "Gemeente Heerlen", "Nederlandse Arbeidsinspectie"
    if d.mentions and all(d.norms[m.start] in lex.authorities or d.norms[m.end - 1] in lex.authorities for m in d.mentions):
        # the subject is an authority ("Gemeente Heerlen", "FIOD"): the steps in the text are its own
        d.state.roles.append(("official", d.mentions[0].text))
        d.state.role_sents.update(range(len(d.sents)))
    _collect_cues(d)
    st = d.state
    hits = d.hits
    prevention = [h for h in hits if h.key == "cue:prevention"]
    cleared_all = [h for h in hits if h.key == "cue:cleared"]

    candidates: list[tuple[Hit, Theme, str, Actor | None]] = []
    notes: list[str] = []
    role_spans = [(r.start, r.end) for r in hits if r.key.startswith("role:")]
    for h in hits:
        if not h.key.startswith("theme:"):
            continue
        theme = lex.themes[h.key[6:]]
        if h.start in d.mention_at:
            continue  # a risk word inside the subject's own name
        if any(a <= h.start and h.end <= b and (a, b) != (h.start, h.end) for a, b in role_spans):
            continue  # a risk word inside a job title: "ethisch hacker"
        if (h.end - h.start == 1 and h.start > 0 and d.doc[h.start].text.istitle() and d.doc[h.start - 1].text.istitle()
                and d.doc[h.start - 1].text.isalpha() and h.start - 1 != d.sents[d.sent_of[h.start]].start and h.start - 1 not in d.mention_at):
            notes.append(f"'{d.text(h.start, h.end)}' is deel van een naam (een afdeling, team of instelling), geen daad.")
            continue  # "Operationeel Informatiecentrum Cluster Mensenhandel", "Team Ondermijning"
        if not _context_ok(d, theme, h):
            continue
        if any(a < h.start < b for a, b in st.past_victim_spans):
            continue  # "X, die eerder slachtoffer was van een overval, ...": the subject's past as victim
        word = _theme_term_word(d, h)
        cue_text = d.text(h.start, h.end)
        if any(_in_same_clause(d, p.start, h.start) and abs(p.start - h.start) <= 8 for p in prevention):
            notes.append(f"'{cue_text}' staat in een zin over bestrijding of voorlichting, niet over een daad.")
            continue
        if any(_in_same_clause(d, c.start, h.start) and d.sent_of[c.start] == d.sent_of[h.start] for c in cleared_all):
            notes.append(f"'{cue_text}': vrijspraak, sepot of geen bewijs in dezelfde zin.")
            continue
        if h.end - h.start == 1 and (word in lex.generic_actors or _AGENT_NOUN.search(word)):
            j = h.start - 1
            while j >= 0 and (d.doc[j].like_num or d.norms[j] in lex.determiners) and j > h.start - 3:
                j -= 1
            if j >= 0 and d.norms[j] in lex.prepositions:
                notes.append(f"'{cue_text}' zijn anderen dan het onderwerp.")
                continue  # "verkocht aan oplichters", "tegen de drugsbende": other people
        k = d.sent_of[h.start]
        if h.start > 0 and d.norms[h.start - 1] in _TITLE_WORDS:
            notes.append(f"'{cue_text}' hoort bij een functienaam, niet bij een daad.")
            continue  # "projectleider arbeidsuitbuiting", "lector Ondermijning"
        if word in theme.victim_forms and h.end < len(d.norms) and (d.norms[h.end] in lex.anaphora_definite or d.norms[h.end] in lex.generic_actors):
            continue  # "de neergeschoten man": the word describes a victim
        if (h.end - h.start == 1 and (word in lex.generic_actors or _AGENT_NOUN.search(word)) and word.endswith(("s", "en"))
                and not any(m.end <= h.start and d.clause_of[m.start] == d.clause_of[h.start] for m in d.mentions)
                and h.end not in {m.start for m in d.mentions}):
            notes.append(f"'{cue_text}' zijn anderen dan het onderwerp.")
            continue  # "Hackers bieden gestolen gegevens van X aan": the doers are others
        if any(d.norms[j] == "tegen" and d.clause_of[j] == d.clause_of[h.start] for j in range(max(0, h.start - 3), h.start)) \
                and not any(j in d.mention_at for j in range(max(0, h.start - 3), h.start)) \
                and not any(d.norms[j] in ("beroep", "bezwaar") for j in range(max(0, h.start - 8), h.start)):
            notes.append(f"'{cue_text}': iets wat wordt bestreden ('tegen'), geen daad.")
            continue  # "procesvoering tegen milieuovertredingen", "de strijd tegen drugs"
        if h.end - h.start == 1 and _negated(d, h.start):
            notes.append(f"'{cue_text}' wordt ontkend ('geen', 'niet' of 'nooit' ervoor).")
            continue
        if not d.sentence_has_subject(k) and any(abs(s - k) == 1 for s, _ in st.suspect) and not _own_relation(d, k):
            # "Een man is doodgeschoten. X werd als verdachte aangehouden."
            candidates.append((h, theme, "suspect", None))
            continue
        actor = d.attach(h.start, h.end)
        if ((word in lex.agent_acts or (theme.id == "handhaving" and (d.norms[h.start] in lex.agent_acts or d.norms[h.start] in _TAKES_STEP)))
                and actor is not None and actor.end <= h.start and d.is_subject(actor)
                and d.clause_of[actor.start] == d.clause_of[h.start]):
            continue  # "X sluit een contract": the subject closes something, nobody closes the subject
        if word in theme.victim_forms and _passive_before(d, actor, h.start):
            agent = _agent_after(d, h.start)
            if agent is not None and d.is_subject(agent):
                candidates.append((h, theme, "same_sentence", agent))
                continue
            if actor is not None and d.is_subject(actor) and not _claimed(d, h.start):
                clause = _relative_after_subject(d, h.start)
                if clause is not None:  # "Snackbar X, die eerder werd beschoten, is gesloten": its past as victim
                    st.past_victim.append((d.sent_of[h.start], cue_text))
                    st.past_victim_spans.append(clause)
                else:
                    st.victim.append((d.sent_of[h.start], cue_text))
            continue
        if (word in theme.attack or h.term in theme.attack) and (any(
            d.sent_of[m.start] == d.sent_of[h.start] and m.start in d.target for m in d.mentions
        ) or _at_own_property(d, h.start, actor)):
            st.victim.append((d.sent_of[h.start], cue_text))
            continue
        by = _agent_of_noun(d, h.end)
        if by is not None:
            notes.append(f"'{cue_text}' door {by}, niet door het onderwerp.")
            continue  # "uitbuiting door de werkgever", "fraude door een medewerker van de bank"
        candidates.append((h, theme, "", actor))

    sent_acts = {s for s, _ in st.acts}
    findings: dict[str, Finding] = {}
    loose: list[tuple[int, Theme, str]] = []  # crime words near the subject that no rule tied to it
    for h, theme, link, actor in candidates:
        k = d.sent_of[h.start]
        cue_text = d.text(h.start, h.end)
        if not link:
            if actor is not None and d.is_subject(actor):
                link = "same_sentence" if actor.kind == "subject" or d.sentence_has_subject(k) else "back_reference"
            elif actor is None and not d.sentence_has_subject(k):
                strong_here = any(
                    x.key == "cue:official_act" and d.sent_of[x.start] == k and d.norms[x.start] not in lex.weak_acts
                    for x in hits
                )
                # the subject in the sentence before, or two before with nobody else in between
                near = k > 0 and d.sentence_has_subject(k - 1)
                if not near and k > 1 and d.sentence_has_subject(k - 2):
                    near = not any(a.sent == k - 1 and a.kind == "other" for a in d.actors)
                before = near and (strong_here or k - 1 in sent_acts)
                after = k + 1 < len(d.sents) and d.sentence_has_subject(k + 1) and k + 1 in sent_acts
                if before or after:
                    link = "topic"
            if not link:
                loose.append((k, theme, cue_text))
                continue
        # subject-level cues that cancel the finding
        own_act = k in sent_acts
        if st.cleared and any(s == k and not _contrast_between(d, h.start, d.sents[s].start) for s, _ in st.cleared):
            continue
        if st.cleared and not own_act and any(abs(s - k) <= 1 for s, _ in st.cleared):
            continue
        member = _company_member(d, actor) if link in ("same_sentence", "back_reference") else None
        if member is None and link != "topic":
            member = _member_only_near(d, k)
        confidence = TOPIC_BASE if link == "topic" else LINK_BASE if member else BASE
        reasons = [
            {
                "same_sentence": f"Risicoterm '{cue_text}' ({theme.label}) staat in dezelfde zin als het onderwerp.",
                "back_reference": f"Risicoterm '{cue_text}' ({theme.label}) staat in een zin die naar het onderwerp terugverwijst.",
                "topic": f"Risicoterm '{cue_text}' ({theme.label}) staat in de zin naast het onderwerp, met een strafrechtelijke of bestuurlijke stap.",
                "suspect": f"Risicoterm '{cue_text}' ({theme.label}) staat in de zin naast die waarin het onderwerp verdachte is"
                           f" ('{next((t for s, t in st.suspect if abs(s - k) == 1), '')}').",
            }[link]
        ]
        if member:
            reasons.append(f"Het gaat om '{member}' van het bedrijf, niet om het bedrijf zelf: het telt voor het bedrijf,"
                           " met lagere zekerheid." if company else
                           f"Het gaat om '{member}' van het onderwerp, niet om het onderwerp zelf: het telt mee, met lagere zekerheid.")
        window = {k - 1, k, k + 1}
        acts = [t for s, t in st.acts if s in window]
        weak = [t for s, t in st.weak_acts if s in window]
        if acts:
            confidence += ACT_BONUS
            reasons.append(f"Strafrechtelijke of bestuurlijke stap tegen het onderwerp: '{acts[0]}'.")
        elif weak:
            confidence += WEAK_BONUS
            reasons.append(f"Aanwijzing voor onderzoek of vondst: '{weak[0]}'.")
        confirmed = [t for s, t in d.confirmed if s in window]
        if confirmed:
            confidence += MODEL_BONUS
            reasons.append(f"Het taalmodel ({d.model.name if d.model else ''}) herkent '{confirmed[0]}' als"
                           f" {'organisatie' if company else 'persoon'}: iets hogere zekerheid.")
        if st.denial:
            confidence *= DENIAL_FACTOR
            reasons.append(f"Het onderwerp ontkent ('{st.denial[0][1]}'): lagere zekerheid.")
        confidence = round(min(confidence, 1.0), 2)
        sentence = d.sent_text(k)
        if link == "back_reference" or link == "topic":
            prev = [j for j in (k - 1,) if j >= 0 and d.sentence_has_subject(j)]
            if prev:
                sentence = d.sent_text(prev[0]) + " " + sentence
        elif link == "suspect":
            where = next(s for s, _ in st.suspect if abs(s - k) == 1)
            pair = (d.sent_text(min(k, where)), d.sent_text(max(k, where)))
            sentence = " ".join(pair)
        f = Finding(theme.id, confidence, cue_text, sentence, tuple(reasons), link,
                    d.doc[h.start].idx, d.doc[h.end - 1].idx + len(d.doc[h.end - 1].text))
        old = findings.get(theme.id)
        if old is None or f.confidence > old.confidence:
            findings[theme.id] = f

    # a more specific theme in the same sentence replaces a general one (zorgfraude > fraude)
    for theme_id in list(findings):
        for other in lex.themes[theme_id].subsumes:
            g = findings.get(other)
            if g is not None and g.sentence == findings[theme_id].sentence:
                del findings[other]

    steps = [(a, b) for a, b in st.act_spans if d.norms[a] != "onderzoek"]  # "onderzoek naar" alone is no step
    if (not findings and steps and "strafrecht" in lex.themes
            and not (st.cleared or st.victim or st.past_victim or st.witness or st.roles or st.unknown)):
        # a step against the subject without any crime word of a theme ("X kreeg een boete
        # van de ACM", "het OM eist een geldboete tegen X"): a finding of its own, the
        # weakest kind, so never next to a cue that the subject is victim, witness or official
        start, end = steps[0]
        k = d.sent_of[start]
        cue_text = d.text(start, end)
        compound = _member_only_near(d, k)
        member_note = (f"Het gaat om '{compound}' van het bedrijf, niet om het bedrijf zelf: lees het bericht.",) if compound else ()
        # a crime word a sentence or two from the step, not tied to anyone else: it names
        # what the step is for ("Wijnen is veroordeeld ... Hij gaf toestemming voor de omkoping")
        nearby = sorted(((j, t, c) for j, t, c in loose if -1 <= j - k <= 2 and t.id != "strafrecht"),
                        key=lambda x: (abs(x[0] - k) + (x[0] < k), lex_order(lex, x[1].id)))
        if nearby:
            where, theme, word = nearby[0]
            findings[theme.id] = Finding(
                theme.id, STEP_BASE, cue_text, " ".join(d.sent_text(j) for j in range(min(k, where), max(k, where) + 1)),
                (f"Strafrechtelijke of bestuurlijke stap tegen het onderwerp ('{cue_text}'); vlakbij noemt het bericht '{word}'"
                 f" ({theme.label}), maar zonder dat vast staat dat het over het onderwerp gaat: lees het bericht.", *member_note),
                "same_sentence", d.doc[start].idx, d.doc[end - 1].idx + len(d.doc[end - 1].text))
        else:
            findings["strafrecht"] = Finding(
                "strafrecht", STEP_BASE, cue_text, d.sent_text(k),
                (f"Strafrechtelijke of bestuurlijke stap tegen het onderwerp ('{cue_text}'), zonder dat het bericht een delict"
                 " uit de themalijsten noemt: lees het bericht om te zien waarvoor.", *member_note),
                "same_sentence", d.doc[start].idx, d.doc[end - 1].idx + len(d.doc[end - 1].text))
    # an acquittal also ends a story that only tells the steps before a verdict ("De rechtbank
    # sprak X vrij. Het OM had vier jaar geëist"), in whatever order it tells them
    acquitted = [s for s, t in st.cleared if _norm_words(t) & _ACQUITTAL]
    if findings and st.cleared and st.acts and (max(s for s, _ in st.cleared) > max(s for s, _ in st.acts)
                                                or (acquitted and all(_norm_words(t) <= _BEFORE_VERDICT for _, t in st.acts))) \
            and not any(d.norms[i] in ("maar", "echter", "wel") for s, _ in st.cleared for i in range(d.sents[s].start, d.sents[s].end)):
        # the story ends in an acquittal or dismissal after the step: "X werd aangehouden ...
        # Nu heeft het OM de zaak geseponeerd"
        why_cleared = f"Niet als negatief meegeteld: de zaak tegen het onderwerp is later afgedaan zonder veroordeling ('{st.cleared[0][1]}')."
        return Assessment((), (why_cleared,), len(d.mentions), namesakes)
    dropped: list[str] = []
    # a step in a sentence where the subject is official, spokesperson or reporter is the
    # subject's work ("burgemeester X sloot de zaak"), not a step against the subject
    # a researcher's "onderzoek naar" is the work, not a step against the researcher
    research = any(kind == "professional" for kind, _ in st.roles)
    suspect = any(s not in st.role_sents and not (research and norm(t).startswith("onderzoek")) for s, t in st.acts)
    if findings:
        why: str | None = None
        if st.roles and not suspect:
            kind, text = st.roles[0]
            why = f"Niet als negatief meegeteld: het onderwerp is {ROLE_LABELS[kind]} ('{text}'), geen betrokkene."
        elif st.victim and not any(s not in {v for v, _ in st.victim} for s in sent_acts):
            why = f"Niet als negatief meegeteld: het onderwerp is slachtoffer ('{st.victim[0][1]}')."
        elif st.past_victim and not suspect:
            why = f"Niet als negatief meegeteld: het onderwerp is slachtoffer ('{st.past_victim[0][1]}')."
        elif st.witness and not suspect:
            why = f"Niet als negatief meegeteld: het onderwerp is getuige ('{st.witness[0][1]}')."
        elif st.unknown and not suspect:
            why = f"Niet als negatief meegeteld: de daders zijn onbekend ('{st.unknown[0][1]}'); het onderwerp is geen verdachte."
        if why:
            return Assessment((), (why,), len(d.mentions), namesakes)
    else:
        if st.victim or st.past_victim:
            dropped.append(f"Niet als negatief meegeteld: het onderwerp is slachtoffer ('{(st.victim or st.past_victim)[0][1]}').")
        if st.cleared:
            dropped.append(f"Niet als negatief meegeteld: het onderwerp is vrijgesproken of de zaak is geseponeerd ('{st.cleared[0][1]}').")
        if st.witness:
            dropped.append(f"Niet als negatief meegeteld: het onderwerp is getuige ('{st.witness[0][1]}').")
        if st.roles:
            kind, text = st.roles[0]
            dropped.append(f"Het onderwerp staat in de tekst als {ROLE_LABELS[kind]} ('{text}').")
        dropped.extend(n for n in notes if n not in dropped)
        if not dropped:
            dropped.append("Geen risicoterm bij de naam gevonden.")
    ordered = tuple(sorted(findings.values(), key=lambda f: lex_order(lex, f.theme)))
    return Assessment(ordered, tuple(dropped), len(d.mentions), namesakes)


def lex_order(lex: Lexicon, theme: str) -> int:
    return list(lex.themes).index(theme)
