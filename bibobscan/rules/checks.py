"""Checks across an indicator set and a scoring profile.

``load_profile`` checks a profile on its own; it cannot know which indicator ids
exist. A typo in ``weights`` or ``suppress[].indicators`` would silently weigh or
suppress nothing, and a typo in ``theme_caps`` would cap nothing. These checks name
such mistakes, with the nearest known name, in the usual
"file:line | field Y: message" form.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from rapidfuzz import process

from ..errors import IndicatorError
from .loader import THEMES
from .model import Indicator
from .profile import Profile

NEAREST_CUTOFF = 60.0  # rapidfuzz similarity (0-100) from which a known name is suggested


def _nearest(name: str, known: Iterable[str]) -> str:
    found = process.extractOne(name, sorted(known), score_cutoff=NEAREST_CUTOFF)
    return f"; nearest: {found[0]}" if found else ""


def check_profile_against(profile: Profile, indicators: list[Indicator], *, also_known: Iterable[str] = ()) -> list[IndicatorError]:
    """Every reference in ``profile`` to an indicator id or theme that does not exist.

    ``also_known``: further indicator ids to accept (``indicators validate`` passes the
    ids of indicators that exist but failed to load, so one broken file does not also
    produce profile errors).
    """
    ids = {i.id for i in indicators} | set(also_known)
    errors: list[IndicatorError] = []

    def error(message: str, field: str) -> None:
        errors.append(IndicatorError(message, file=profile.file, line=profile.line_of(field), field=field))

    for ind_id in profile.weights:
        if ind_id not in ids:
            error(f"unknown indicator id{_nearest(ind_id, ids)}", f"weights.{ind_id}")
    for theme in profile.theme_caps:
        if theme not in THEMES:
            error(f"unknown theme{_nearest(theme, THEMES)} (known: {', '.join(sorted(THEMES))})", f"theme_caps.{theme}")
    for i, rule in enumerate(profile.suppress):
        for ind_id in rule.indicators:
            if ind_id not in ids:
                error(f"unknown indicator id {ind_id!r}{_nearest(ind_id, ids)}", f"suppress[{i}].indicators")
    for ind_id in profile.one_event_once:
        # an id this indicator set does not load is left out (a profile serves several
        # sets), unless it is a near miss of one it does load: then it is a typo
        if ind_id not in ids and _nearest(ind_id, ids):
            error(f"unknown indicator id {ind_id!r}{_nearest(ind_id, ids)}", "one_event_once")
    return errors


def check_rule_set(indicators: list[Indicator], profile: Profile, subject_kind: str | None) -> None:
    """Raise the first IndicatorError of :func:`check_profile_against`; and, when
    ``subject_kind`` (person, company, sector) is given, raise when no indicator that is
    not deprecated applies to it (a scan would score nothing)."""
    errors = check_profile_against(profile, indicators)
    if errors:
        raise errors[0]
    if subject_kind is None:
        return
    kind = str(subject_kind)
    if not any(kind in i.applies_to and i.status != "deprecated" for i in indicators):
        kinds = sorted({k for i in indicators if i.status != "deprecated" for k in i.applies_to})
        files = sorted({i.file for i in indicators if i.file})
        where = os.path.commonpath(files) if len(files) > 1 else (files[0] if files else "")
        raise IndicatorError(
            f"no indicator applies to subject kind {kind!r} (the {len(indicators)} indicators apply to: {', '.join(kinds) or 'nothing'}; deprecated ones are skipped)",
            file=where, field="applies_to",
        )
