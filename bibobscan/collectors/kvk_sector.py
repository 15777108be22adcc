"""KvK lookups for the sector scan: plain async helpers, not a registered collector.

KvK Zoeken cannot filter by SBI code or municipality (../shared/apis/kvk.md), so the
sector scan discovers establishments elsewhere (OpenStreetMap) and asks the register
per address: who is (and was) registered at this postcode + house number, and what
does the Basisprofiel of a matched KvK number say. Requests, key handling, base URL
and parsing are those of :mod:`bibobscan.collectors.kvk`; configure them the same way
(``[sources.kvk]`` / ``KVK_API_KEY`` / ``KVK_ENVIRONMENT``) and pass that config here.

Every returned dict carries ``provenance`` (``url``, ``query``, ``retrieved_at`` ISO,
``sha256`` of the raw body) so the caller can build Evidence from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import MalformedResponse
from ..http import Fetched, HttpClient
from ..model import utcnow
from .kvk import (
    ADDRESS_PAGE_SIZE,
    KvkApi,
    KvkCollector,
    basisprofiel_fields,
    parse_addresses,
    search_fields,
    search_results,
)

MAX_PAGES = 10  # KvK Zoeken shows at most 1000 results
_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_HOUSE_NUMBER = re.compile(r"^\s*(\d{1,5})")
_KVK = re.compile(r"^\d{8}$")


def not_configured_reason(config: Mapping[str, Any]) -> str | None:
    """Why the KvK helpers cannot run with ``config`` (same rules as the kvk collector)."""
    return KvkCollector().not_configured_reason(config)


def searchable_address(postcode: str, house_number: str | int) -> tuple[str, int] | None:
    """``("5038ZK", 12)`` from OSM-style input ("5038 zk", "12a"); None when KvK Zoeken
    cannot be asked (no valid postcode or no leading house number)."""
    code = "".join(str(postcode).split()).upper()
    match = _HOUSE_NUMBER.match(str(house_number))
    if not _POSTCODE.match(code) or match is None or int(match.group(1)) == 0:
        return None
    return code, int(match.group(1))


async def lookup_address(
    http: HttpClient,
    config: Mapping[str, Any],
    postcode: str,
    house_number: str | int,
    *,
    include_inactive: bool = True,
    source: str = "kvk",
) -> list[dict[str, Any]]:
    """Registrations at one address (KvK Zoeken by postcode + huisnummer).

    Each: ``kvk``, ``name``, ``type`` (hoofdvestiging / nevenvestiging / rechtspersoon),
    ``vestigingsnummer`` (or None), ``active`` (bool or None), ``city``, ``address``
    ({type, street, number, addition, postcode, city, shielded, full} or None) and
    ``provenance``. With ``include_inactive`` (default) ended registrations are listed
    too (``active`` False): that is what shows turnover at an address. An address
    without registrations gives []. A house letter is not sent, so "12a" and "12b" both
    come back; compare ``address.addition`` if it matters. Raises ValueError when the
    address is not searchable (see :func:`searchable_address`) and SourceErrors as the
    kvk collector does.
    """
    searchable = searchable_address(postcode, house_number)
    if searchable is None:
        raise ValueError(f"KvK Zoeken needs a postcode 1234AB and a house number, got {postcode!r} {house_number!r}")
    code, number = searchable
    api = KvkApi.from_config(http, config, source)
    params = {
        "postcode": code,
        "huisnummer": str(number),
        "inclusiefInactieveRegistraties": "true" if include_inactive else "false",
        "resultatenPerPagina": str(ADDRESS_PAGE_SIZE),
    }
    query = f"zoeken postcode={code} huisnummer={number} inclusiefInactieveRegistraties={params['inclusiefInactieveRegistraties']}"
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for page in range(1, MAX_PAGES + 1):
        if page > 1:
            params["pagina"] = str(page)
        fetched, body = await api.get("v2/zoeken", params)
        items = search_results(body, "v2/zoeken", source)
        new = 0
        for item in items:
            registration = _registration(item, fetched, query)
            key = (registration["kvk"], registration["vestigingsnummer"] or "", registration["type"])
            if key in seen:
                continue
            seen.add(key)
            found.append(registration)
            new += 1
        total = _total(body)
        if new == 0 or total is None or len(found) >= total:
            break
    return found


async def lookup_profile(
    http: HttpClient,
    config: Mapping[str, Any],
    kvk: str,
    *,
    reference_date: date | None = None,
    source: str = "kvk",
) -> dict[str, Any] | None:
    """The Basisprofiel of ``kvk`` with the ``register.company`` fields of
    docs/evidence.md (``kvk``, ``name``, ``trade_names``, ``legal_form``,
    ``registered_on``, ``started_on``, ``ended_on``, ``sbi`` [{code, description, main,
    version}], ``addresses``, ``vestigingsnummer``, ``employees``, ``active``) plus
    ``provenance``; None when KvK does not know the number. ``active`` is judged on
    ``reference_date`` (default: today).
    """
    number = "".join(ch for ch in str(kvk) if not ch.isspace() and ch != ".")
    if not _KVK.match(number):
        raise ValueError(f"a KvK number has 8 digits, got {kvk!r}")
    api = KvkApi.from_config(http, config, source)
    path = f"v1/basisprofielen/{number}"
    fetched, body = await api.get(path)
    if body is None:
        return None
    if not isinstance(body.get("kvkNummer"), str):
        raise MalformedResponse(f"KvK {path}: no kvkNummer in the Basisprofiel", source=source)
    fields = basisprofiel_fields(body, reference_date or utcnow().date())
    fields["provenance"] = _provenance(fetched, f"basisprofielen/{number}")
    return fields


def _registration(item: dict[str, Any], fetched: Fetched, query: str) -> dict[str, Any]:
    fields = search_fields(item)
    adres = item.get("adres")
    domestic = adres.get("binnenlandsAdres") if isinstance(adres, dict) else None
    addresses = parse_addresses([domestic]) if isinstance(domestic, dict) else []
    branch = item.get("vestigingsnummer")
    return {
        "kvk": fields["kvk"],
        "name": fields["name"],
        "type": fields["type"],
        "vestigingsnummer": branch.strip() if isinstance(branch, str) and branch.strip() else None,
        "active": fields["active"],
        "city": fields["city"],
        "address": addresses[0] if addresses else None,
        "provenance": _provenance(fetched, query),
    }


def _total(body: dict[str, Any] | None) -> int | None:
    value = body.get("totaal") if body is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _provenance(fetched: Fetched, query: str) -> dict[str, str]:
    return {
        "url": fetched.url,
        "query": query,
        "retrieved_at": fetched.retrieved_at.isoformat(),
        "sha256": fetched.sha256,
    }
