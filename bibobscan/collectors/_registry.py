"""Collector discovery through the ``bibobscan.collectors`` entry point group.

Built-in collectors are registered the same way as plugins (see pyproject.toml), so
there is one path for both.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from ..errors import ConfigError
from ._base import Collector

ENTRY_POINT_GROUP = "bibobscan.collectors"


def load_collectors(only: list[str] | None = None) -> list[Collector]:
    """Instantiate every registered collector, sorted by id.

    A plugin that fails to import is an error naming the plugin, not a silent gap.
    """
    found: dict[str, Collector] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if only is not None and ep.name not in only:
            continue
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must be named, not hidden
            raise ConfigError(f"collector plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Collector)):
            raise ConfigError(f"collector plugin {ep.name!r} ({ep.value}) is not a Collector subclass")
        instance = cls()
        if instance.id != ep.name:
            raise ConfigError(
                f"collector plugin {ep.name!r} declares id {instance.id!r}; they must be equal"
            )
        found[ep.name] = instance
    if only is not None:
        unknown = sorted(set(only) - set(found))
        if unknown:
            raise ConfigError(f"unknown collector(s): {', '.join(unknown)}")
    return [found[k] for k in sorted(found)]
