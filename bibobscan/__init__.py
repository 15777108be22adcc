"""bibobscan: an explainable open-source Bibob scan for Dutch municipalities.

The flow is one-directional: collectors -> evidence -> resolve -> signals ->
indicators -> assessment -> report. See docs/architecture.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
