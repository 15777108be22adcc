"""Parsed indicator files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OPERATORS = ("eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt", "contains", "not_contains", "startswith")


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    when: Any  # a value (equality) or {operator: value, ...}
    points: float
    sentence: str


@dataclass(slots=True)
class InlineTest:
    name: str
    signals: list[dict[str, Any]]
    coverage: list[str] | None  # signal types available; None = all of requires
    expect: dict[str, Any]
    subject: str = "Onderwerp"
    line: int = 0


@dataclass(slots=True)
class Indicator:
    id: str
    version: int
    status: str
    title: str
    description: str
    themes: list[str]
    applies_to: list[str]
    legal_anchor: str
    references: list[str]
    requires: list[str]
    signal: str
    where: dict[str, Any]
    measure: str
    bands: list[Band]
    no_hit: str
    insufficient: str
    false_positives: list[str] = field(default_factory=list)
    tests: list[InlineTest] = field(default_factory=list)
    bibob_ref: str = ""
    file: str = ""
    line: int = 0
