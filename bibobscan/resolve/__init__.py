"""Resolve: is this evidence about our subject? Verdict, confidence and reasons."""

from .names import fold, mentions, normalise, similarity
from .resolver import NAME_THRESHOLD, learned_kvk, resolve_all, resolve_one

__all__ = ["NAME_THRESHOLD", "fold", "learned_kvk", "mentions", "normalise", "resolve_all", "resolve_one", "similarity"]
