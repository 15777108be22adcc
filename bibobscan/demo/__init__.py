"""The embedded demo world: a fictional case in a real municipality, replayed offline."""

from .case import COMPANY, PERSON, REFERENCE_DATE, demo_case, demo_settings
from .replay import ReplayTransport, load_recordings
from .wiring import demo_config_note, wired

__all__ = ["COMPANY", "PERSON", "REFERENCE_DATE", "ReplayTransport", "demo_case", "demo_config_note", "demo_settings", "load_recordings", "wired"]
