"""The replay transport: serves the demo world's recorded responses to httpx.

The demo world (``bibobscan/demo/world/<source>/recordings.json``) holds responses in
the sources' real wire formats. The collectors parse them with the same code they use
on the live services; only the transport differs. A request that was not recorded
fails like a network error, so the demo never invents an empty answer.

recordings.json is a list of::

    {"method": "GET", "url": "https://api.kvk.nl/api/v1/basisprofielen/99000011",
     "params": {"geoData": "false"},          # optional; all must equal the request's
     "body_contains": ["Voorbeeld"],          # optional, for POST bodies
     "status": 200, "headers": {"Content-Type": "application/hal+json"},
     "file": "basisprofiel-99000011.json"}    # body, relative to the recordings file

When several recordings fit, the one with the most params wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

WORLD = Path(__file__).parent / "world"


@dataclass(slots=True)
class Recording:
    method: str
    url: str
    status: int
    file: Path
    params: dict[str, str] = field(default_factory=dict)
    body_contains: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def fits(self, request: httpx.Request) -> bool:
        if request.method != self.method:
            return False
        base = str(request.url.copy_with(query=None, fragment=None))
        if base.rstrip("/") != self.url.rstrip("/"):
            return False
        for key, value in self.params.items():
            if request.url.params.get(key) != value:
                return False
        if self.body_contains:
            body = request.content.decode("utf-8", errors="replace")
            if not all(part in body for part in self.body_contains):
                return False
        return True


def load_recordings(world: Path = WORLD) -> list[Recording]:
    recordings: list[Recording] = []
    for path in sorted(world.glob("*/recordings.json")):
        entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        for entry in entries:
            recordings.append(
                Recording(
                    method=entry.get("method", "GET").upper(),
                    url=entry["url"],
                    status=int(entry.get("status", 200)),
                    file=path.parent / entry["file"],
                    params={k: str(v) for k, v in (entry.get("params") or {}).items()},
                    body_contains=list(entry.get("body_contains") or []),
                    headers=dict(entry.get("headers") or {}),
                )
            )
    return recordings


class ReplayTransport(httpx.AsyncBaseTransport):
    """An httpx transport that answers from recordings, never from the network."""

    def __init__(self, recordings: list[Recording] | None = None) -> None:
        self.recordings = load_recordings() if recordings is None else recordings
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        fitting = [r for r in self.recordings if r.fits(request)]
        if not fitting:
            raise httpx.ConnectError(
                f"not recorded in the demo world: {request.method} {request.url}", request=request
            )
        best = max(fitting, key=lambda r: (len(r.params), len(r.body_contains)))
        return httpx.Response(
            best.status, headers=best.headers, content=best.file.read_bytes(), request=request
        )
