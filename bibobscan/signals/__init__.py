"""Signals: typed facts derived from resolved evidence (the indicators' vocabulary)."""

from .derive import classify_publication, derive_signals
from .media import MediaFinding, assess_text
from .vocabulary import FORBIDDEN_TERMS, OFFICER_TYPES, SIGNAL_TYPES, forbidden_term

__all__ = [
    "FORBIDDEN_TERMS", "MediaFinding", "OFFICER_TYPES", "SIGNAL_TYPES", "assess_text",
    "classify_publication", "derive_signals", "forbidden_term",
]
