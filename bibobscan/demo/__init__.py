"""The embedded demo world: a fictional case in a real municipality, replayed offline."""

from .replay import ReplayTransport, load_recordings

__all__ = ["ReplayTransport", "load_recordings"]
