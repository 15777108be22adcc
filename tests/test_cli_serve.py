"""bibobscan serve as the README starts it: a real server process on loopback with the
demo world and the demo accounts; and every route of the workspace is documented."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_demo_starts_on_loopback_with_the_demo_accounts(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "BIBOBSCAN_DATA": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-c", "from bibobscan.cli import main; main()", "serve", "--demo", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        page = None
        while time.time() < deadline:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/inloggen", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        assert page is not None, process.communicate(timeout=5)
        assert page.status_code == 200 and "Inloggen" in page.text and "demo-wachtwoord" in page.text
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            form = client.get("/inloggen")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            login = client.post("/inloggen", data={"naam": "demo-behandelaar", "wachtwoord": "demo-wachtwoord", "csrf": token, "terug": "/"},
                                follow_redirects=True)
            assert login.status_code == 200 and "Zaken" in login.text
    finally:
        process.terminate()
        out, err = process.communicate(timeout=15)
    assert "http://127.0.0.1:" in err and "demo: log in as demo-behandelaar" in err


def _paths(routes: list[object]) -> list[str]:
    out: list[str] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            out.extend(_paths(inner.routes))
        elif getattr(route, "path", ""):
            out.append(str(getattr(route, "path")))
    return out


def test_every_route_of_the_workspace_is_documented(tmp_path: Path) -> None:
    from _web import workspace

    docs = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    with workspace(tmp_path) as (client, _ws):
        routes = sorted(set(_paths(client.app.routes)))  # type: ignore[attr-defined]
    assert "/zaken/{case_id}/oordeel" in routes and "/api/v1/cases" in routes
    undocumented = []
    for path in routes:
        if not path or path.startswith(("/static", "/openapi", "/docs", "/redoc")) or path == "/":
            continue
        # the documented form: the path with its parameters, or a parent page that names its actions
        generic = re.sub(r"\{[^}]+\}", "{", path)
        if path not in docs and not any(re.sub(r"\{[^}]+\}", "{", m) == generic for m in re.findall(r"`(?:GET |POST )?(/[^` ?]*)", docs)):
            undocumented.append(path)
    assert undocumented == [], f"routes missing from docs/web.md: {undocumented}"
