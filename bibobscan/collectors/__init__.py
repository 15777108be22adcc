"""Collectors: one module per source, discovered through entry points."""

from ._base import CollectContext, Collected, Collector
from ._registry import ENTRY_POINT_GROUP, load_collectors

__all__ = ["CollectContext", "Collected", "Collector", "ENTRY_POINT_GROUP", "load_collectors"]
