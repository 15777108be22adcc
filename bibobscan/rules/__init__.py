"""Indicator files: loading and validation, evaluation, scoring profiles, inline tests."""

from .checks import check_profile_against, check_rule_set
from .evaluate import condition_holds, evaluate
from .loader import indicator_files, load_indicators, load_indicators_collecting, set_hash
from .model import Band, Indicator, InlineTest
from .profile import Profile, Threshold, assess, load_profile
from .selftest import TestResult, run_all, run_inline_test

__all__ = [
    "Band", "Indicator", "InlineTest", "Profile", "TestResult", "Threshold", "assess",
    "check_profile_against", "check_rule_set", "condition_holds", "evaluate", "indicator_files", "load_indicators",
    "load_indicators_collecting", "load_profile", "run_all", "run_inline_test", "set_hash",
]
