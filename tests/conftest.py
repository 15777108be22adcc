from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bibobscan.collectors import CollectContext
from bibobscan.http import HttpClient, HttpSettings


class Sleeps:
    """Records back-off waits instead of sleeping, so retry tests cost no time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_ctx(sleeps: Sleeps) -> Callable[..., CollectContext]:
    """Build a CollectContext whose HttpClient goes through respx (the default transport
    is patched by respx) and never really sleeps. Close ``ctx.http`` in the test or use
    the async ``ctx`` fixture."""

    def factory(config: dict[str, Any] | None = None, *, max_bytes: int = 1_000_000, timeout: float = 5.0) -> CollectContext:
        http = HttpClient(settings=HttpSettings(max_bytes=max_bytes, timeout=timeout, retries=2, backoff=0.1), sleep=sleeps)
        return CollectContext(http=http, config=config or {}, reference_date=date(2026, 11, 20))

    return factory


@pytest.fixture(autouse=True)
def _no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test asks DNS: the SSRF guard's system resolver (used when no transport is
    injected, e.g. under respx) answers one public address for every
    name. Guard tests pass their own resolver."""

    async def public(host: str) -> list[str]:
        return ["93.184.215.14"]

    monkeypatch.setattr("bibobscan._netguard.system_resolver", public)


# --- the case store -------------------------------------------------------------------------

import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

POSTGRES_ENV = "BIBOBSCAN_TEST_POSTGRES"  # a server URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres
REQUIRE_POSTGRES_ENV = "BIBOBSCAN_REQUIRE_POSTGRES"  # set by .ci/run: a missing server is a failure there


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _session_cache: Path) -> None:
    """No test writes into the user's real case store or cache: every test gets its own
    data folder (commands that record scans use it unless they are given --data), and
    the session one cache folder (the UN list's index)."""
    monkeypatch.setenv("BIBOBSCAN_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("BIBOBSCAN_CACHE", str(_session_cache))
    monkeypatch.delenv("BIBOBSCAN_DATABASE", raising=False)
    monkeypatch.delenv("BIBOBSCAN_USER", raising=False)


def _postgres_server() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"{REQUIRE_POSTGRES_ENV} is set but {POSTGRES_ENV} is not: .ci/run should have started a PostgreSQL server")
        return None
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    import sqlalchemy as sa

    server = _postgres_server()
    if server is None:
        pytest.skip(f"no PostgreSQL server for the tests ({POSTGRES_ENV} not set; .ci/run starts one)")
    name = f"bibob_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """The case store on both databases: embedded SQLite in a data folder, and a real
    PostgreSQL server (started by .ci/run)."""
    from bibobscan.store import locate

    if request.param == "sqlite":
        return locate(data=tmp_path / "data", environ={})
    url = request.getfixturevalue("postgres_url")
    return locate(data=tmp_path / "data", database=url, environ={})
