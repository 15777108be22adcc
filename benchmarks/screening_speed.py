"""Screening speed: 1,000 query names against 1,000,000 generated names.

    python benchmarks/screening_speed.py [--size 1000000] [--queries 1000] [--seed 7]
                                         [--evaldata ../shared/evaldata]

Not a test. Prints: time and memory to build the index, the median (and p90/p99)
milliseconds per query on one core (the script is single-threaded), and how much
recall the candidate pre-selection loses on the quality benchmark: every Person and
Company pair of nomenklatura_name_bench_cases.csv that the full matcher calls a match
is planted in the haystack (name2) and searched for (name1); a pair is lost when the
index does not hand name2 to the full comparison.

The haystack is generated reproducibly (seeded): Dutch-ish person names (Dutch,
Moroccan, Turkish, Surinamese and other first names and surnames, particles, initials,
double surnames) and company names (trade words, surnames, places, legal forms,
holdings), with Zipf-like frequencies so common names are common.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bibobscan.matching import ScreeningIndex, compare_names  # noqa: E402
from bibobscan.model import Verdict  # noqa: E402

FIRST_NAMES = (
    "Jan Johannes Pieter Piet Kees Cornelis Hendrik Henk Willem Wim Gerrit Dirk Jacob Jaap Klaas Bram Abraham Daan "
    "Sem Lucas Levi Finn Noah Liam Luuk Milan Jesse Thijs Bas Tim Tom Ruben Lars Stijn Niels Joost Maarten Sander "
    "Bart Erik Frank Marco Mark Michiel Paul Peter Rob Robert Ronald Rene Richard Hans Harry Arjan Arie Ad Ton Theo "
    "Anna Emma Julia Sophie Lotte Eva Sanne Lisa Iris Fleur Femke Anouk Linda Marloes Maria Johanna Cornelia "
    "Wilhelmina Petronella Elisabeth Margaretha Hendrika Geertruida Ingrid Monique Sandra Esther Petra Miranda "
    "Mohammed Mohamed Ahmed Mustafa Youssef Hamza Ayoub Bilal Omar Ibrahim Karim Mehmet Ahmet Mustafa Emre Burak "
    "Fatima Khadija Nora Yasmina Samira Aicha Meryem Zeynep Elif Ayse Hatice Priya Ravi Anil Sunita Dewi Wei Lin "
    "Tomasz Piotr Agnieszka Katarzyna Olga Irina Sergei Dmitri Natasha Giovanni Marco Luca Jose Carlos Ana Lucia"
).split()
SURNAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|de Groot|"
    "Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|van der Linden|"
    "Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|"
    "Schouten|van Beek|Willems|van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|"
    "Blom|Huisman|Peeters|de Jonge|Kuipers|van Veen|Post|Kuiper|Veenstra|Kramer|van den Brink|Scholten|van Wijk|"
    "Postma|Martens|Vink|de Ruiter|Timmermans|Groen|Gerritsen|Jonker|van Loon|Boer|van der Velde|Willemsen|"
    "Smeets|de Lange|de Vos|Bosch|van Dongen|Schipper|de Koning|van der Laan|Koning|van der Velden|Driessen|"
    "van Doorn|Hermans|Evers|van den Bosch|van der Meulen|Hofman|Bosman|Wolters|Sanders|van der Horst|Mertens|"
    "El Amrani|Bouzid|El Idrissi|Benali|Aouragh|Ouahabi|El Khattabi|Chaouch|Boukhari|Ait Ouali|Yilmaz|Kaya|"
    "Demir|Sahin|Celik|Yildiz|Ozturk|Aydin|Arslan|Dogan|Kilic|Aslan|Cetin|Koc|Kurt|Ozdemir|Sewdien|Ramdin|"
    "Jagesar|Ramcharan|Kisoensingh|Pinas|Eduards|Wong|Chen|Nguyen|Tran|Kowalski|Nowak|Wisniewski|Ivanov|Rossi|Garcia"
).split("|")
PREFIXES = ("van", "van de", "van der", "van den", "de", "ter", "ten", "van 't", "in 't")
STEMS = ("berg brink hoek kamp veld hof horst broek dijk meer beek bosch hout laan weg straat wijk heuvel haven "
         "sloot gracht burg stein kerk molen water weide akker wold hage ven donk rode loo").split()
HEADS = ("wester ooster noorder zuider groot klein hoog laag oud nieuw rozen linden eiken beuken essen vlas hooi "
         "zand klei veen mol vos wolf haas ree hert zwaan kraai reiger ekster spreeuw blauw groen rood wit zwart "
         "steen ijzer koper zilver goud wouter gerrit klaas jan piet dirk aart hendrik").split()
TRADES = ("Bouw|Installatietechniek|Transport|Logistiek|Vastgoed|Beheer|Holding|Handelsonderneming|Kapsalon|Barbershop|"
          "Café|Eetcafé|Restaurant|Shoarma|Grillroom|Pizzeria|Snackbar|Shisha Lounge|Nachtwinkel|Supermarkt|"
          "Autobedrijf|Autohandel|Carwash|Schoonmaakbedrijf|Beveiliging|Uitzendbureau|Consultancy|Advies|"
          "Projectontwikkeling|Import Export|Groothandel|Telecom|Belwinkel|Coffeeshop|Massagesalon|Zonnestudio|"
          "Klussenbedrijf|Dakdekkers|Schilders|Stukadoors|Loodgieter|Tegelzetters|Verhuisbedrijf|Koeriersdienst").split("|")
WORDS = ("Noord|Zuid|Oost|West|Centrum|Royal|Golden|Gouden|Zilveren|Groene|Blauwe|Nieuwe|Oude|Euro|Global|Prima|"
         "Top|Super|Quick|Smart|Green|City|Star|Delta|Alpha|Omega|Atlas|Phoenix|Orion|Nova|Zenith|Horizon|Amstel|"
         "Maas|Rijn|Waal|Dommel|Brabant|Holland|Kennemer|Veluwe|Twente|Zeeland|Friesland|Limburg").split("|")
PLACES = ("Amsterdam Rotterdam Den-Haag Utrecht Eindhoven Tilburg Groningen Almere Breda Nijmegen Apeldoorn "
          "Haarlem Arnhem Enschede Amersfoort Zaandam Zwolle Leiden Maastricht Dordrecht Ede Emmen Venlo Deventer "
          "Delft Helmond Oss Roosendaal Hilversum Leeuwarden Alkmaar Heerlen Schiedam Vlaardingen Gouda Zeist").split()
FORMS = ("B.V.", "B.V.", "B.V.", "BV", "V.O.F.", "N.V.", "Holding B.V.", "Beheer B.V.", "C.V.", "", "", "")
FRONT_FORMS = ("Stichting", "Vereniging", "Coöperatie")


def _zipf(rng: random.Random, items: list[str] | tuple[str, ...], s: float = 1.1) -> str:
    # inverse-CDF sampling of a rank with P(rank) ~ 1/rank^s
    n = len(items)
    u = rng.random()
    rank = int((n ** (1 - s * 0.5)) * u ** 2 * n) % n if s else int(u * n)
    return items[min(rank, n - 1)]


def _surname(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return _zipf(rng, SURNAMES)
    stem = rng.choice(HEADS) + rng.choice(STEMS)
    if rng.random() < 0.2:
        stem += rng.choice(("s", "er", "ink", "ing", "ma", "stra"))
    stem = stem.capitalize()
    if r < 0.8:
        return f"{rng.choice(PREFIXES)} {stem}"
    return stem


def person_name(rng: random.Random) -> str:
    first = _zipf(rng, FIRST_NAMES)
    if rng.random() < 0.15:
        first += " " + rng.choice(FIRST_NAMES)
    surname = _surname(rng)
    r = rng.random()
    if r < 0.08:
        surname = f"{surname}-{_surname(rng)}"  # Visser-de Jong
    if r > 0.9:
        initials = "".join(f"{c}." for c in first.replace(" ", "")[:1] + "".join(rng.choice("ABCDEGHJKLMPRSTW") for _ in range(rng.randint(0, 2))))
        return f"{initials} {surname}"
    return f"{first} {surname}"


def company_name(rng: random.Random) -> str:
    r = rng.random()
    trade = rng.choice(TRADES)
    if r < 0.35:
        core = f"{_surname(rng).split()[-1]} {trade}"
    elif r < 0.6:
        core = f"{trade} {rng.choice(WORDS)}"
    elif r < 0.8:
        core = f"{rng.choice(WORDS)} {trade} {rng.choice(PLACES).replace('-', ' ')}"
    else:
        core = f"{rng.choice(HEADS).capitalize()}{rng.choice(STEMS)} {trade}"
    if rng.random() < 0.1:
        return f"{rng.choice(FRONT_FORMS)} {core}"
    form = rng.choice(FORMS)
    return f"{core} {form}".strip()


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [("person", person_name(rng)) if rng.random() < 0.6 else ("company", company_name(rng)) for _ in range(n)]


def perturb(rng: random.Random, name: str) -> str:
    """A query as officers type it: a typo, a missing particle, initials, other order."""
    words = name.split()
    r = rng.random()
    if r < 0.3 and len(words[-1]) > 4:
        w = words[-1]
        i = rng.randrange(1, len(w) - 1)
        words[-1] = w[:i] + w[i + 1] + w[i] + w[i + 2:]  # swapped letters
    elif r < 0.45 and len(words) > 2 and words[1].lower() in ("van", "de", "der", "den", "ter"):
        words.pop(1)
    elif r < 0.6 and words and not words[0].endswith("."):
        words[0] = words[0][0] + "."
    elif r < 0.7:
        words = words[::-1]
    return " ".join(words)


def bench_pairs(evaldata: Path) -> list[tuple[str, str, str]]:
    import csv

    path = evaldata / "name_matching" / "nomenklatura_name_bench_cases.csv"
    kinds = {"Person": "person", "Company": "company", "Organization": "company"}
    out: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            kind = kinds.get(r["schema"])
            if kind and r["is_match"].strip().lower() == "true":
                if compare_names(r["name1"], r["name2"], kind).verdict is Verdict.MATCH:
                    out.append((kind, r["name1"], r["name2"]))
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screening speed benchmark (not a test).")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    args = parser.parse_args(argv)

    base = rss_mb()
    t0 = time.perf_counter()
    haystack = generate(args.size, args.seed)
    t1 = time.perf_counter()
    index = ScreeningIndex()
    for kind, name in haystack:
        index.add(name, kind)
    planted: list[tuple[str, str, int]] = []
    if (args.evaldata / "name_matching").exists():
        for kind, query, target in bench_pairs(args.evaldata):
            planted.append((kind, query, index.add(target, kind)))
    index.candidates("warm up", "person")  # builds the one-deletion maps
    index.candidates("warm up B.V.", "company")
    t2 = time.perf_counter()
    gc.collect()
    print(f"haystack: {len(index):,} names ({sum(1 for k, _ in haystack if k == 'person'):,} persons), "
          f"generated in {t1 - t0:.1f} s, indexed in {t2 - t1:.1f} s; peak RSS {rss_mb():.0f} MB (+{rss_mb() - base:.0f} MB)")

    rng = random.Random(args.seed + 1)
    queries: list[tuple[str, str]] = []
    for i in range(args.queries):
        if i % 2 == 0:
            kind, name = haystack[rng.randrange(len(haystack))]
            queries.append((kind, perturb(rng, name)))
        else:
            queries.append(("person", person_name(rng)) if rng.random() < 0.6 else ("company", company_name(rng)))
    times: list[float] = []
    hits = 0
    for kind, q in queries:
        start = time.perf_counter()
        found = index.screen(q, kind)
        times.append((time.perf_counter() - start) * 1000)
        hits += bool(found)
    times.sort()
    print(f"queries: {len(queries)} (half perturbed haystack names, half new names); {hits} with at least one candidate")
    print(f"ms per query on one core: median {statistics.median(times):.2f}, p90 {times[int(0.9 * len(times))]:.2f}, "
          f"p99 {times[int(0.99 * len(times))]:.2f}, mean {statistics.fmean(times):.2f}")

    if planted:
        lost = [(k, q, index.names[t]) for k, q, t in planted if t not in index.candidates(q, k)]
        print(f"pre-selection recall on the quality benchmark: {len(planted) - len(lost)}/{len(planted)} planted matches "
              f"handed to the full comparison; recall loss {len(lost) / len(planted):.2%}")
        for k, q, t in lost[:20]:
            print(f"    lost [{k}] {q!r} -> {t!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
