"""Generate the demo world's sector recordings: kappers in Tilburg (GM0855).

Run from the repository root::

    python bibobscan/demo/tools/make_sector_world.py

It rewrites ``bibobscan/demo/world/{osm,cbs,kvk_sector}/`` from the seeded data below;
the same seed gives byte-identical files. Everything is invented (names, streets,
postcodes, KvK numbers, OSM ids, ``.example`` web sites) except the municipality and
the CBS population figures, which are plausible values recorded for the demo. See
bibobscan/demo/SCENARIO.md, section "Sector".

Planted:
- 9 barbershops in the invented street Knipstraat (5038 ZK), within ~250 m, all
  registered since 2025 (cluster, recent registrations); at Knipstraat 14 three active
  registrations (a second kapsalon that is not in OSM, and a holding);
- 3 addresses with high turnover: 5 ended registrations and 1 active one each
  (Schaarweg 12, Tondeuselaan 3, Krulspeldstraat 21);
- Kapsalon Fictief (KvK 99000012, already in world/kvk) at Verzonnenlaan 7;
- 18 ordinary kapsalons spread over Tilburg (one mapped twice: node + building way),
  one barbershop tagged shop=beauty (found by the name regex) and two OSM objects
  without an address.

For the sector engine (bibobscan/sector) it also writes:
- ``world/osm``: the Overpass ``out count`` answer for the national baseline (objects with
  shop=hairdresser in the Netherlands): **2,650**, an invented figure chosen so that the demo
  municipality's density is close to the national one (the demo world has only 34 kappers);
- ``world/koop_sector``: a KOOP SRU answer for every name the engine searches (each OSM
  name and each active KvK name at the addresses). All are empty except two:
  "Barber Kings Tilburg" (Knipstraat 9) has a published closure under art. 13b Opiumwet
  (gmb-2026-990123), and the search for "Kapsalon Coupe" returns a permit for "Coupeweg"
  that does not name the salon (the engine must not attribute it).
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from bibobscan.collectors.cbs import population_query
from bibobscan.collectors.koop import DEFAULT_URL as KOOP_URL
from bibobscan.collectors.koop import MAX_RECORDS
from bibobscan.collectors.osm import build_query, selection_for
from bibobscan.model import Municipality, SectorSpec, Subject, SubjectKind
from bibobscan.sector.baseline import baseline_query
from bibobscan.sector.discover import MunicipalKoop

SEED = 20261120
REFERENCE = date(2026, 11, 20)
WORLD = Path(__file__).resolve().parent.parent / "world"
TILBURG = Municipality("GM0855", "Tilburg")
SUBJECT = Subject(
    kind=SubjectKind.SECTOR,
    name="Kappers in Tilburg",
    municipality=TILBURG,
    sector=SectorSpec(preset="kappers", osm_tags=[{"shop": "hairdresser"}]),
)
KVK_BASE = "https://api.kvk.nl/api"
OVERPASS_URL = "https://overpass-api.de/api/interpreter"
HAL_PROFILE = {"Content-Type": "application/hal+json", "API-Version": "1.5.0"}
HAL_SEARCH = {"Content-Type": "application/hal+json", "API-Version": "2.1.0"}

# CBS 70072ned TotaleBevolking_1 (1 January): plausible figures recorded for the demo,
# not copied from CBS. 2026 is "not yet published" (null) so the collector must pick 2025.
POPULATION = {
    "GM0855": {2020: 219_800, 2021: 221_950, 2022: 224_500, 2023: 227_100, 2024: 229_800, 2025: 232_000, 2026: None},
    "NL01  ": {
        2020: 17_407_585, 2021: 17_475_415, 2022: 17_590_672, 2023: 17_811_291,
        2024: 17_942_942, 2025: 18_044_027, 2026: None,
    },
}


@dataclass
class Registration:
    kvk: str
    name: str
    legal_form: str  # "Eenmanszaak" or "Besloten Vennootschap"
    registered: date
    ended: date | None = None
    # KvK converted the register to SBI 2025 on 7 September 2025, so an answer in November
    # 2026 carries 5-digit SBI 2025 codes. 96210 (NACE Rev. 2.1 96.21 + "0") is the likely
    # code for hairdressing; it is NOT verified against the CBS list (see the presets).
    sbi: tuple[str, str] = ("96210", "Kappers en barbiers")
    branch_number: str = ""

    @property
    def branch(self) -> str:
        return self.branch_number or f"{self.kvk}0001"


@dataclass
class Place:
    street: str
    number: int
    letter: str
    postcode: str
    lat: float
    lon: float
    registrations: list[Registration] = field(default_factory=list)


@dataclass
class Element:
    osm_type: str
    osm_id: int
    name: str | None
    tags: dict[str, str]
    place: Place | None
    lat: float
    lon: float


class World:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.next_kvk = 99100001
        self.next_node = 9_900_000_001
        self.next_way = 990_000_001
        self.places: list[Place] = []
        self.elements: list[Element] = []

    def kvk(self) -> str:
        number = str(self.next_kvk)
        self.next_kvk += 1
        return number

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def place(self, street: str, number: int, postcode: str, lat: float, lon: float, letter: str = "") -> Place:
        p = Place(street, number, letter, postcode, round(lat, 7), round(lon, 7))
        self.places.append(p)
        return p

    def node(self, name: str | None, tags: dict[str, str], place: Place | None, lat: float, lon: float) -> None:
        self.elements.append(Element("node", self.next_node, name, tags, place, round(lat, 7), round(lon, 7)))
        self.next_node += 1

    def way(self, name: str, tags: dict[str, str], place: Place, lat: float, lon: float) -> None:
        self.elements.append(Element("way", self.next_way, name, tags, place, round(lat, 7), round(lon, 7)))
        self.next_way += 1


def build(world: World) -> None:
    rng = world.rng
    hair = {"shop": "hairdresser"}
    barber = {"shop": "hairdresser", "hairdresser": "barber"}

    # 1. The Knipstraat cluster: 9 barbershops within ~250 m, all registered since 2025.
    cluster = [
        (2, "", "Barbershop Knipstraat"), (6, "", "Fades & Blades"), (9, "", "Barber Kings Tilburg"),
        (14, "", "Barbershop De Spiegel"), (17, "", "Kapsalon Scheerlijn"), (18, "a", "Barber Lounge Noord"),
        (23, "", "Knip & Trim Barbers"), (27, "", "Gentlemen's Cut Tilburg"), (31, "", "Barbier Snelknip"),
    ]
    kvk_names = {"Fades & Blades": "Fades and Blades Tilburg"}  # OSM and KvK names differ a little
    for i, (number, letter, name) in enumerate(cluster):
        lat = 51.55890 + rng.uniform(-0.00012, 0.00012)
        lon = 5.07680 + i * 0.00042  # ~29 m apart: 9 shops over ~235 m
        p = world.place("Knipstraat", number, "5038ZK", lat, lon, letter)
        registered = world.day(date(2025, 2, 1), date(2026, 9, 30))
        form = "Besloten Vennootschap" if i % 3 == 0 else "Eenmanszaak"
        p.registrations.append(Registration(world.kvk(), kvk_names.get(name, name), form, registered))
        tags = dict(barber)
        if i % 2 == 0:
            tags["opening_hours"] = "Mo-Sa 09:00-20:00"
        world.node(name, tags, p, lat, lon)
        if number == 14:
            second = world.day(date(2025, 6, 1), date(2026, 8, 31))
            p.registrations.append(Registration(world.kvk(), "Kapsalon Achterom", "Eenmanszaak", second))
            p.registrations.append(
                Registration(world.kvk(), "Knip Holding B.V.", "Besloten Vennootschap", date(2025, 3, 3), sbi=("64210", "Financiële holdings"))
            )

    # 2. Three addresses with high turnover: five ended registrations, one active.
    turnover = [
        ("Schaarweg", 12, "5042ZS", 51.57120, 5.06550, "Barbershop Schaarweg"),
        ("Tondeuselaan", 3, "5022ZT", 51.54480, 5.09900, "Kapsalon Tondeuse"),
        ("Krulspeldstraat", 21, "5017ZK", 51.56210, 5.11020, "Barber Point Krulspeld"),
    ]
    previous_names = [
        "Barbershop Snelknip", "Kapsalon Nova", "Barber Express", "Hair Point", "Kapsalon Direct",
        "Barber Style", "Knipkamer", "Kapsalon Flash", "Barbershop Royal", "Hairstudio Quick",
        "Barber Zone", "Kapsalon Centraal", "Barbershop City", "Kapper Plus", "Fade Factory",
    ]
    for street, number, postcode, lat, lon, name in turnover:
        p = world.place(street, number, postcode, lat, lon)
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(120))
        for _ in range(5):
            lasted = timedelta(days=rng.randrange(150, 420))
            ended = start + lasted
            p.registrations.append(
                Registration(world.kvk(), previous_names.pop(0), rng.choice(["Eenmanszaak", "Besloten Vennootschap"]), start, ended)
            )
            start = ended + timedelta(days=rng.randrange(10, 60))
        current = max(start, date(2025, 11, 1)) + timedelta(days=rng.randrange(240))
        p.registrations.append(Registration(world.kvk(), name, "Eenmanszaak", current))
        world.node(name, dict(barber), p, lat, lon)

    # 3. Kapsalon Fictief of the existing demo (KvK 99000012, world/kvk), with one predecessor.
    p = world.place("Verzonnenlaan", 7, "5011ZZ", 51.56430, 5.07210)
    p.registrations.append(Registration(world.kvk(), "Kapsalon Verzonnen", "Eenmanszaak", date(2012, 5, 1), date(2018, 12, 31)))
    p.registrations.append(
        Registration("99000012", "Kapsalon Fictief", "Eenmanszaak", date(2019, 4, 1), branch_number="990000121212")
    )
    world.node("Kapsalon Fictief", dict(hair), p, p.lat, p.lon)

    # 4. Ordinary kapsalons across Tilburg.
    streets = [
        ("Voorbeeldlaan", "5014ZV"), ("Demoweg", "5025ZD"), ("Verzinselstraat", "5037ZV"), ("Proefpad", "5046ZP"),
        ("Modelhof", "5021ZM"), ("Schetsplein", "5013ZS"), ("Ontwerplaan", "5032ZO"), ("Denkbeeldlaan", "5044ZD"),
        ("Concepthof", "5018ZC"), ("Droomweg", "5061ZD"),
    ]
    prefixes = ["Kapsalon", "Haarmode", "Kapperszaak", "Hairstudio", "Knipperij", "Kapsalon"]
    words = [
        "Lokkerman", "Schaarsma", "Kruller", "Kammeijer", "Spiegelaar", "Coupe", "Kuif", "Vlecht", "Pony",
        "De Krul", "Glanzend", "Bles", "Stijlvol", "De Lok", "Knipoog", "Haarlijn", "Scheiding", "Kapsel",
    ]
    for i in range(18):
        street, postcode = streets[i % len(streets)]
        number = 3 + 7 * i % 90 + i // len(streets)
        lat = rng.uniform(51.540, 51.585)
        lon = rng.uniform(5.030, 5.125)
        if street == "Droomweg":  # Berkel-Enschot side of the municipality
            lat, lon = rng.uniform(51.580, 51.590), rng.uniform(5.130, 5.145)
        p = world.place(street, number, postcode, lat, lon)
        name = f"{prefixes[i % len(prefixes)]} {words[i]}"
        first = date(2004, 1, 1)
        if i % 5 == 1:  # an ordinary, slow change of owner long ago
            ended = date(2008 + i % 5, 6, 30)
            p.registrations.append(Registration(world.kvk(), f"Kapper {words[-1 - i]}", "Eenmanszaak", date(2001, 3, 1), ended))
            first = ended + timedelta(days=30)
        registered = world.day(first, date(2022, 12, 31))
        p.registrations.append(Registration(world.kvk(), name, rng.choice(["Eenmanszaak", "Eenmanszaak", "Besloten Vennootschap"]), registered))
        tags = dict(hair)
        if i % 4 == 0:
            tags["website"] = f"https://www.{words[i].lower().replace(' ', '')}.example/"
        if i % 3 == 0:
            tags["opening_hours"] = "Tu-Fr 09:00-18:00; Sa 08:30-16:00"
        if i == 4:  # mapped twice: a node and the salon's building
            world.node(name, tags, p, lat, lon)
            world.way(name, dict(tags, building="retail"), p, lat + 0.00003, lon + 0.00002)
        elif i == 11:  # a salon mapped as its building (way with a centre)
            world.way(name, dict(tags, brand=name, building="yes"), p, lat, lon)
        else:
            world.node(name, tags, p, lat, lon)

    # 5. A barbershop tagged as shop=beauty, found only by the preset's name regex.
    p = world.place("Ontwerplaan", 88, "5032ZO", 51.55310, 5.05870)
    registered = date(2024, 10, 1)
    p.registrations.append(Registration(world.kvk(), "Barbershop Glans", "Eenmanszaak", registered))
    world.node("Barbershop Glans", {"shop": "beauty"}, p, p.lat, p.lon)

    # 6. Two OSM objects without an address (no KvK lookup possible).
    world.node("Kapper aan huis Demo", dict(hair), None, 51.59510, 5.08870)
    world.node(None, dict(hair), None, 51.53920, 5.06140)


# The national baseline (Overpass out count over the Netherlands): invented for the demo.
NATIONAL_OSM_COUNT = {"nodes": 2541, "ways": 107, "relations": 2}

# Planted KOOP publications, by the name the engine searches for.
CLOSURE = {
    "identifier": "gmb-2026-990123",
    "title": "Besluit burgemeester van Tilburg tot sluiting van Barber Kings Tilburg, Knipstraat 9, op grond van artikel 13b Opiumwet",
    "abstract": "Sluiting van de woning en het bedrijfspand Barber Kings Tilburg, Knipstraat 9 te Tilburg, voor de duur van zes maanden wegens het aantreffen van een handelshoeveelheid drugs (artikel 13b Opiumwet)",
    "date": "2026-09-30",
    "rubriek": "ander besluit van algemene strekking",
}
NOT_ABOUT_THE_SALON = {
    "identifier": "gmb-2026-990124",
    "title": "Verleende omgevingsvergunning voor het plaatsen van een reclamebord bij een kapsalon, Coupeweg 3 te Tilburg",
    "abstract": "Burgemeester en wethouders van Tilburg maken bekend dat een omgevingsvergunning is verleend voor het plaatsen van een reclamebord aan de gevel van een kapsalon, Coupeweg 3",
    "date": "2026-07-02",
    "rubriek": "omgevingsvergunning",
}
PLANTED_KOOP = {"Barber Kings Tilburg": CLOSURE, "Kapsalon Coupe": NOT_ABOUT_THE_SALON}


# --- wire formats ---------------------------------------------------------------------


def overpass_body(world: World) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [
        {
            "type": "relation",
            "id": 9900855,
            "tags": {
                "admin_level": "8", "boundary": "administrative", "name": "Tilburg",
                "ref:gemeentecode": "0855", "type": "boundary",
            },
        }
    ]
    for e in world.elements:
        tags = dict(e.tags)
        if e.name:
            tags["name"] = e.name
        if e.place is not None:
            tags["addr:street"] = e.place.street
            tags["addr:housenumber"] = f"{e.place.number}{e.place.letter}"
            tags["addr:postcode"] = f"{e.place.postcode[:4]} {e.place.postcode[4:]}"
            tags["addr:city"] = "Tilburg"
        item: dict[str, Any] = {"type": e.osm_type, "id": e.osm_id}
        if e.osm_type == "node":
            item.update(lat=e.lat, lon=e.lon)
        else:
            item["center"] = {"lat": e.lat, "lon": e.lon}
        item["tags"] = dict(sorted(tags.items()))
        elements.append(item)
    return overpass_envelope(elements)


def zoeken_body(place: Place) -> dict[str, Any]:
    items = []
    for r in place.registrations:
        address: dict[str, Any] = {
            "type": "bezoekadres", "straatnaam": place.street, "huisnummer": place.number,
            "postcode": place.postcode, "plaats": "Tilburg",
        }
        if place.letter:
            address["huisletter"] = place.letter
        items.append(
            {
                "kvkNummer": r.kvk,
                "vestigingsnummer": r.branch,
                "naam": r.name,
                "adres": {"binnenlandsAdres": address},
                "type": "hoofdvestiging",
                "actief": "Nee" if r.ended and r.ended <= REFERENCE else "Ja",
                "_links": {
                    "basisprofiel": {"href": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}"},
                    "vestigingsprofiel": {"href": f"{KVK_BASE}/v1/vestigingsprofielen/{r.branch}"},
                },
            }
        )
    query = f"postcode={place.postcode}&huisnummer={place.number}&inclusiefinactieveregistraties=true&pagina=1&resultatenperpagina=100"
    return {
        "pagina": 1,
        "resultatenPerPagina": 100,
        "totaal": len(items),
        "resultaten": items,
        "_links": {"self": {"href": f"{KVK_BASE}/v2/zoeken?{query}"}},
    }


def basisprofiel_body(r: Registration, place: Place) -> dict[str, Any]:
    ymd = r.registered.strftime("%Y%m%d")
    material: dict[str, str] = {"datumAanvang": ymd}
    if r.ended:
        material["datumEinde"] = r.ended.strftime("%Y%m%d")
    bv = r.legal_form == "Besloten Vennootschap"
    gap = " " * 33
    number = f"{place.number}{place.letter.upper()}"
    address: dict[str, Any] = {
        "type": "bezoekadres", "indAfgeschermd": "Nee",
        "volledigAdres": f"{place.street} {number}{gap}{place.postcode} Tilburg",
        "straatnaam": place.street, "huisnummer": place.number,
    }
    if place.letter:
        address["huisletter"] = place.letter.upper()
    address.update(postcode=place.postcode, plaats="Tilburg", land="Nederland")
    links = {
        "self": {"href": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}"},
        "vestigingen": {"href": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}/vestigingen"},
    }
    body: dict[str, Any] = {"kvkNummer": r.kvk, "indNonMailing": "Ja", "naam": r.name}
    if bv:
        body["statutaireNaam"] = r.name
    body.update(
        formeleRegistratiedatum=ymd,
        materieleRegistratie=material,
        totaalWerkzamePersonen=1 + (int(r.kvk) % 4),
        handelsnamen=[{"naam": r.name, "volgorde": 0}],
        sbiActiviteiten=[{"sbiCode": r.sbi[0], "sbiOmschrijving": r.sbi[1], "indHoofdactiviteit": "Ja"}],
    )
    owner: dict[str, Any] = {
        "rechtsvorm": r.legal_form,
        "uitgebreideRechtsvorm": "Besloten vennootschap met gewone structuur" if bv else "Eenmanszaak",
    }
    if bv:
        owner["rsin"] = f"8{r.kvk}"
    owner["_links"] = {"basisprofiel": {"href": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}"}}
    body["_embedded"] = {
        "hoofdvestiging": {
            "vestigingsnummer": r.branch,
            "kvkNummer": r.kvk,
            "formeleRegistratiedatum": ymd,
            "materieleRegistratie": material,
            "eersteHandelsnaam": r.name,
            "indHoofdvestiging": "Ja",
            "indCommercieleVestiging": "Ja",
            "totaalWerkzamePersonen": body["totaalWerkzamePersonen"],
            "handelsnamen": [{"naam": r.name, "volgorde": 0}],
            "adressen": [address],
            "_links": {
                "basisprofiel": {"href": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}"},
                "vestigingsprofiel": {"href": f"{KVK_BASE}/v1/vestigingsprofielen/{r.branch}"},
            },
        },
        "eigenaar": owner,
    }
    body["_links"] = links
    return body


def cbs_body() -> dict[str, Any]:
    rows = []
    index = 0
    for region, years in POPULATION.items():
        for year, value in years.items():
            rows.append({"ID": index, "RegioS": region, "Perioden": f"{year}JJ00", "TotaleBevolking_1": value})
            index += 1
    return {"odata.metadata": "https://opendata.cbs.nl/ODataApi/odata/70072ned/$metadata#Cbs.OData.WebAPI.TypedDataSet&$select=RegioS,Perioden,TotaleBevolking_1", "value": rows}


# --- writing -----------------------------------------------------------------------------


def count_body() -> dict[str, Any]:
    tags = {k: str(v) for k, v in NATIONAL_OSM_COUNT.items()}
    tags["total"] = str(sum(NATIONAL_OSM_COUNT.values()))
    return overpass_envelope([{"type": "count", "id": 0, "tags": tags}])


def overpass_envelope(elements: list[dict[str, Any]]) -> dict[str, Any]:
    """An Overpass JSON answer around ``elements``, with the demo world's OSM data state."""
    return {
        "version": 0.6,
        "generator": "Overpass API 0.7.62.1 084b4234",
        "osm3s": {
            "timestamp_osm_base": "2026-11-19T21:09:02Z",
            "timestamp_areas_base": "2026-11-19T20:14:37Z",
            "copyright": "The data included in this document is from www.openstreetmap.org. The data is made available under ODbL.",
        },
        "elements": elements,
    }


SRU_EMPTY = """<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
  <sru:version>2.0</sru:version>
  <sru:numberOfRecords>0</sru:numberOfRecords>
  <sru:resultCountPrecision>info:srw/vocabulary/resultCountPrecision/1/exact</sru:resultCountPrecision>
</sru:searchRetrieveResponse>
"""


def sru_record_body(p: dict[str, str]) -> str:
    ident = p["identifier"]
    number = ident.rsplit("-", 1)[1]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse" xmlns:gzd="http://standaarden.overheid.nl/sru" xmlns:overheidwetgeving="http://standaarden.overheid.nl/wetgeving/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:c="http://standaarden.overheid.nl/collectie/">
  <sru:version>2.0</sru:version>
  <sru:numberOfRecords>1</sru:numberOfRecords>
  <sru:records>
    <sru:record>
      <sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>
      <sru:recordData>
        <gzd:gzd>
          <gzd:originalData>
            <overheidwetgeving:meta>
              <overheidwetgeving:owmskern>
                <dcterms:identifier>{ident}</dcterms:identifier>
                <dcterms:title>{p["title"]}</dcterms:title>
                <dcterms:language>nl</dcterms:language>
                <dcterms:type scheme="OVERHEIDop.Rubriek">{p["rubriek"]}</dcterms:type>
                <dcterms:creator scheme="OVERHEID.Gemeente">Tilburg</dcterms:creator>
                <dcterms:modified>{p["date"]}</dcterms:modified>
              </overheidwetgeving:owmskern>
              <overheidwetgeving:owmsmantel>
                <dcterms:available>{p["date"]}</dcterms:available>
                <dcterms:date>{p["date"]}</dcterms:date>
                <dcterms:abstract>{p["abstract"]}</dcterms:abstract>
                <dcterms:publisher scheme="OVERHEID.Gemeente">Tilburg</dcterms:publisher>
              </overheidwetgeving:owmsmantel>
              <overheidwetgeving:tpmeta>
                <c:product-area>officielepublicaties</c:product-area>
                <overheidwetgeving:publicatienummer>{number}</overheidwetgeving:publicatienummer>
                <overheidwetgeving:publicatienaam>Gemeenteblad</overheidwetgeving:publicatienaam>
              </overheidwetgeving:tpmeta>
            </overheidwetgeving:meta>
          </gzd:originalData>
          <gzd:enrichedData>
            <gzd:preferredUrl>https://zoek.officielebekendmakingen.nl/{ident}.html</gzd:preferredUrl>
          </gzd:enrichedData>
        </gzd:gzd>
      </sru:recordData>
      <sru:recordPosition>1</sru:recordPosition>
    </sru:record>
  </sru:records>
  <sru:resultCountPrecision>info:srw/vocabulary/resultCountPrecision/1/exact</sru:resultCountPrecision>
</sru:searchRetrieveResponse>
"""


def searched_names(world: World) -> list[str]:
    """Every name the sector engine may search in KOOP: OSM names and active KvK names."""
    names: list[str] = []
    for e in world.elements:
        if e.name and e.name not in names:
            names.append(e.name)
    for place in world.places:
        for r in place.registrations:
            if (r.ended is None or r.ended > REFERENCE) and r.name not in names:
                names.append(r.name)
    return names


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def main() -> None:
    world = World()
    build(world)

    osm = fresh(WORLD / "osm")
    query_lines = build_query(selection_for(SUBJECT)).splitlines()
    write_json(osm / "overpass-kappers-tilburg.json", overpass_body(world))
    write_json(
        osm / "recordings.json",
        [
            {
                "method": "POST",
                "url": OVERPASS_URL,
                # form-encoded body: the municipality filter and the preset's tag filter
                "body_contains": [quote_plus(query_lines[1]), quote_plus(query_lines[5].strip())],
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "file": "overpass-kappers-tilburg.json",
            }
        ],
    )

    count_query = baseline_query([{"shop": "hairdresser"}]).splitlines()
    write_json(osm / "overpass-count-hairdresser-nl.json", count_body())
    recordings_osm = json.loads((osm / "recordings.json").read_text(encoding="utf-8"))
    recordings_osm.append(
        {
            "method": "POST",
            "url": OVERPASS_URL,
            # the national area, the tag filter and "out count" (bibobscan.sector.baseline)
            "body_contains": [quote_plus(count_query[1]), quote_plus(count_query[3].strip()), quote_plus(count_query[-1])],
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "file": "overpass-count-hairdresser-nl.json",
        }
    )
    write_json(osm / "recordings.json", recordings_osm)

    cbs = fresh(WORLD / "cbs")
    query = population_query(SUBJECT, {})
    write_json(cbs / "typeddataset-70072ned-gm0855-nl01.json", cbs_body())
    write_json(
        cbs / "recordings.json",
        [
            {
                "method": "GET",
                "url": query.url,
                "params": {k: v for k, v in query.params().items() if k != "$format"},
                "status": 200,
                "headers": {"Content-Type": "application/json;charset=utf-8"},
                "file": "typeddataset-70072ned-gm0855-nl01.json",
            }
        ],
    )

    kvk = fresh(WORLD / "kvk_sector")
    recordings: list[dict[str, Any]] = []
    for place in world.places:
        name = f"zoeken-{place.postcode}-{place.number}.json"
        write_json(kvk / name, zoeken_body(place))
        recordings.append(
            {
                "method": "GET",
                "url": f"{KVK_BASE}/v2/zoeken",
                "params": {"postcode": place.postcode, "huisnummer": str(place.number), "inclusiefInactieveRegistraties": "true"},
                "status": 200,
                "headers": HAL_SEARCH,
                "file": name,
            }
        )
        for r in place.registrations:
            if r.kvk == "99000012":  # recorded in world/kvk already
                continue
            profile = f"basisprofiel-{r.kvk}.json"
            write_json(kvk / profile, basisprofiel_body(r, place))
            recordings.append(
                {"method": "GET", "url": f"{KVK_BASE}/v1/basisprofielen/{r.kvk}", "status": 200, "headers": HAL_PROFILE, "file": profile}
            )
    write_json(kvk / "recordings.json", recordings)

    koop = fresh(WORLD / "koop_sector")
    (koop / "sru-geen-resultaten.xml").write_text(SRU_EMPTY, encoding="utf-8")
    koop_recordings: list[dict[str, Any]] = []
    collector = MunicipalKoop()  # the sector engine's KOOP: limited to the municipality
    for name in searched_names(world):
        planted = PLANTED_KOOP.get(name)
        file = "sru-geen-resultaten.xml"
        if planted is not None:
            file = f"sru-{planted['identifier']}.xml"
            (koop / file).write_text(sru_record_body(planted), encoding="utf-8")
        for cql in collector.queries(Subject(kind=SubjectKind.COMPANY, name=name, municipality=TILBURG)):
            koop_recordings.append(
                {
                    "method": "GET",
                    "url": KOOP_URL,
                    "params": {
                        "operation": "searchRetrieve", "version": "2.0", "startRecord": "1",
                        "maximumRecords": str(MAX_RECORDS), "query": cql,
                    },
                    "status": 200,
                    "headers": {"Content-Type": "text/xml;charset=UTF-8"},
                    "file": file,
                }
            )
    write_json(koop / "recordings.json", koop_recordings)
    counts = (len(world.elements), len(world.places), sum(len(p.registrations) for p in world.places))
    print(f"osm elements: {counts[0]}, addresses: {counts[1]}, registrations: {counts[2]}")


if __name__ == "__main__":
    main()
