"""Reading a CSV of applicants (docs/batch.md): every broken line gets a Dutch message
that names the line, the column and what is wrong, and nothing is guessed.

The file is read as text, never evaluated: a cell that starts with ``=``, ``+``, ``-``
or ``@`` (what a spreadsheet would take for a formula) stays the text it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import process

from ..errors import UsageError
from ..model import MAX_SUBJECT_NAME, Municipality, Subject, SubjectKind, clip
from ..municipalities import LIST_YEAR, all_municipalities, resolve_municipality

MAX_ROWS = 500
MAX_BYTES = 1_000_000
MAX_NAME = MAX_SUBJECT_NAME
MAX_CELL = 1000  # any other cell: longer than this is no date, KvK number or municipality
SHOWN = 60  # characters of a cell quoted back in a message

# The fields of an applicant and the column names that stand for them, compared after
# _header_key (case, spaces, hyphens and dots do not matter: "KvK-nummer" is kvk_nummer).
FIELDS = ("name", "kind", "born", "kvk", "municipality")
DUTCH = {"name": "naam", "kind": "soort", "born": "geboortedatum", "kvk": "kvk", "municipality": "gemeente"}
COLUMN_ALIASES: dict[str, str] = {
    "naam": "name", "name": "name",
    "soort": "kind", "kind": "kind", "type": "kind",
    "geboortedatum": "born", "date_of_birth": "born", "born": "born", "birth_date": "born",
    "kvk": "kvk", "kvk_nummer": "kvk", "kvknummer": "kvk", "kvk_number": "kvk", "kvk_nr": "kvk",
    "gemeente": "municipality", "municipality": "municipality",
}
KIND_ALIASES: dict[str, SubjectKind] = {
    "persoon": SubjectKind.PERSON, "person": SubjectKind.PERSON, "natuurlijk persoon": SubjectKind.PERSON,
    "bedrijf": SubjectKind.COMPANY, "onderneming": SubjectKind.COMPANY, "company": SubjectKind.COMPANY,
}
_WrongFn = Callable[[str, str], None]  # (field, problem): records a LineError
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")


@dataclass(frozen=True, slots=True)
class LineError:
    """One thing wrong in the file. ``line`` is the line in the file (the header is line
    1; 0 for the file as a whole), ``column`` the column's name as the file's header
    writes it ("" for the whole line), ``message`` the whole Dutch sentence, place
    included: "regel 4, geboortedatum: 1990-02-31 bestaat niet"."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Applicant:
    """One applicant read from a line of the file, checked and resolved."""

    line: int
    kind: SubjectKind
    name: str
    born: date | None
    kvk: str | None
    municipality: Municipality | None  # resolved: official CBS name and code
    raw: dict[str, str]  # field (name, kind, born, kvk, municipality) -> the cell as the file has it

    def subject(self) -> Subject:
        """The case subject this applicant becomes (role: aanvrager)."""
        return Subject(kind=self.kind, name=self.name, born=self.born, kvk=self.kvk, municipality=self.municipality, role="aanvrager")


@dataclass(frozen=True, slots=True)
class BatchParse:
    """What :func:`parse_applicants` read: the applicants of the good lines and the
    errors of the others. A batch with any error is refused as a whole
    (:func:`bibobscan.batch.create_cases`)."""

    rows: list[Applicant]
    errors: list[LineError]
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # field -> the column name in the file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse_applicants(data: bytes | str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> BatchParse:
    """Read a CSV of applicants: a header row with the columns naam, soort,
    geboortedatum, kvk, gemeente (or their English names; see docs/batch.md), then one
    applicant a line, separated by ``,`` or ``;``. Bytes must be UTF-8 (a BOM is fine).
    Never raises on bad content: every problem is a :class:`LineError`."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        return _refused(f"het bestand is te groot: {_bytes(size)}; ten hoogste {_bytes(max_bytes)} per batch")
    if isinstance(data, str):
        text = data
    else:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return _refused("het bestand is UTF-16 (Excel: 'Unicode-tekst'); sla het op als 'CSV UTF-8 (door komma's gescheiden)'")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return _refused(f"het bestand is geen UTF-8: regel {line} bevat een teken dat geen UTF-8 is; "
                            "sla het op als 'CSV UTF-8 (door komma's gescheiden)'", line)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return _refused("het bestand is leeg; de eerste regel moet een kopregel zijn (naam, soort, geboortedatum, kvk, gemeente)")
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[LineError] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        return _refused(f"regel 1: {_csv_problem(exc)}", 1)
    columns, header_errors = _columns(header)
    if header_errors:
        return BatchParse(rows=[], errors=header_errors, delimiter=delimiter)
    rows: list[Applicant] = []
    seen: dict[tuple[object, ...], int] = {}
    names = {f: header[i].strip() for f, i in columns.items()}
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(LineError(line, "", f"regel {line}: {_csv_problem(exc)}; de regels hierna zijn niet gelezen"))
            break
        if not any(c.strip() for c in cells):
            continue  # an empty line (or only separators)
        count += 1
        if count > max_rows:
            errors.append(LineError(line, "", f"het bestand heeft meer dan {max_rows} aanvragers; ten hoogste {max_rows} per batch "
                                              f"(regel {line} en verder zijn niet gelezen)"))
            break
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()  # trailing empty cells, as spreadsheets write them
        if len(cells) != len(header):
            errors.append(LineError(line, "", f"regel {line}: {len(cells)} {'kolom' if len(cells) == 1 else 'kolommen'}, "
                                              f"de kopregel heeft er {len(header)}"))
            continue
        raw = {f: cells[i] for f, i in columns.items()}
        applicant, problems = _applicant(line, raw, names)
        errors.extend(problems)
        if applicant is None:
            continue
        duplicate = next((seen[k] for k in _identities(applicant) if k in seen), None)
        if duplicate is not None:
            errors.append(LineError(line, "", f"regel {line}: dezelfde aanvrager als regel {duplicate} (dubbele regel)"))
            continue
        for key in _identities(applicant):
            seen[key] = line
        rows.append(applicant)
    if not rows and not errors:
        errors.append(LineError(0, "", "het bestand heeft geen aanvragers: onder de kopregel staat niets"))
    return BatchParse(rows=rows, errors=errors, delimiter=delimiter, columns=names)


# --- the parts --------------------------------------------------------------------------


def _refused(message: str, line: int = 0) -> BatchParse:
    """A file refused as a whole (``line`` where one is known)."""
    return BatchParse(rows=[], errors=[LineError(line, "", message)])


def _bytes(n: int) -> str:
    return f"{n:,} bytes".replace(",", ".") if n < 100_000 else f"{n / 1_000_000:.1f} MB".replace(".", ",")


def _sniff(text: str) -> str:
    """``;`` (Dutch Excel) or ``,``: whichever the header line has more of."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _csv_problem(exc: csv.Error) -> str:
    said = str(exc)
    if "expected after" in said:
        return "een aanhalingsteken (\") staat midden in een veld; zet het hele veld tussen aanhalingstekens en verdubbel het teken erin"
    if "end of data" in said or "EOF" in said:
        return "een aanhalingsteken (\") wordt niet gesloten"
    if "field limit" in said or "larger than" in said:
        return "een veld is te lang"
    if "NUL" in said:
        return "de regel bevat een NUL-teken; is dit wel een CSV-bestand?"
    return "de regel is geen geldige CSV"


def _header_key(cell: str) -> str:
    return re.sub(r"[\s.\-]+", "_", cell.strip().casefold()).strip("_")


def _columns(header: list[str]) -> tuple[dict[str, int], list[LineError]]:
    columns: dict[str, int] = {}
    errors: list[LineError] = []
    unknown: list[str] = []
    for i, cell in enumerate(header):
        key = COLUMN_ALIASES.get(_header_key(cell))
        if key is None:
            if cell.strip():
                unknown.append(cell.strip())
            else:
                errors.append(LineError(1, "", f"regel 1 (kopregel): kolom {i + 1} heeft geen naam"))
            continue
        if key in columns:
            errors.append(LineError(1, cell.strip(), f"regel 1 (kopregel): de kolom {DUTCH[key]} staat er twee keer in "
                                                     f"('{header[columns[key]].strip()}' en '{cell.strip()}')"))
            continue
        columns[key] = i
    known = "naam, soort, geboortedatum, kvk, gemeente (of name, kind, date_of_birth, kvk_number, municipality)"
    if not columns:
        shown = ", ".join(f"'{clip(c, SHOWN)}'" for c in header[:5])
        return {}, [LineError(1, "", f"regel 1 moet een kopregel zijn met de kolomnamen {known}; gevonden: {shown}")]
    if unknown:
        errors.append(LineError(1, "", f"regel 1 (kopregel): onbekende {'kolom' if len(unknown) == 1 else 'kolommen'} "
                                       f"{', '.join(repr(clip(u, SHOWN)) for u in unknown)}; bekend zijn {known}"))
    if "kind" not in columns:
        errors.append(LineError(1, "", "regel 1 (kopregel): de kolom soort ontbreekt (persoon of bedrijf)"))
    if "name" not in columns and "kvk" not in columns:
        errors.append(LineError(1, "", "regel 1 (kopregel): de kolom naam ontbreekt"))
    return columns, errors


def _applicant(line: int, raw: dict[str, str], names: dict[str, str]) -> tuple[Applicant | None, list[LineError]]:
    errors: list[LineError] = []

    def wrong(key: str, problem: str) -> None:
        column = names.get(key, DUTCH[key])
        errors.append(LineError(line, column, f"regel {line}, {column}: {problem}"))

    cell = {k: v.strip() for k, v in raw.items()}
    for key, value in cell.items():
        if key != "name" and len(value) > MAX_CELL:
            wrong(key, f"het veld is {len(value)} tekens; zo lang is geen {DUTCH[key]}")
            cell[key] = ""
    kind = _kind(cell.get("kind", ""), wrong)
    name = _name(cell.get("name", ""), wrong)
    born = _born(cell.get("born", ""), wrong)
    kvk = _kvk(cell.get("kvk", ""), wrong)
    municipality = _municipality(cell.get("municipality", ""), wrong)
    if kind is SubjectKind.PERSON:
        if name is not None and not name:
            wrong("name", "een persoon heeft een naam nodig")
        if kvk:
            wrong("kvk", "een KvK-nummer hoort bij een bedrijf; een persoon wordt herkend aan naam en geboortedatum")
    elif kind is SubjectKind.COMPANY:
        if born:
            wrong("born", "een geboortedatum hoort bij een persoon, niet bij een bedrijf")
        if name is not None and not name and not cell.get("kvk"):
            errors.append(LineError(line, "", f"regel {line}: een bedrijf heeft een naam of een KvK-nummer nodig"))
    if errors or kind is None or name is None:
        return None, errors
    return Applicant(line=line, kind=kind, name=name, born=born, kvk=kvk, municipality=municipality, raw=dict(raw)), []


def _shown(value: str) -> str:
    return f"'{clip(value, SHOWN)}'"


def _kind(value: str, wrong: _WrongFn) -> SubjectKind | None:
    if not value:
        wrong("kind", "leeg; schrijf persoon of bedrijf")
        return None
    kind = KIND_ALIASES.get(" ".join(value.casefold().split()))
    if kind is None:
        wrong("kind", f"{_shown(value)} is geen persoon of bedrijf")
    return kind


def _name(value: str, wrong: _WrongFn) -> str | None:
    name = " ".join(value.split())
    if len(name) > MAX_NAME:
        wrong("name", f"de naam is {len(name)} tekens; ten hoogste {MAX_NAME}")
        return None
    if any(not c.isprintable() for c in name):
        wrong("name", "de naam bevat een stuurteken")
        return None
    return name


def _born(value: str, wrong: _WrongFn) -> date | None:
    if not value:
        return None
    iso, dmy = _ISO.fullmatch(value), _DMY.fullmatch(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        wrong("born", f"{_shown(value)} is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ")
        return None
    try:
        born = date(year, month, day)
    except ValueError:
        wrong("born", f"{value} bestaat niet")
        return None
    if born > date.today():
        wrong("born", f"{value} ligt in de toekomst")
        return None
    if born.year < 1900:
        wrong("born", f"{value} is geen aannemelijke geboortedatum (voor 1900)")
        return None
    return born


def _kvk(value: str, wrong: _WrongFn) -> str | None:
    if not value:
        return None
    number = re.sub(r"[\s.]", "", value)
    if number.isdigit() and len(number) == 8:
        return number
    hint = "; viel er in een spreadsheet een voorloopnul weg?" if number.isdigit() and len(number) < 8 else ""
    wrong("kvk", f"{_shown(value)} is geen KvK-nummer (8 cijfers){hint}")
    return None


def _municipality(value: str, wrong: _WrongFn) -> Municipality | None:
    if not value:
        return None
    try:
        return resolve_municipality(value)
    except UsageError:
        pass
    names = [m.name for m in all_municipalities()]
    nearest = [n for n, _score, _i in process.extract(value, names, limit=3, score_cutoff=70)]
    hint = f"; bedoelt u {_or(nearest)}?" if nearest else ""
    wrong("municipality", f"onbekende gemeente {_shown(value)} (CBS-lijst {LIST_YEAR}){hint}")
    return None


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} of {names[-1]}"


def _identities(a: Applicant) -> list[tuple[object, ...]]:
    """Keys under which two lines are the same applicant: same kind and KvK number, or
    same kind, name (case and spaces aside) and date of birth."""
    keys: list[tuple[object, ...]] = []
    if a.kvk:
        keys.append((a.kind, "kvk", a.kvk))
    if a.name:
        keys.append((a.kind, "name", " ".join(a.name.casefold().split()), a.born))
    return keys
