"""Establishment- and area-level signals of a sector scan, computed with pandas.

Establishment signals come out as one table per signal type (columns ``row`` — the
establishment's row in the frame —, ``ev`` — a tuple of evidence ids — and the type's
attributes from :mod:`bibobscan.signals.vocabulary`), plus a coverage mask per type:
an establishment whose address could not be looked up is *not covered* for the address
signals, so its indicators come out as "insufficient data", never as zero.

Area signals are ordinary :class:`bibobscan.model.Signal` objects, evaluated by the
same evaluator as person and company scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from ..model import Evidence, Signal
from ..resolve.names import fold

RADIUS_M = 250  # establishments of the branche within this many metres count as a cluster
M_PER_DEGREE = 111_320.0

ESTABLISHMENT_TYPES = (
    "establishment.registered_on", "establishment.sbi", "establishment.address_turnover",
    "establishment.address_company_count", "establishment.cluster", "establishment.publication",
)


@dataclass(slots=True)
class SignalTables:
    """Establishment signals by type, and which establishments each type covers."""

    n: int
    by_type: dict[str, pd.DataFrame] = field(default_factory=dict)
    coverage: dict[str, np.ndarray] = field(default_factory=dict)

    def covered(self, signal_type: str) -> np.ndarray:
        found = self.coverage.get(signal_type)
        return found if found is not None else np.zeros(self.n, dtype=bool)

    def signals_of(self, row: int) -> list[Signal]:
        """The signals of one establishment as Signal objects (for tests and the JSON)."""
        out: list[Signal] = []
        for kind, table in self.by_type.items():
            part = table[table["row"] == row]
            attrs = [c for c in part.columns if c not in ("row", "ev")]
            for rec in part.itertuples(index=False):
                values = rec._asdict()
                out.append(Signal(kind, {a: _plain(values[a]) for a in attrs}, list(values["ev"])))
        return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _obj(values: Any) -> np.ndarray:
    """An object array of ``values`` as they are: None stays None (never NaN) and a
    tuple stays one element."""
    items = list(values)
    arr = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        arr[i] = v
    return arr


def neighbour_counts(lat: np.ndarray, lon: np.ndarray, ref_lat: np.ndarray, ref_lon: np.ndarray, radius: float) -> np.ndarray:
    """For each point, how many reference points lie within ``radius`` metres (a point that
    is itself a reference point counts itself). NaN points get 0. A grid of ``radius``-sized
    cells: only the 3x3 neighbouring cells are compared, so this is linear in practice."""
    out = np.zeros(len(lat), dtype=np.int64)
    ok = ~(np.isnan(lat) | np.isnan(lon))
    rok = ~(np.isnan(ref_lat) | np.isnan(ref_lon))
    if not ok.any() or not rok.any():
        return out
    lat0 = float(np.nanmean(ref_lat[rok]))
    kx = M_PER_DEGREE * np.cos(np.radians(lat0))
    qx, qy = lon[ok] * kx, lat[ok] * M_PER_DEGREE
    rx, ry = ref_lon[rok] * kx, ref_lat[rok] * M_PER_DEGREE
    ref = pd.DataFrame({"cx": np.floor(rx / radius).astype(np.int64), "cy": np.floor(ry / radius).astype(np.int64), "rx": rx, "ry": ry})
    query = pd.DataFrame({"q": np.flatnonzero(ok), "qx": qx, "qy": qy, "qcx": np.floor(qx / radius).astype(np.int64), "qcy": np.floor(qy / radius).astype(np.int64)})
    counts = np.zeros(len(lat), dtype=np.int64)
    r2 = radius * radius
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            shifted = query.assign(cx=query["qcx"] + dx, cy=query["qcy"] + dy)
            pairs = shifted.merge(ref, on=["cx", "cy"], how="inner")
            if pairs.empty:
                continue
            close = (pairs["qx"] - pairs["rx"]) ** 2 + (pairs["qy"] - pairs["ry"]) ** 2 <= r2
            hits = pairs.loc[close, "q"].to_numpy()
            np.add.at(counts, hits, 1)
    out[:] = counts
    return out


def street_keys(street: pd.Series, city: pd.Series) -> pd.Series:
    """The same street in the same place (folded); "" when the street is unknown."""
    keys = [f"{fold(str(s))}|{fold(str(c))}" if s else "" for s, c in zip(street.tolist(), city.tolist())]
    return pd.Series(keys, index=street.index, dtype=object)


def establishment_signals(frame: pd.DataFrame, *, reference_points: pd.DataFrame | None = None, osm_ok: bool = True, radius: float = RADIUS_M) -> SignalTables:
    """Signals of every establishment in ``frame`` (see :mod:`.frame` for its columns).

    ``reference_points`` (columns lat, lon, street, city) are all establishments of the
    branche in the municipality — also those outside a postcode narrowing — against which
    clusters are counted; default: the frame itself."""
    n = len(frame)
    tables = SignalTables(n=n)
    ref = reference_points if reference_points is not None else frame[["lat", "lon", "street", "city"]]

    profile_ok = frame["profile_ok"].to_numpy(dtype=bool)
    address_ok = frame["address_ok"].to_numpy(dtype=bool)
    age = frame["age_days"].to_numpy(dtype=float)

    # registration date of the joined company
    has_date = profile_ok & ~np.isnan(age) & (frame["registered_on"].to_numpy(dtype=object) != "")
    sel = np.flatnonzero(has_date)
    tables.by_type["establishment.registered_on"] = pd.DataFrame({
        "row": sel,
        "ev": _obj((e,) for e in frame["profile_evidence"].to_numpy(dtype=object)[sel]),
        "date": _obj(frame["registered_on"].to_numpy(dtype=object)[sel]),
        "age_days": _obj(int(a) for a in age[sel]),
        "name": _obj(frame["kvk_name"].to_numpy(dtype=object)[sel]),
        "kvk": _obj(frame["kvk"].to_numpy(dtype=object)[sel]),
    })
    tables.coverage["establishment.registered_on"] = profile_ok

    # SBI activities (one signal per activity)
    sbi = frame.loc[profile_ok, ["sbi", "profile_evidence"]].explode("sbi").dropna(subset=["sbi"])
    records = sbi["sbi"].tolist()
    tables.by_type["establishment.sbi"] = pd.DataFrame({
        "row": sbi.index.to_numpy(dtype=np.int64),
        "ev": _obj((e,) for e in sbi["profile_evidence"].tolist()),
        "code": _obj(str(r.get("code", "")) for r in records),
        "version": _obj(str(r.get("version", "unknown")) for r in records),
        "main": _obj(bool(r.get("main")) for r in records),
        "description": _obj(str(r.get("description", "")) for r in records),
        "in_sector": _obj(r.get("in_sector") for r in records),
    })
    tables.coverage["establishment.sbi"] = profile_ok

    # registrations at the address
    sel = np.flatnonzero(address_ok)
    address_ev = _obj((e,) for e in frame["address_evidence"].to_numpy(dtype=object)[sel])
    addresses = _obj(frame["address"].to_numpy(dtype=object)[sel])
    tables.by_type["establishment.address_turnover"] = pd.DataFrame({
        "row": sel, "ev": address_ev,
        "ended": _obj(int(x) for x in frame["registrations_ended"].to_numpy(dtype=float)[sel]),
        "total": _obj(int(x) for x in frame["registrations_total"].to_numpy(dtype=float)[sel]),
        "address": addresses,
    })
    tables.coverage["establishment.address_turnover"] = address_ok.copy()
    tables.by_type["establishment.address_company_count"] = pd.DataFrame({
        "row": sel, "ev": address_ev,
        "count": _obj(int(x) for x in frame["registrations_active"].to_numpy(dtype=float)[sel]),
        "address": addresses,
    })
    tables.coverage["establishment.address_company_count"] = address_ok.copy()

    # clusters: neighbours within the radius, and the same street
    lat, lon = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))
    near = neighbour_counts(lat, lon, ref["lat"].to_numpy(dtype=float), ref["lon"].to_numpy(dtype=float), radius)
    keys = street_keys(frame["street"], frame["city"])
    ref_counts = street_keys(ref["street"], ref["city"]).value_counts()
    same_street = keys.map(ref_counts).fillna(0).astype(np.int64).to_numpy().copy()
    same_street[keys.to_numpy(dtype=object) == ""] = 1
    sel = np.flatnonzero(located & osm_ok)
    own_ev = [tuple(o) if o else ((a,) if a else ()) for o, a in zip(frame["osm_evidence"].tolist(), frame["address_evidence"].tolist())]
    tables.by_type["establishment.cluster"] = pd.DataFrame({
        "row": sel,
        "ev": _obj(own_ev[i] for i in sel),
        "radius_count": _obj(int(x) for x in near[sel]),
        "radius": _obj(int(radius) for _ in sel),
        "street_count": _obj(int(x) for x in same_street[sel]),
        "street": _obj(frame["street"].to_numpy(dtype=object)[sel]),
    })
    tables.coverage["establishment.cluster"] = located & osm_ok

    # official publications that name the establishment
    pubs_ok = frame["publications_ok"].to_numpy(dtype=bool)
    pubs = frame.loc[pubs_ok, ["publications"]].explode("publications").dropna(subset=["publications"])
    records = pubs["publications"].tolist()
    tables.by_type["establishment.publication"] = pd.DataFrame({
        "row": pubs.index.to_numpy(dtype=np.int64),
        "ev": _obj((str(r.get("evidence", "")),) for r in records),
        "kind": _obj(str(r.get("kind", "mention")) for r in records),
        "identifier": _obj(str(r.get("identifier", "")) for r in records),
        "title": _obj(str(r.get("title", "")) for r in records),
        "date": _obj(str(r.get("date", "")) for r in records),
        "creator": _obj(str(r.get("creator", "")) for r in records),
    })
    tables.coverage["establishment.publication"] = pubs_ok
    for kind, table in tables.by_type.items():
        table["row"] = table["row"].astype(np.int64)
        assert len(table) == 0 or table["row"].max() < n, kind
    return tables


# --- the area ------------------------------------------------------------------------------


@dataclass(slots=True)
class AreaInput:
    """What the area signals are computed from."""

    osm_ok: bool
    osm_tag_objects: int | None = None
    population: Evidence | None = None  # municipality
    national_population: Evidence | None = None
    baseline_total: int | None = None
    baseline_evidence: str | None = None
    kvk_ok: bool = False


def area_signals(frame: pd.DataFrame, area: AreaInput) -> tuple[list[Signal], set[str]]:
    """Area signals and the area signal types covered."""
    signals: list[Signal] = []
    covered: set[str] = set()
    pop, nat = area.population, area.national_population
    if area.osm_ok and area.osm_tag_objects is not None and pop is not None and nat is not None and area.baseline_total:
        covered.add("area.density")
        people = int(pop.fields.get("population") or 0)
        national = int(nat.fields.get("population") or 0)
        if people > 0 and national > 0:
            density = area.osm_tag_objects / people * 10_000
            baseline = area.baseline_total / national * 10_000
            ids = [pop.id, nat.id] + ([area.baseline_evidence] if area.baseline_evidence else [])
            signals.append(Signal("area.density", {
                "count": int(area.osm_tag_objects), "population": people, "density": round(density, 2),
                "baseline_density": round(baseline, 2), "ratio": round(density / baseline, 2) if baseline else 0.0,
                "baseline": f"Nederland ({nat.fields.get('period', '')})",
            }, ids))
    if area.osm_ok and len(frame):  # no establishments (e.g. none in the postcodes): not judged
        covered.add("area.street_cluster")
        named = frame[frame["street"].astype(str) != ""]
        if len(named):
            keys = street_keys(named["street"], named["city"])
            groups = named.assign(key=keys).groupby("key", sort=False)
            counts = groups.size().sort_values(ascending=False, kind="stable")
            total = len(frame)
            for key, count in counts.items():
                if count < 2:
                    break
                members = groups.get_group(key)
                street_ev: list[str] = []
                for e in members["osm_evidence"].tolist():
                    street_ev.extend(x for x in e if x not in street_ev)
                signals.append(Signal("area.street_cluster", {
                    "street": str(members["street"].iloc[0]), "count": int(count), "percent": round(100 * int(count) / total),
                }, street_ev))
    if area.kvk_ok:
        covered.add("area.growth")
        ages = frame.loc[frame["profile_ok"].astype(bool), "age_days"].dropna().to_numpy(dtype=float)
        if len(ages):
            recent = int((ages <= 730).sum())
            growth_ev = [e for e in frame.loc[frame["profile_ok"].astype(bool), "profile_evidence"].tolist() if e]
            signals.append(Signal("area.growth", {
                "new_last_year": int((ages <= 365).sum()), "new_two_years": recent, "before": int(len(ages) - recent),
                "known": int(len(ages)), "percent_recent": round(100 * recent / len(ages)),
            }, growth_ev))
    return signals, covered
