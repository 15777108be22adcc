"""The sector (branche) scan. For now: the presets API (data/sector_presets.yaml)."""

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

__all__ = [
    "SBI_2025_SWITCH",
    "Preset",
    "PresetError",
    "SbiList",
    "default_path",
    "effective_sbi_version",
    "load_presets",
    "resolve_preset",
]
