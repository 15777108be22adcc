"""Quality benchmark of bibobscan.matching on third-party labelled name pairs.

    python benchmarks/name_matching.py [--evaldata ../shared/evaldata] [--errors]

Reads (never copies) the OpenSanctions nomenklatura name benchmark
(``name_matching/nomenklatura_name_bench_cases.csv``, MIT) and entity checks
(``name_matching/nomenklatura_entity_bench_checks.yml``, MIT) from the evaldata folder
and prints precision, recall and F1 at the shipped threshold: overall, per quality tier
(STRONG/MEDIUM/WEAK) and per schema, for Person, Company, Organization and LegalEntity
rows (Vessel rows are left out: bibobscan matches people and companies). A pair counts
as predicted-same when the verdict is ``match``; ``possible`` (a possible namesake)
counts as not-same in the headline figures and is reported separately.

The cases file is also split deterministically into a tuning part (about 70 %) and a
HELD-OUT part (about 30 %), and the held-out figures are printed on their own. The
split key is ``case_group`` plus the reference name (``name2``), hashed with sha256:
the file has only six case groups, so the group alone cannot give a 70/30 split, and
keeping every variant of one reference name on the same side stops near-copies of a
held-out row from sitting in the tuning part. Earlier development of the matcher
looked at ALL rows, so the whole-file figures are in-sample; only the held-out figure
of this and later runs is (approximately) out-of-sample, and only as long as nobody
tunes on the held-out rows. ``--errors`` lists the errors of the tuning part only;
``--errors-held-out`` lists the held-out errors too (reading them spends the split).

Also prints the rate of matches between unrelated names (random pairs of different
parties from the OFAC SDN list and from generated Dutch names, seeded) and the
agreement with OFAC's own fuzzy scores.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import damaged_names  # noqa: E402  (benchmarks/damaged_names.py)

from bibobscan.matching import (  # noqa: E402
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    Record,
    ScreeningIndex,
    compare,
    compare_names,
    core_name,
)
from bibobscan.matching._features import CAPS  # noqa: E402
from bibobscan.model import Verdict  # noqa: E402

SCHEMAS = ("Person", "Company", "Organization", "LegalEntity")
KIND = {"Person": "person", "Company": "company", "Organization": "company", "LegalEntity": None}
CASES = "name_matching/nomenklatura_name_bench_cases.csv"
CHECKS = "name_matching/nomenklatura_entity_bench_checks.yml"
OFAC = "name_matching/nomenklatura_ofac_fixtures.csv"
SDN = "legal_entities_sanctions/ofac_sdn.csv"


@dataclass(slots=True)
class Row:
    group: str
    schema: str
    a: Record
    b: Record
    truth: bool
    quality: str
    category: str
    verdict: Verdict = Verdict.NO_MATCH
    score: float = 0.0
    cause: str = ""  # the rule that decided a non-match (see cause_of)

    @property
    def predicted(self) -> bool:
        return self.verdict is Verdict.MATCH


HELD_OUT_PERCENT = 30


def split_key(row: Row) -> str:
    """What the tuning/held-out split hashes: the case group and the reference name."""
    return f"{row.group}|{' '.join(row.b.name.casefold().split())}"


def is_held_out(row: Row) -> bool:
    """True for about 30 % of the cases, the same rows on every machine and run."""
    digest = hashlib.sha256(split_key(row).encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < HELD_OUT_PERCENT


def default_evaldata() -> Path:
    return ROOT.parent / "shared" / "evaldata"


def load_cases(evaldata: Path) -> list[Row]:
    rows: list[Row] = []
    with (evaldata / CASES).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["schema"] not in SCHEMAS:
                continue
            kind = KIND[r["schema"]]
            rows.append(Row(r["case_group"], r["schema"], Record(r["name1"], kind=kind), Record(r["name2"], kind=kind),
                            r["is_match"].strip().lower() == "true", r["quality"].strip().upper() or "MEDIUM", r["category"]))
    return rows


def _names(props: dict[str, Any]) -> list[str]:
    def values(key: str) -> list[str]:
        v = props.get(key)
        if v is None:
            return []
        return [str(x) for x in v] if isinstance(v, list) else [str(v)]

    names = values("name")
    parts = [values(k) for k in ("firstName", "middleName", "fatherName", "lastName")]
    if any(parts):
        names.append(" ".join(p[0] for p in parts if p))
    return [n for n in names if n.strip()]


def load_checks(evaldata: Path) -> list[Row]:
    data = yaml.safe_load((evaldata / CHECKS).read_text(encoding="utf-8"))
    rows: list[Row] = []
    for c in data.get("checks") or []:
        schema = str(c.get("schema"))
        if schema not in SCHEMAS:
            continue
        qa, qb = _names(c.get("query") or {}), _names(c.get("candidate") or {})
        if not qa or not qb:
            continue
        kind = KIND[schema]
        a = Record(qa[0], kind=kind, aliases=qa[1:], born=_first(c["query"], "birthDate"))
        b = Record(qb[0], kind=kind, aliases=qb[1:], born=_first(c["candidate"], "birthDate"))
        rows.append(Row("checks", schema, a, b, bool(c.get("match")), "MEDIUM", str(c.get("label") or "")))
    return rows


def _first(props: dict[str, Any], key: str) -> str | None:
    v = props.get(key)
    if isinstance(v, list):
        return str(v[0]) if v else None
    return str(v) if v else None


def warm_up() -> float:
    """Build the matcher's tables (legal forms, transliteration, first names) once, as
    any process does on its first comparison, with two pairs that are in no data set;
    returns the seconds it took. The per-pair figures exclude this one-time cost, not the
    parsing of each name."""
    start = time.perf_counter()
    compare(Record(name="Voorbeeldbedrijf Noord B.V.", kind="company"), Record(name="Voorbeeldbedrijf Noord BV", kind="company"))
    compare(Record(name="Bram Voorbeeld", kind="person"), Record(name="B. Voorbeeld", kind="person"))
    return time.perf_counter() - start


def run(rows: list[Row]) -> float:
    """Seconds to compare every pair (the benchmark's own error labelling is not timed)."""
    results = []
    start = time.perf_counter()
    for row in rows:
        results.append(compare(row.a, row.b))
    seconds = time.perf_counter() - start
    for row, result in zip(rows, results, strict=True):
        row.verdict, row.score = result.verdict, result.score
        row.cause = cause_of(result)
    return seconds


def cause_of(result: Any) -> str:
    """What kept a pair from "match": the rule that capped it at "possible" (by its
    feature name), or the name score itself."""
    if result.verdict is Verdict.MATCH:
        return "match"
    caps = [f.name for f in result.match.features if f.weight < 0 and f.name in CAPS]
    if caps:
        return "cap: " + caps[-1]
    if result.verdict is Verdict.POSSIBLE:
        return "score: possible band"
    return "score: names differ"



@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    possible_pos: int = 0  # true pairs called "possible"
    possible_neg: int = 0  # false pairs called "possible"

    def add(self, row: Row) -> None:
        if row.predicted and row.truth:
            self.tp += 1
        elif row.predicted:
            self.fp += 1
        elif row.truth:
            self.fn += 1
        else:
            self.tn += 1
        if row.verdict is Verdict.POSSIBLE:
            if row.truth:
                self.possible_pos += 1
            else:
                self.possible_neg += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0


def table(title: str, groups: dict[str, Counts]) -> None:
    print(f"\n{title}")
    print(f"  {'':<22} {'n':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'prec':>6} {'recall':>6} {'F1':>6} {'acc':>6}  possible(+/-)")
    for key, c in groups.items():
        print(f"  {key:<22} {c.n:>5} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.tn:>4} {c.precision:>6.3f} {c.recall:>6.3f} "
              f"{c.f1:>6.3f} {c.accuracy:>6.3f}  {c.possible_pos}/{c.possible_neg}")


def report(name: str, rows: list[Row], seconds: float, show_errors: bool,
           hide: frozenset[tuple[str, str]] = frozenset()) -> Counts:
    overall = Counts()
    tiers: dict[str, Counts] = defaultdict(Counts)
    schemas: dict[str, Counts] = defaultdict(Counts)
    for row in rows:
        overall.add(row)
        tiers[row.quality].add(row)
        schemas[row.schema].add(row)
    print(f"\n=== {name}: {len(rows)} pairs, {1000 * seconds / max(1, len(rows)):.2f} ms per pair ===")
    table("overall", {"all": overall})
    table("per quality tier", {k: tiers[k] for k in ("STRONG", "MEDIUM", "WEAK") if k in tiers})
    table("per schema", {k: schemas[k] for k in SCHEMAS if k in schemas})
    causes: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.truth and not r.predicted:
            causes[r.cause] += 1
    print("\n  missed pairs (FN) by what kept them from 'match':")
    for cause, count in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"    {count:>4}  {cause}")
    strong_wrong = [r for r in rows if r.quality == "STRONG" and r.predicted != r.truth]
    print(f"\n  STRONG cases wrong: {len(strong_wrong)}")
    for r in strong_wrong:
        print(f"    [{r.schema}] {r.a.name!r} / {r.b.name!r}: truth={r.truth} verdict={r.verdict.value} score={r.score:.3f}")
    if show_errors:
        print("\n  all errors:")
        hidden = 0
        for r in rows:
            if (r.a.name, r.b.name) in hide:
                hidden += r.predicted != r.truth
                continue
            if r.predicted != r.truth:
                print(f"    {'FP' if r.predicted else 'FN'} [{r.schema}/{r.quality}] {r.a.name!r} / {r.b.name!r}: "
                      f"{r.verdict.value} {r.score:.3f}  {r.category}")
        if hidden:
            print(f"    ({hidden} errors on pairs of the held-out split not shown; --errors-held-out shows them)")
    return overall


def sweep(rows: list[Row]) -> None:
    """Re-run with other match thresholds (the "at most possible" caps move along)."""
    from bibobscan.matching import _features

    saved = (_features.MATCH_THRESHOLD, _features.CAP_POSSIBLE)
    print("\n  threshold sensitivity (whole matcher re-run per threshold; caps at t - 0.01):")
    try:
        for t in (0.76, 0.78, 0.80, 0.82, MATCH_THRESHOLD, 0.86, 0.88, 0.90):
            _features.MATCH_THRESHOLD = t
            _features.CAP_POSSIBLE = t - 0.01
            copies = [Row(r.group, r.schema, r.a, r.b, r.truth, r.quality, r.category) for r in rows]
            run(copies)
            c = Counts()
            for r in copies:
                c.add(r)
            strong = sum(1 for r in copies if r.quality == "STRONG" and r.predicted != r.truth)
            mark = "  <- shipped" if abs(t - saved[0]) < 1e-9 else ""
            print(f"    t={t:.2f}  P={c.precision:.3f} R={c.recall:.3f} F1={c.f1:.3f}  STRONG wrong={strong}{mark}")
    finally:
        _features.MATCH_THRESHOLD, _features.CAP_POSSIBLE = saved


def unrelated(evaldata: Path, samples: int, seed: int) -> None:
    """Random pairs of names of *different* parties; every match among them is a false
    alarm about a namesake. Three populations: OFAC SDN individuals, OFAC SDN entities
    (public domain list, one entry per party) and generated Dutch-ish persons and
    companies (benchmarks/screening_speed.py, seeded)."""
    rng = random.Random(seed)
    populations: dict[str, tuple[str, list[str]]] = {}
    sdn = evaldata / SDN
    if sdn.exists():
        people: list[str] = []
        entities: list[str] = []
        with sdn.open(encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) < 3:
                    continue
                kind = row[2].strip().strip('"').lower()
                if kind == "individual":
                    people.append(row[1])
                elif kind in ("-0-", ""):
                    entities.append(row[1])
        populations["SDN individuals"] = ("person", people)
        populations["SDN entities"] = ("company", entities)
    from screening_speed import generate

    generated = generate(20000, seed)
    populations["generated NL persons"] = ("person", [n for k, n in generated if k == "person"])
    populations["generated NL companies"] = ("company", [n for k, n in generated if k == "company"])
    print(f"\n=== unrelated names: {samples} random pairs of different parties per population (seed {seed}) ===")
    print("  (pairs whose folded names are identical are skipped: those are namesakes by definition)")
    for label, (kind, names) in populations.items():
        match = possible = done = 0
        examples: list[str] = []
        while done < samples and len(names) > 1:
            x, y = rng.sample(names, 2)
            if core_name(x, kind) == core_name(y, kind):
                continue
            done += 1
            v = compare_names(x, y, kind).verdict
            if v is Verdict.MATCH:
                match += 1
                if len(examples) < 4:
                    examples.append(f"{x!r} / {y!r}")
            elif v is Verdict.POSSIBLE:
                possible += 1
        print(f"  {label:<24} match rate {match / max(1, done):.3%}  possible rate {possible / max(1, done):.3%}  (n={done})")
        for e in examples:
            print(f"      e.g. {e}")
    print("\n  screening false alarms: each name screened against all *other* parties of its population;")
    print("  share of names whose best other party (folded name not identical) is a match / a possible match")
    for label, (kind, names) in populations.items():
        index = ScreeningIndex()
        names = list(dict.fromkeys(names))
        for n in names:
            index.add(n, kind)
        queries = rng.sample(range(len(names)), min(2000, len(names)))
        match = possible = 0
        examples = []
        for qi in queries:
            own = core_name(names[qi], kind)
            found = [c for c in index.screen(names[qi], kind, limit=5) if c.id != qi and core_name(c.name, kind) != own]
            if found and found[0].result.verdict is Verdict.MATCH:
                match += 1
                if len(examples) < 4:
                    examples.append(f"{names[qi]!r} / {found[0].name!r}")
            elif found:
                possible += 1
        asked = len(queries)
        print(f"  {label:<24} match {match / asked:.2%}  possible {possible / asked:.2%}  (n={asked} of {len(names)} parties)")
        for e in examples:
            print(f"      e.g. {e}")


def ofac(evaldata: Path) -> None:
    path = evaldata / OFAC
    if not path.exists():
        return
    pairs: list[tuple[str, str, float]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            try:
                pairs.append((r["query_name"], r["result_name"], float(r["ofac_score"])))
            except (KeyError, ValueError):
                continue
    if not pairs:
        return
    ours = [compare_names(q, c).score for q, c, _ in pairs]
    theirs = [s / 100.0 if s > 1 else s for _, _, s in pairs]
    n = len(pairs)
    mx, my = sum(ours) / n, sum(theirs) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(ours, theirs))
    sx = sum((x - mx) ** 2 for x in ours) ** 0.5
    sy = sum((y - my) ** 2 for y in theirs) ** 0.5
    print(f"\n=== OFAC fixtures: {n} scored pairs (calibration only, no labels) ===")
    print(f"  Pearson correlation of our score with OFAC's score: {cov / (sx * sy) if sx and sy else 0.0:.3f}")
    hi = [o for o, t in zip(ours, theirs) if t >= 0.9]
    print(f"  pairs OFAC scores >= 0.90: {len(hi)}; of these we call match: {sum(1 for o in hi if o >= MATCH_THRESHOLD)}")


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Name-matching quality benchmark (not a test).")
    parser.add_argument("--evaldata", type=Path, default=default_evaldata(), help="folder with name_matching/ (default ../shared/evaldata)")
    parser.add_argument("--errors", action="store_true", help="print every misclassified pair (tuning split and checks)")
    parser.add_argument("--errors-held-out", action="store_true",
                        help="also print the held-out errors (looking at them makes the held-out figure in-sample)")
    parser.add_argument("--samples", type=int, default=20000, help="random unrelated pairs per population")
    parser.add_argument("--seed", type=int, default=20261120)
    args = parser.parse_args(argv)
    if not (args.evaldata / CASES).exists():
        print(f"evaldata not found under {args.evaldata} (use --evaldata DIR)", file=sys.stderr)
        return 2
    print(f"bibobscan name matching benchmark; match threshold {MATCH_THRESHOLD}, possible threshold {POSSIBLE_THRESHOLD}")
    cases = load_cases(args.evaldata)
    print(f"one-time table build on the first comparison: {warm_up():.2f} s (not in the per-pair figures)")
    seconds = run(cases)
    tuning = [r for r in cases if not is_held_out(r)]
    held_out = [r for r in cases if is_held_out(r)]
    whole = report("nomenklatura_name_bench_cases.csv (Person, Company, Organization, LegalEntity) - whole file, IN-SAMPLE",
                   cases, seconds, False)
    sweep(cases)
    tune = report(f"cases.csv tuning split (~{100 - HELD_OUT_PERCENT} %)", tuning, seconds * len(tuning) / len(cases),
                  args.errors)
    held = report(f"cases.csv HELD-OUT split (~{HELD_OUT_PERCENT} %, sha256 of case_group|name2)", held_out,
                  seconds * len(held_out) / len(cases), args.errors_held_out)
    checks = load_checks(args.evaldata)
    hide = frozenset() if args.errors_held_out else frozenset((r.a.name, r.b.name) for r in held_out)
    report("nomenklatura_entity_bench_checks.yml (same schemas; in-sample)", checks, run(checks), args.errors, hide)
    unrelated(args.evaldata, args.samples, args.seed)
    ofac(args.evaldata)
    damaged_pairs = damaged_names.build_pairs(damaged_names.company_names(args.evaldata))
    damaged_seconds = damaged_names.run(damaged_pairs)
    damaged = damaged_names.report(damaged_pairs, damaged_seconds, args.errors, warm=damaged_names.run(damaged_pairs))
    strong = sum(1 for r in cases if r.quality == "STRONG" and r.predicted != r.truth)
    print("\n=== summary ===")
    print(f"  cases.csv whole file (in-sample): F1 {whole.f1:.3f}  P {whole.precision:.3f}  R {whole.recall:.3f}  "
          f"n={whole.n}  STRONG wrong {strong}")
    print(f"  cases.csv tuning split:           F1 {tune.f1:.3f}  P {tune.precision:.3f}  R {tune.recall:.3f}  n={tune.n}")
    print(f"  cases.csv HELD-OUT split:         F1 {held.f1:.3f}  P {held.precision:.3f}  R {held.recall:.3f}  n={held.n}")
    print(f"  cases.csv speed:                  {1000 * seconds / len(cases):.3f} ms per pair")
    for title, (n, prec, rec, f1, loose) in damaged.items():
        print(f"  damaged companies, {title + ':':16}F1 {f1:.3f}  P {prec:.3f}  R {rec:.3f}  n={n}  "
              f"(match or possible: F1 {loose:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
