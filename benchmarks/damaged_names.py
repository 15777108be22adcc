"""Damaged company names: a generated benchmark of character-level damage (issue 11).

    python benchmarks/damaged_names.py [--evaldata ../shared/evaldata] [--errors]

Reads (never copies) public lists of company names from
``legal_entities_sanctions/`` in the evaldata folder: the OFAC SDN list (entity rows),
the UN Security Council consolidated list (entities) and the OpenSanctions/yente FtM
sample (Company, Organization, LegalEntity). From them it builds, with a fixed seed:

* **positive pairs**: an original name and a damaged copy of it. Each copy gets one to
  three kinds of damage: a random letter replaced by another character (also inside the
  legal form: "Ltd" -> "Lt]"), a control character or stray byte where a space or a
  letter was ("Name\\x13Inc", "Na\\x85e LLC"), a lost space or hyphen, an OCR confusion
  (rn/m, 0/O, 1/l, 5/S) and mojibake (the UTF-8 bytes read as cp1252 or latin-1);
* **negative pairs**: two different real company names, half of them random, half
  *hard*: the same legal form, or a shared word.

Pairs are split into a tuning part (~70 %) and a held-out part (~30 %) by sha256 of the
folded original name (of the first name for negatives), so every damaged copy of one
name sits on one side. A pair counts as predicted-same only when the verdict is
``match`` (strict); ``possible`` is reported beside it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bibobscan.matching import compare_names, core_name, fold_text  # noqa: E402
from bibobscan.model import Verdict  # noqa: E402

SDN = "legal_entities_sanctions/ofac_sdn.csv"
UN = "legal_entities_sanctions/un_sc_consolidated_2026-02-27.xml"
YENTE = "legal_entities_sanctions/yente_zala_entities.ftm.json"
SEED = 20261207
HELD_OUT_PERCENT = 30
KINDS = ("replace", "control", "space", "ocr", "mojibake")
# characters a random replacement may write: letters, digits and the punctuation a
# damaged file shows ("Lt]", "I}c")
_REPLACEMENTS = "abcdefghijklmnopqrstuvwxyz0123456789[]{}|\\/~^`'\";:<>?!@#$%*_+="
_CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + ["\ufffd", "\u00a0", "\u00ad"]
_OCR = [("rn", "m"), ("m", "rn"), ("O", "0"), ("o", "0"), ("0", "O"), ("l", "1"), ("I", "1"), ("1", "l"),
        ("S", "5"), ("s", "5"), ("5", "S")]


def default_evaldata() -> Path:
    return ROOT.parent / "shared" / "evaldata"


def company_names(evaldata: Path) -> dict[str, str]:
    """Distinct company names in Latin letters from the three lists, in file order,
    each with the id of its entity (the aliases of one entity share it)."""
    names: list[tuple[str, str]] = []
    with (evaldata / SDN).open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) > 2 and row[2].strip() == "-0-":
                names.append((row[1], f"sdn-{row[0]}"))
    for entity in ET.parse(evaldata / UN).getroot().iter("ENTITY"):
        first = entity.findtext("FIRST_NAME")
        if first:
            names.append((first, f"un-{entity.findtext('DATAID')}"))
    with (evaldata / YENTE).open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            if data.get("schema") in ("Company", "Organization", "LegalEntity"):
                names.extend((n, str(data["id"])) for n in data.get("properties", {}).get("name", []))
    out: dict[str, str] = {}
    seen: set[str] = set()
    for name, entity in names:
        name = " ".join(name.split())
        key = fold_text(name)
        if len(key.replace(" ", "")) >= 4 and all(ord(c) < 0x250 for c in name) and key not in seen:
            seen.add(key)
            out[name] = entity
    return out


def _positions(name: str, test) -> list[int]:  # type: ignore[no-untyped-def]
    return [i for i, c in enumerate(name) if test(c)]


def damage(name: str, kind: str, rng: random.Random) -> str:
    """One kind of damage applied once (the name unchanged when it has no place for it)."""
    if kind == "replace":
        spots = _positions(name, str.isalpha)
        if spots:
            i = rng.choice(spots)
            new = rng.choice([c for c in _REPLACEMENTS if c != name[i].lower()])
            return name[:i] + (new.upper() if name[i].isupper() else new) + name[i + 1:]
    elif kind == "control":
        spots = _positions(name, lambda c: c == " " or c.isalpha())
        if spots:
            i = rng.choice(spots)
            return name[:i] + rng.choice(_CONTROLS) + name[i + 1:]
    elif kind == "space":
        spots = _positions(name, lambda c: c in " -")
        if spots:
            i = rng.choice(spots)
            return name[:i] + name[i + 1:]
    elif kind == "ocr":
        options = [(m.start(), a, b) for a, b in _OCR for m in re.finditer(re.escape(a), name)]
        if options:
            i, a, b = rng.choice(options)
            return name[:i] + b + name[i + len(a):]
    elif kind == "mojibake":
        codec = rng.choice(("cp1252", "latin-1"))
        if name.isascii():
            # an ASCII name has no bytes to misread: give it the accent a register adds
            spots = _positions(name, lambda c: c in "eEaAoOuU")
            if spots:
                i = rng.choice(spots)
                accented = {"e": "é", "E": "É", "a": "á", "A": "Á", "o": "ö", "O": "Ö", "u": "ü", "U": "Ü"}[name[i]]
                name = name[:i] + accented + name[i + 1:]
        if codec == "latin-1":
            return name.encode("utf-8").decode("latin-1")
        # cp1252 as Windows reads it: the five bytes it leaves undefined stay C1 controls
        return "".join(bytes([x]).decode("cp1252", errors="ignore") or chr(x) for x in name.encode("utf-8"))
    return name


def damaged(name: str, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    for _ in range(5):
        kinds = tuple(rng.sample(KINDS, rng.choice((1, 1, 2, 2, 3))))
        out = name
        for kind in kinds:
            out = damage(out, kind, rng)
        if out != name:
            return out, kinds
    return out, kinds


@dataclass(slots=True)
class Pair:
    a: str
    b: str
    truth: bool
    what: str  # the damage kinds, or "random" / "same form" / "shared word"
    held_out: bool
    verdict: Verdict = Verdict.NO_MATCH
    score: float = 0.0


def held_out(name: str) -> bool:
    digest = hashlib.sha256(fold_text(name).encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < HELD_OUT_PERCENT


def _last_word(name: str) -> str:
    words = fold_text(name).split()
    return words[-1] if len(words) > 1 else ""


def build_pairs(entities: dict[str, str], seed: int = SEED, positives: int = 3000, negatives: int = 3000) -> list[Pair]:
    rng = random.Random(seed)
    names = list(entities)
    pairs: list[Pair] = []
    for _ in range(positives):
        original = rng.choice(names)
        copy, kinds = damaged(original, rng)
        pairs.append(Pair(original, copy, True, "+".join(kinds), held_out(original)))
    by_form: dict[str, list[str]] = {}
    by_word: dict[str, list[str]] = {}
    for name in names:
        words = fold_text(name).split()
        if len(words) > 1:
            by_form.setdefault(words[-1], []).append(name)
        for w in dict.fromkeys(words):
            if len(w) >= 4:
                by_word.setdefault(w, []).append(name)
    forms = [k for k, v in by_form.items() if len(v) >= 2 and len(k) <= 5]
    shared = [k for k, v in by_word.items() if 2 <= len(v) <= 200]
    seen: set[tuple[str, str]] = set()
    while len([p for p in pairs if not p.truth]) < negatives:
        pick = rng.random()
        if pick < 0.5:
            a, b, what = rng.choice(names), rng.choice(names), "random"
        elif pick < 0.75:
            a, b = rng.sample(by_form[rng.choice(forms)], 2)
            what = "same form"
        else:
            a, b = rng.sample(by_word[rng.choice(shared)], 2)
            what = "shared word"
        # two names of one entity, or names that differ only in their legal form, are
        # no pair of *different* companies (namesakes by definition)
        if entities[a] == entities[b] or core_name(a, "company") == core_name(b, "company") or (a, b) in seen:
            continue
        seen.add((a, b))
        pairs.append(Pair(a, b, False, what, held_out(a)))
    return pairs


def run(pairs: list[Pair]) -> float:
    """Seconds of CPU time to compare every pair (the parser caches parsed names, so a
    second run measures the comparison alone, as when screening against a parsed list)."""
    start = time.process_time()
    for p in pairs:
        r = compare_names(p.a, p.b, "company")
        p.verdict, p.score = r.verdict, r.score
    return time.process_time() - start


def figures(pairs: list[Pair]) -> tuple[int, float, float, float, float]:
    tp = sum(p.truth and p.verdict is Verdict.MATCH for p in pairs)
    fp = sum(not p.truth and p.verdict is Verdict.MATCH for p in pairs)
    fn = sum(p.truth and p.verdict is not Verdict.MATCH for p in pairs)
    loose_tp = sum(p.truth and p.verdict is not Verdict.NO_MATCH for p in pairs)
    loose_fp = sum(not p.truth and p.verdict is not Verdict.NO_MATCH for p in pairs)
    loose_fn = sum(p.truth and p.verdict is Verdict.NO_MATCH for p in pairs)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    loose = 2 * loose_tp / (2 * loose_tp + loose_fp + loose_fn) if loose_tp else 0.0
    return len(pairs), prec, rec, f1, loose


def report(pairs: list[Pair], seconds: float, show_errors: bool = False,
           warm: float | None = None) -> dict[str, tuple[int, float, float, float, float]]:
    again = f"; {1000 * warm / len(pairs):.3f} ms with the names already parsed" if warm is not None else ""
    print(f"\n=== damaged company names: {len(pairs)} generated pairs (seed {SEED}), "
          f"{1000 * seconds / len(pairs):.3f} ms per pair{again} ===")
    print(f"  {'':28} {'n':>5} {'prec':>6} {'recall':>6} {'F1':>6}  F1(match or possible)")
    out = {}
    for title, part in (("tuning split", [p for p in pairs if not p.held_out]),
                        ("HELD-OUT split", [p for p in pairs if p.held_out])):
        n, prec, rec, f1, loose = figures(part)
        out[title] = (n, prec, rec, f1, loose)
        print(f"  {title:28} {n:5} {prec:6.3f} {rec:6.3f} {f1:6.3f}  {loose:6.3f}")
    print("  recall per damage kind (tuning split), false matches per negative kind (tuning split):")
    tuning = [p for p in pairs if not p.held_out]
    for kind in KINDS:
        part = [p for p in tuning if p.truth and kind in p.what.split("+")]
        if part:
            hit = sum(p.verdict is Verdict.MATCH for p in part)
            print(f"    {kind:12} recall {hit / len(part):.3f}  (n={len(part)})")
    for what in ("random", "same form", "shared word"):
        part = [p for p in tuning if not p.truth and p.what == what]
        if part:
            fp = sum(p.verdict is Verdict.MATCH for p in part)
            print(f"    {what:12} false matches {fp}  (n={len(part)})")
    if show_errors:
        print("  errors of the tuning split:")
        for p in tuning:
            if p.truth != (p.verdict is Verdict.MATCH):
                print(f"    {'FN' if p.truth else 'FP'} {p.score:.2f} {p.what:22} {p.a!r} / {p.b!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaldata", type=Path, default=default_evaldata())
    parser.add_argument("--errors", action="store_true", help="print the errors of the tuning split")
    args = parser.parse_args(argv)
    pairs = build_pairs(company_names(args.evaldata))
    compare_names("Voorbeeldbedrijf Noord B.V.", "Voorbeeldbedrijf Noord BV", "company")  # the one-time table build
    seconds = run(pairs)
    report(pairs, seconds, args.errors, warm=run(pairs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
