"""The UN list as a compact index on disk, so that a new process does not parse the XML.

Parsing the 2 MB consolidated list (defusedxml, then normalising every name) takes
about a quarter of a second; reading the same entries back from JSON takes a few
milliseconds. The index is written the first time a list is parsed, into the user's
cache folder, and is used only for the list file with the same sha256:

- folder: ``$BIBOBSCAN_CACHE`` if set, else ``$XDG_CACHE_HOME/bibobscan``, else
  ``~/.cache/bibobscan``; file ``un-index-<sha256 of the XML>.json``;
- it records the format version, the XML's sha256 and how many individuals and
  entities the XML holds (counted in the bytes on every load): an index that does not
  agree, does not parse or has another version is ignored and written again;
- a folder that cannot be written costs only speed: the list is then parsed per process.

The index holds nothing that is not in the public list file itself. The evidence keeps
naming the XML (its sha256 and date), never the index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import write_text

if TYPE_CHECKING:
    from .un_sanctions import UnEntry, UnList

FORMAT = 1
CACHE_ENV = "BIBOBSCAN_CACHE"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bibobscan"


def counts_in(data: bytes) -> tuple[int, int]:
    """Individuals and entities in the XML bytes, counted without parsing."""
    return data.count(b"<INDIVIDUAL>"), data.count(b"<ENTITY>")


def index_path(sha256: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / f"un-index-{sha256}.json"


def _entry_row(entry: UnEntry) -> list[Any]:
    return [entry.dataid, entry.reference, entry.individual, entry.name, list(entry.aliases), list(entry.weak_aliases),
            list(entry.birth_dates), entry.list_type, entry.listed_on]


def write_index(unlist: UnList, counts: tuple[int, int], folder: Path | None = None) -> Path | None:
    """Write the index of a parsed list; None when the cache folder cannot be written."""
    payload = {
        "format": FORMAT, "sha256": unlist.sha256, "source": unlist.source, "generated": unlist.generated.isoformat(),
        "counts": list(counts),
        "individuals": [_entry_row(e) for e in unlist.individuals],
        "entities": [_entry_row(e) for e in unlist.entities],
        "indexes": {kind: [index.keys, index.owners, index.raw] for kind, index in
                    (("individuals", unlist._indexes[True]), ("entities", unlist._indexes[False]))},
    }
    path = index_path(unlist.sha256, folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        return None
    return path


def read_index(sha256: str, counts: tuple[int, int], source: str,
               build: Callable[..., UnList], entry: Callable[..., UnEntry], folder: Path | None = None) -> UnList | None:
    """The list from its index, or None when there is none that agrees with the XML."""
    try:
        data = json.loads(index_path(sha256, folder).read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["sha256"] != sha256 or tuple(data["counts"]) != counts:
            return None
        individuals = [_entry(entry, row) for row in data["individuals"]]
        entities = [_entry(entry, row) for row in data["entities"]]
        if (len(individuals), len(entities)) != counts:
            return None
        return build(generated=datetime.fromisoformat(data["generated"]), sha256=sha256, source=source,
                     individuals=individuals, entities=entities,
                     indexes={True: data["indexes"]["individuals"], False: data["indexes"]["entities"]})
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _entry(entry: Callable[..., UnEntry], row: list[Any]) -> UnEntry:
    dataid, reference, individual, name, aliases, weak, births, list_type, listed_on = row
    return entry(dataid=str(dataid), reference=str(reference), individual=bool(individual), name=str(name),
                 aliases=tuple(map(str, aliases)), weak_aliases=tuple(map(str, weak)), birth_dates=tuple(map(str, births)),
                 list_type=str(list_type), listed_on=None if listed_on is None else str(listed_on))
