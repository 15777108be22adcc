"""Run the inline tests of indicator files (``bibobscan indicators test``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Outcome, Signal
from .evaluate import evaluate
from .model import Indicator, InlineTest


@dataclass(frozen=True, slots=True)
class TestResult:
    indicator: Indicator
    test: InlineTest
    passed: bool
    expected: str
    actual: str


def run_inline_test(indicator: Indicator, test: InlineTest) -> TestResult:
    signals = [Signal(str(s["type"]), {k: v for k, v in s.items() if k != "type"}, [f"test-{i}"]) for i, s in enumerate(test.signals)]
    coverage = set(indicator.requires if test.coverage is None else test.coverage)
    hit = evaluate(indicator, signals, coverage, test.subject)
    actual = {"outcome": hit.outcome.value, "band": hit.band, "points": hit.points}
    passed = True
    for key, want in test.expect.items():
        got = actual[key]
        if key == "points":
            passed &= got is not None and abs(float(got) - float(want)) < 1e-9
        elif key == "band":
            passed &= hit.outcome is Outcome.HIT and str(got) == str(want)
        else:
            passed &= got == want
    expected = ", ".join(f"{k}={v}" for k, v in test.expect.items())
    shown = ", ".join(f"{k}={actual[k]}" for k in test.expect)
    return TestResult(indicator, test, passed, expected, shown + (f" ({hit.sentence})" if not passed else ""))


def run_all(indicators: list[Indicator]) -> list[TestResult]:
    return [run_inline_test(ind, t) for ind in indicators for t in ind.tests]
