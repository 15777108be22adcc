"""The new-case form: each field checked on its own, with a Dutch message beside it;
the values typed are kept for the form shown again. Nothing is saved unless every
field is right."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..cli.scan import MAX_CASE_ID, MAX_CASE_TEXT, add_years
from ..errors import UsageError
from ..model import MAX_SUBJECT_NAME, Case, Subject, SubjectKind
from ..municipalities import resolve_municipality

MAX_NAME = MAX_SUBJECT_NAME

CASE_FIELDS = ("zaaknummer", "doel", "aanleiding", "bestuursorgaan", "soort_besluit", "grondslag", "beleidsregel", "zaaktype",
               "behandelaar", "reviewer", "verdeellijst", "bewaartermijn", "team")
SUBJECT_FIELDS = ("soort", "naam", "geboortedatum", "kvk", "gemeente", "aliassen", "plaatsen", "rol", "identiteit", "identiteit_datum")


@dataclass
class Checked:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    case: Case | None = None
    subject: Subject | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_date(text: str) -> date:
    """YYYY-MM-DD or DD-MM-YYYY; ValueError with a Dutch message otherwise."""
    text = text.strip()
    parts = text.replace("/", "-").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"‘{text}’ is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 1990-02-28")
    if len(parts[0]) == 4:
        y, m, d = (int(p) for p in parts)
    elif len(parts[2]) == 4:
        d, m, y = (int(p) for p in parts)
    else:
        raise ValueError(f"‘{text}’ is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 1990-02-28")
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"{text} bestaat niet (controleer dag en maand)") from None


def _text(values: dict[str, str], errors: dict[str, str], name: str, label: str, *, required: bool = False, limit: int = MAX_CASE_TEXT) -> str:
    value = " ".join(values.get(name, "").split())
    if required and not value:
        errors[name] = f"{label} is verplicht: een Bibob-dossier moet dit vastleggen."
    elif len(value) > limit:
        errors[name] = f"{label} is {len(value)} tekens; ten hoogste {limit}."
    return value


def check_case(form: Any, *, teams: tuple[str, ...], officer: str, today: date | None = None,
               id_label: str = "het zaaknummer", id_limit: int = MAX_CASE_ID) -> Checked:
    """The case fields only (``CASE_FIELDS``): the new-case form and the batch form,
    where ``zaaknummer`` is the prefix of the batch's case numbers."""
    values = {k: str(form.get(k, ""))[:20_000] for k in CASE_FIELDS}
    errors: dict[str, str] = {}
    today = today or date.today()
    case_id = values["zaaknummer"].strip()
    if not case_id:
        errors["zaaknummer"] = f"Vul {id_label} in."
    elif len(case_id) > id_limit or any(not c.isprintable() for c in case_id):
        errors["zaaknummer"] = f"{id_label[0].upper()}{id_label[1:]} is ten hoogste {id_limit} gewone tekens."
    purpose = _text(values, errors, "doel", "Het doel", required=True)
    reason = _text(values, errors, "aanleiding", "De aanleiding", required=True)
    authority = _text(values, errors, "bestuursorgaan", "Het bestuursorgaan")
    decision = _text(values, errors, "soort_besluit", "Het soort besluit")
    ground = _text(values, errors, "grondslag", "De grondslag") or "Wet Bibob art. 3"
    policy = _text(values, errors, "beleidsregel", "De beleidsregel")
    zaaktype = _text(values, errors, "zaaktype", "Het zaaktype") or "Bibob-onderzoek"
    behandelaar = _text(values, errors, "behandelaar", "De behandelaar") or officer
    reviewer = _text(values, errors, "reviewer", "De reviewer")
    distribution = [" ".join(p.split()) for p in values["verdeellijst"].replace("\n", ";").split(";") if p.strip()]
    if any(len(p) > MAX_CASE_TEXT for p in distribution):
        errors["verdeellijst"] = f"Een naam op de verdeellijst is ten hoogste {MAX_CASE_TEXT} tekens."
    years_text = values["bewaartermijn"].strip() or "5"
    years = 5
    if not years_text.isdigit() or not 1 <= int(years_text) <= 30:
        errors["bewaartermijn"] = "De bewaartermijn is een aantal jaren van 1 tot 30."
    else:
        years = int(years_text)
    team = values["team"].strip() or (teams[0] if teams else "")
    if team not in teams:
        errors["team"] = "Kies een van uw eigen teams." if teams else "Uw account hoort bij geen team; vraag de beheerder u aan een team toe te voegen."
    checked = Checked(values, errors)
    if not errors:
        checked.case = Case(case_id=case_id, purpose=purpose, legal_ground=ground, officer=behandelaar, created_on=today,
                            retention_until=add_years(today, years), zaaktype=zaaktype, reason=reason, authority=authority,
                            decision_type=decision, policy_rule=policy, reviewer=reviewer, distribution=distribution)
    return checked


def check_new_case(form: Any, *, teams: tuple[str, ...], officer: str, today: date | None = None) -> Checked:
    """The new-case form: the case fields (:func:`check_case`) and its subject."""
    today = today or date.today()
    case_part = check_case(form, teams=teams, officer=officer, today=today)
    values = {**case_part.values, **{k: str(form.get(k, ""))[:20_000] for k in SUBJECT_FIELDS}}
    errors = dict(case_part.errors)

    kind_text = values["soort"].strip().lower()
    kind = {"persoon": SubjectKind.PERSON, "person": SubjectKind.PERSON, "bedrijf": SubjectKind.COMPANY, "company": SubjectKind.COMPANY}.get(kind_text)
    if kind is None:
        errors["soort"] = "Kies persoon of bedrijf."
    name = _text(values, errors, "naam", "De naam", limit=MAX_NAME)
    born = None
    if values["geboortedatum"].strip():
        try:
            born = parse_date(values["geboortedatum"])
            if born > today:
                errors["geboortedatum"] = "De geboortedatum ligt in de toekomst."
            elif born.year < 1900:
                errors["geboortedatum"] = "De geboortedatum ligt voor 1900."
        except ValueError as exc:
            errors["geboortedatum"] = str(exc)
    kvk = values["kvk"].strip().replace(" ", "") or None
    if kind is SubjectKind.PERSON:
        if not name:
            errors["naam"] = "Vul de naam van de persoon in."
        if kvk:
            errors["kvk"] = "Een KvK-nummer hoort bij een bedrijf; een persoon wordt herkend aan naam en geboortedatum."
    elif kind is SubjectKind.COMPANY:
        if born is not None:
            errors["geboortedatum"] = "Een geboortedatum hoort bij een persoon."
        if not name and not kvk:
            errors["naam"] = "Vul de naam of het KvK-nummer van het bedrijf in."
        if kvk is not None and not (kvk.isdigit() and len(kvk) == 8):
            errors["kvk"] = f"‘{kvk[:20]}’ is geen KvK-nummer (8 cijfers)."
    municipality = None
    if values["gemeente"].strip():
        try:
            municipality = resolve_municipality(values["gemeente"])
        except UsageError as exc:
            nearest = str(exc).split("nearest:")[-1].strip() if "nearest:" in str(exc) else ""
            errors["gemeente"] = f"Onbekende gemeente ‘{values['gemeente'].strip()[:60]}’." + (f" Bedoelt u: {nearest}?" if nearest else "")
    aliases = [" ".join(a.split()) for a in values["aliassen"].replace("\n", ";").split(";") if a.strip()]
    places = [" ".join(p.split()) for p in values["plaatsen"].replace("\n", ";").split(";") if p.strip()]
    if any(len(a) > MAX_NAME for a in aliases):
        errors["aliassen"] = f"Een andere naam is ten hoogste {MAX_NAME} tekens."
    if any(len(p) > MAX_NAME for p in places):
        errors["plaatsen"] = f"Een plaats is ten hoogste {MAX_NAME} tekens."
    role = _text(values, errors, "rol", "De rol")
    identified_by = _text(values, errors, "identiteit", "Hoe de identiteit is vastgesteld")
    identified_on = None
    if values["identiteit_datum"].strip():
        try:
            identified_on = parse_date(values["identiteit_datum"])
            if identified_on > today:
                errors["identiteit_datum"] = "Deze datum ligt in de toekomst."
        except ValueError as exc:
            errors["identiteit_datum"] = str(exc)
    checked = Checked(values, errors)
    if errors or kind is None or case_part.case is None:
        return checked
    checked.case = case_part.case
    checked.subject = Subject(kind=kind, name=name, aliases=aliases, born=born, kvk=kvk, municipality=municipality, places=places,
                              identified_by=identified_by, identified_on=identified_on, role=role)
    return checked
