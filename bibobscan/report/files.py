"""Durable file writes, as the report and archive modules have always imported them;
the implementation is :mod:`bibobscan._atomic`."""

from __future__ import annotations

from .._atomic import fsync_dir
from .._atomic import write_bytes as write_bytes_atomic
from .._atomic import write_text as write_text_atomic

__all__ = ["fsync_dir", "write_bytes_atomic", "write_text_atomic"]
