"""Regenerate ``tables/legal_forms.csv`` from the three published legal-form lists.

    python -m bibobscan.matching._build_tables [--evaldata ../shared/evaldata]

Sources (licences in tables/SOURCES.md): the GLEIF ISO 20275 ELF code list, the
rigour ``org_types.yml`` alias table (MIT) and De Nederlandsche Bank's
``legal_names.csv`` (MIT). Only aliases are taken (a legal-form word or abbreviation,
the form it belongs to and its coarse kind), never anything else from those files.

Aliases that would do harm when stripped from the end of a name are left out: single
letters, Roman numerals, words that are ordinary nouns in company names ("bank",
"trust", "foundation", "holding", ...), particles and titles, and non-Latin aliases of a
single character.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ._tables import company_alias_tokens, org_tables, person_tables

OUT = Path(__file__).parent / "tables" / "legal_forms.csv"
ELF_FILE = "legal_entities_sanctions/gleif_elf_code_list_2026-02-19.csv"
RIGOUR_FILE = "legal_entities_sanctions/rigour_org_types.yml"
DNB_FILE = "legal_entities_sanctions/dnb_legal_names.csv"

# Ordinary nouns that some lists carry as a "legal form": stripping them would make
# "Deutsche Bank" and "Deutsche Trust" look alike.
NOT_A_FORM = {
    "bank", "banka", "trust", "trustco", "fund", "fonds", "fond", "fondo", "fundo", "foundation", "foundations",
    "fondation", "fundacion", "fundacao", "fondazione", "association", "associazione", "asociacion", "associacao",
    "society", "business", "district", "region", "canton", "cantone", "kanton", "railroad", "trademark", "series",
    "others", "multi", "municipal", "municipio", "municipalidad", "commune", "comune", "kommune", "kommun",
    "institution", "estado", "ente", "firma", "filial", "holding", "group", "union", "bund", "gemeinde",
    "sindicato", "condominio", "comunidad", "ministere", "embassy", "ambassade", "botschaft", "kraj", "obec",
    "ustanova", "partnership", "partnerships", "syndicates", "undivided", "artisan", "commercant", "cooperation",
    "procura", "prokura", "procuration", "proprietary", "chartered", "per", "son", "sonota", "up", "ok", "op",
    "am", "is", "as", "et", "ed", "da", "do", "de", "di", "bo", "ko", "li", "lg", "tr", "pr", "pp", "ms", "si",
    "nl", "eu", "ee", "ei", "ii", "vi", "ctr", "ct",
}
# Business nouns that make a multi-word "form" ("Trust Company", "Bank Corporation")
# part of what the company does: such aliases are left out as a whole.
BUSINESS_NOUNS = {
    "bank", "banka", "banking", "trust", "fund", "fonds", "insurance", "assurance", "savings", "credit", "sparkasse",
    "sparbank", "foundation", "association", "society", "church", "union", "pension", "mortgage", "loan", "investment",
    "building", "railroad", "railway", "cemetery", "hospital", "school", "university",
}
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def usable(alias: str) -> tuple[str, ...] | None:
    tokens = company_alias_tokens(alias)
    if not tokens or len(tokens) > 6:
        return None
    joined = "".join(tokens)
    letters = [c for c in alias if c.isalpha()]
    if len(joined) < 2 or (letters and not alias.isascii() and len(letters) < 2):
        return None
    if set(tokens) & BUSINESS_NOUNS:
        return None
    if len(tokens) == 1:
        word = tokens[0]
        people = person_tables()
        org = org_tables()
        if (
            word in NOT_A_FORM
            or _ROMAN.match(word)
            or word.isdigit()
            or word in people.strict_particles
            or word in people.loose_particles
            or word in people.titles
            or word in org.stop
            or word in org.structural
            or word in org.numbers
        ):
            return None
    return tokens


def elf_rows(path: Path) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            code, country_code = row[0], row[2]
            local, translit, abbr_local, abbr_translit, status = row[5], row[8], row[9], row[10], row[12]
            if not country_code:
                continue
            names = [local, translit] + abbr_local.split(";") + abbr_translit.split(";")
            for name in dict.fromkeys(n.strip() for n in names if n.strip()):
                out.append({"alias": name, "group": f"ELF:{code}", "generic": "", "display": local or name,
                            "source": f"gleif-elf {country_code} {status}"})
    return out


def rigour_rows(path: Path) -> list[dict[str, str]]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[dict[str, str]] = []
    for i, t in enumerate(data.get("types") or []):
        aliases = [str(a) for a in t.get("aliases") or []]
        display = str(t.get("display") or t.get("compare") or (aliases[0] if aliases else ""))
        group = f"RIG:{t.get('compare') or t.get('display') or i}"
        names = aliases + [str(t[k]) for k in ("display", "compare") if t.get(k)]
        for name in dict.fromkeys(names):
            out.append({"alias": name, "group": group, "generic": str(t.get("generic") or ""), "display": display,
                        "source": "rigour org_types"})
    return out


def dnb_rows(path: Path) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            abbr, full = (row.get("abbreviation") or "").strip(), (row.get("full_name") or "").strip()
            if not full:
                continue
            for name in dict.fromkeys(n for n in (abbr, full) if n):
                out.append({"alias": name, "group": f"DNB:{full.casefold()}", "generic": "", "display": abbr or full,
                            "source": "dnb legal_names"})
    return out


def build(evaldata: Path) -> list[dict[str, str]]:
    rows = elf_rows(evaldata / ELF_FILE) + rigour_rows(evaldata / RIGOUR_FILE) + dnb_rows(evaldata / DNB_FILE)
    kept: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        tokens = usable(row["alias"])
        if tokens is None:
            continue
        row["alias"] = " ".join(row["alias"].split())
        kept.setdefault((row["alias"], row["group"]), row)
    return sorted(kept.values(), key=lambda r: (r["group"], r["alias"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--evaldata", type=Path, default=Path(__file__).parents[3] / "shared" / "evaldata")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(args.evaldata)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["alias", "group", "generic", "display", "source"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} aliases to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
