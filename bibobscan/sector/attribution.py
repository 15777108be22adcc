"""Which official publications belong to an establishment.

KOOP is searched per establishment name, and a short or common name occurs in notices
about other businesses: an establishment called "Barbershop" or "Kings" would otherwise
collect the 25 points of another shop's closure. A notice is **credited** (it counts for
the indicators) only on a distinctive match:

- it names the establishment's full name (its OpenStreetMap or Handelsregister name, as
  whole words, legal form ignored) and that name has at least
  :data:`MIN_DISTINCTIVE` distinctive words — words that are not generic
  (:data:`GENERIC_WORDS`), not a word of the branche (:data:`TRADE_WORDS`, the preset's
  label and name pattern) and not a place (the municipality, the establishment's city
  and street); or
- it gives the establishment's street and house number; or
- it names the establishment (full name) and gives its full postcode.

A notice that names the establishment but matches in none of these ways is kept as a
**possible** publication: shown in the report for a person to check, never scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..resolve.names import fold, mentions, normalise

MIN_DISTINCTIVE = 2

CREDITED = "credited"
POSSIBLE = "possible"

# Words that say nothing about which business is meant (Dutch and English).
GENERIC_WORDS = frozenset("""
    de het een den der des van en and of the a an in op aan bij voor met te ter tot uit
    s t n n.v bv vof cv b.v v.o.f
    shop shops winkel winkels store stores zaak zaken huis house home centrum center centre
    company compagnie co groep group holding holdings service services international
    internationaal nederland nl nederlandse dutch europe europa city stad dorp new nieuw
    nieuwe oud oude noord zuid oost west centraal central best top king kings queen royal
    first eerste one plus pro express studio studios salon salons lounge bar
    atelier corner point place plaza plein markt market the
""".split())

# Words of the branches of the presets (a name that is only these is a trade, not a
# business). The preset's own label and name pattern are added per scan.
TRADE_WORDS = frozenset("""
    kapper kappers kapsalon kapsalons kapperszaak kapperij knipperij barber barbers
    barbershop barbershops barbier barbiers hair hairstudio hairsalon haar haarmode
    haarstudio coiffure coiffeur beauty beautysalon schoonheid schoonheidssalon nail nails
    nagel nagels nagelstudio nagelsalon manicure pedicure massage massagesalon spa thai
    wellness auto autos car cars autobedrijf autohandel occasions occasion garage verhuur
    rental rent autoverhuur wasstraat carwash wash autowas shisha hookah waterpijp
    telecom phone phones gsm mobiel mobile belwinkel minimarkt minimarket mini supermarkt
    toko souvenir souvenirs gifts vakantiepark bungalowpark recreatiepark camping zorg
    zorggroep begeleiding thuiszorg transport transporten logistiek logistics expeditie
    koeriers vastgoed makelaar makelaardij realestate real estate beheer
""".split())

_WORD = re.compile(r"[^\W_]+")


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({w for w in words if len(w) >= 4}))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The non-distinctive words of one scan: generic, trade and place words. A word is
    non-distinctive when it equals one, or starts with a trade stem of 4+ letters
    ("barbershop" starts with "barber")."""

    words: frozenset[str]
    stems: tuple[str, ...]

    @classmethod
    def for_scan(cls, *, trade_texts: Iterable[str] = (), places: Iterable[str] = ()) -> Vocabulary:
        trade = set(TRADE_WORDS)
        for text in trade_texts:
            trade.update(_WORD.findall(fold(text)))
        place_words = {w for p in places for w in _WORD.findall(fold(p))}
        return cls(words=frozenset(GENERIC_WORDS | trade | place_words), stems=_stems(trade))

    def distinctive(self, name: str, *, extra_places: Iterable[str] = ()) -> list[str]:
        """The distinctive words of a company name (legal form stripped)."""
        local = {w for p in extra_places for w in _WORD.findall(fold(p))}
        out: list[str] = []
        for word in _WORD.findall(normalise(name, company=True)):
            if len(word) < 2 or word.isdigit() or word in self.words or word in local:
                continue
            if any(word.startswith(stem) for stem in self.stems):
                continue
            if word not in out:
                out.append(word)
        return out


def _number_variants(number: str) -> list[str]:
    """ "18a" -> ["18a", "18 a"]; "9" -> ["9"]."""
    folded = fold(number)
    if not folded:
        return []
    spaced = re.sub(r"(?<=\d)(?=[^\d\s])", " ", folded)
    return list(dict.fromkeys([folded, spaced]))


def names_address(text: str, street: str, house_number: str) -> bool:
    """Whether ``text`` gives street + house number (whole words: "Knipstraat 9" is not
    "Knipstraat 91")."""
    if not street or not house_number:
        return False
    haystack = fold(text)
    street_f = fold(street)
    return any(
        re.search(rf"(?<!\w){re.escape(street_f + ' ' + n)}(?!\w)", haystack) is not None
        for n in _number_variants(house_number)
    )


def names_postcode(text: str, postcode: str) -> bool:
    """Whether ``text`` gives the full postcode ("5038ZK" or "5038 ZK")."""
    pc = "".join(postcode.split()).upper()
    if not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", pc):
        return False
    return re.search(rf"(?<![0-9A-Za-z]){pc[:4]}\s?{pc[4:]}(?![0-9A-Za-z])", text, flags=re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class Attribution:
    verdict: str | None  # CREDITED / POSSIBLE / None (the notice does not name it)
    why: str  # Dutch


def attribute(
    text: str,
    names: list[str],
    *,
    street: str = "",
    house_number: str = "",
    postcode: str = "",
    city: str = "",
    vocabulary: Vocabulary,
) -> Attribution:
    """Does the notice ``text`` belong to the establishment with ``names`` at this address?"""
    named = [n for n in names if n and mentions(text, n, company=True)]
    at_address = names_address(text, street, house_number)
    if at_address:
        return Attribution(CREDITED, f"noemt het adres {street} {house_number}")
    if not named:
        return Attribution(None, "noemt de naam van de vestiging niet letterlijk")
    for name in named:
        words = vocabulary.distinctive(name, extra_places=(city, street))
        if len(words) >= MIN_DISTINCTIVE:
            return Attribution(CREDITED, f"noemt de naam ‘{name}’ (onderscheidend: {', '.join(words)})")
    if names_postcode(text, postcode):
        return Attribution(CREDITED, f"noemt de naam ‘{named[0]}’ en de postcode {postcode}")
    words = vocabulary.distinctive(named[0], extra_places=(city, street))
    detail = f"alleen ‘{words[0]}’ is onderscheidend" if words else "geen onderscheidend woord"
    return Attribution(
        POSSIBLE,
        f"noemt de naam ‘{named[0]}’ ({detail}), maar niet het adres of de postcode van de vestiging: "
        "mogelijk een andere zaak, niet meegeteld",
    )
