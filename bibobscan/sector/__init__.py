"""The sector (branche) scan: discover every establishment of a branche in an area from
open data, apply the indicator files per establishment and for the area, and rank.

- :mod:`.presets` — the bureau-editable presets (data/sector_presets.yaml);
- :mod:`.spec` — command-line input to a :class:`SectorDefinition` (usage errors first);
- :mod:`.discover` — OpenStreetMap + CBS + KvK per address + KOOP per name, concurrently;
- :mod:`.attribution` — which publications belong to an establishment (distinctive match);
- :mod:`.checkpoint` — the request cache that lets a stopped run resume (one file per
  mode, demo or live; live answers expire);
- :mod:`.frame`, :mod:`.signals` — establishments as a DataFrame; signals with pandas;
- :mod:`.scoring`, :mod:`.rank` — the indicator files evaluated on all rows at once;
- :mod:`.run` — orchestration (:func:`run_sector`); :mod:`.model` — the report model.

Only register and public company-level data are used; never person-level research
(BIBOB.md §3.4). Rendering lives in :mod:`bibobscan.report.sector`.
"""

from .checkpoint import Checkpoint
from .discover import Collection, Establishment, ProgressEvent
from .model import NO_PERSON_RESEARCH, SIGNAL_NOT_DECISION, RankedEstablishment, SectorReport
from .presets import (
    SBI_2025_SWITCH,
    Preset,
    PresetError,
    SbiList,
    default_path,
    effective_sbi_version,
    load_presets,
    resolve_preset,
)
from .run import SectorOptions, run_sector, score_sector
from .spec import SectorDefinition, build_definition

__all__ = [
    "NO_PERSON_RESEARCH",
    "SBI_2025_SWITCH",
    "SIGNAL_NOT_DECISION",
    "Checkpoint",
    "Collection",
    "Establishment",
    "Preset",
    "PresetError",
    "ProgressEvent",
    "RankedEstablishment",
    "SbiList",
    "SectorDefinition",
    "SectorOptions",
    "SectorReport",
    "build_definition",
    "default_path",
    "effective_sbi_version",
    "load_presets",
    "resolve_preset",
    "run_sector",
    "score_sector",
]
