"""For the bureau: the indicator catalogue with the weights of the workspace's scoring
profile, the validation of the indicator files and the profile, and the inline indicator
tests. The same library calls as ``bibobscan indicators validate|test|docs``.

Everyone signed in may read the catalogue (officers need to know what a point means);
only the bureau and the beheerder run the tests. The workspace scans with the shipped
indicator set and its default profile (a case may name others; the catalogue shows the
shipped ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ...accounts import Role
from ...errors import BibobscanError
from ...report.catalogue import render_html
from ...resources import default_profile, indicators_dir
from ...rules import (
    check_profile_against,
    indicator_files,
    load_indicators_collecting,
    load_profile,
    run_all,
    set_hash,
)
from ...rules.catalogue import CatalogueEntry, catalogue
from ...rules.model import Indicator
from ...rules.profile import Profile
from .._app import REPORT_CSP
from .._auth import check_csrf, forbidden, login_required
from .._render import page

router = APIRouter(include_in_schema=False)

TEST_ROLES = (Role.BUREAU, Role.BEHEERDER)


@dataclass
class Validation:
    """What ``bibobscan indicators validate`` finds: the indicators that loaded, the
    profile (None when it cannot be read) and every error message."""

    path: Path
    profile_path: Path
    indicators: list[Indicator]
    profile: Profile | None
    messages: list[str] = field(default_factory=list)
    set_hash: str = ""

    @property
    def tests(self) -> int:
        return sum(len(i.tests) for i in self.indicators)

    @property
    def ok(self) -> bool:
        return not self.messages


def validate(path: Path | None = None, profile_path: Path | None = None) -> Validation:
    """Load and check the indicator files and the profile, as ``indicators validate`` does
    (unknown ids in weights and suppress, unknown themes in theme caps)."""
    target = path or indicators_dir()
    prof_path = profile_path or default_profile()
    indicators, errors = load_indicators_collecting(target)
    messages = [str(err) for err in errors]
    profile: Profile | None = None
    try:
        profile = load_profile(prof_path)
    except BibobscanError as exc:
        messages.append(str(exc))
    else:
        broken = {err.indicator for err in errors if err.indicator}
        messages.extend(str(err) for err in check_profile_against(profile, indicators, also_known=broken))
    try:
        digest = set_hash(indicator_files(target))
    except (BibobscanError, OSError) as exc:
        digest = ""
        messages.append(f"{target}: {exc}")
    return Validation(target, prof_path, indicators, profile, messages, digest)


@dataclass(frozen=True)
class TestRow:
    indicator: str
    title: str
    test: str
    where: str
    passed: bool
    expected: str
    actual: str


def run_tests(checked: Validation) -> list[TestRow]:
    """Every inline test of the indicators that loaded (``indicators test``)."""
    rows = []
    for r in run_all(checked.indicators):
        where = f"{Path(r.indicator.file).name}:{r.test.line}" if r.test.line else Path(r.indicator.file).name
        rows.append(TestRow(r.indicator.id, r.indicator.title, r.test.name, where, r.passed, r.expected, r.actual))
    return rows


def _entries(checked: Validation) -> list[CatalogueEntry]:
    return catalogue(checked.indicators, checked.profile) if checked.profile is not None else []


def _bureau_page(request: Request, *, results: list[TestRow] | None = None, status_code: int = 200) -> Response:
    session = login_required(request)
    checked = validate()
    entries = _entries(checked)
    failed = [r for r in results or [] if not r.passed]
    return page(request, "bureau.html.j2", status_code=status_code, checked=checked, entries=entries,
                unweighted=checked.indicators if checked.profile is None else [], results=results, failed=failed,
                may_test=session.account.role in TEST_ROLES)


@router.get("/bureau")
def bureau(request: Request) -> Response:
    return _bureau_page(request)


@router.get("/bureau/catalogus")
def catalogue_frame(request: Request) -> Response:
    """The catalogue of ``bibobscan indicators docs --out x.html``, for the frame."""
    login_required(request)
    checked = validate()
    if checked.profile is None:
        body = "<!doctype html><html lang=\"nl\"><meta charset=\"utf-8\"><title>Catalogus</title><p>Het scoringsprofiel is onleesbaar; zie de validatie.</p></html>"
    else:
        body = render_html(checked.indicators, checked.profile, checked.set_hash)
    response = HTMLResponse(body)
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


@router.post("/bureau/tests")
async def bureau_tests(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_bureau_tests, request, form)


def _bureau_tests(request: Request, form: Any) -> Response:
    session = login_required(request)
    check_csrf(request, session, form.get("csrf"))
    if session.account.role not in TEST_ROLES:
        forbidden("Alleen het bureau en de beheerder voeren de indicatortests uit; uw rol (" + session.account.role.value + ") mag de catalogus lezen.")
    results = run_tests(validate())
    return _bureau_page(request, results=results)
