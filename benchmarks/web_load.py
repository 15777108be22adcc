"""Load on the web workspace (issue 10): the real server (`bibobscan serve --demo`) in
its own process, 20 scans started at once through the JSON API, while several threads
read the case list (API and page). Prints requests/s for the case list (idle and
during the scans), the time to the first progress event and to the end of each scan
(median and p95), and the server's memory (VmRSS/VmHWM) before, during and after.
Exits 1 if the server died, a scan did not end 'klaar', or a request failed.

    python benchmarks/web_load.py [--scans 20] [--workers 4] [--seconds 5] [--threads 6]

measured on this machine (2 CPUs, shared with other work, load average 2-5; 2026-12-06):
20 scans, --scan-workers 4: case list 80-85 req/s (API) and 39-41 req/s (page) idle,
13-16 and 9-10 req/s during the scans (p95 0.65-1.15 s); first progress event median
14.0-14.3 s, p95 19.9-20.0 s (1.1 s for a lone scan); all 20 'klaar' after 21 s; server
VmRSS 140 MB idle, 219 MB during, VmHWM 230 MB. With --scan-workers 20: first progress
p95 13.3 s, but the case list drops to 0.6 req/s (p95 6.5 s) while 20 scan threads
compete for the GIL, all done after 25 s, VmHWM 273 MB.

Time to the first progress event is seen by the client, which polls each scan's
status_url every --poll seconds (so it is up to that much late); it counts from the
POST that started the scan, so queued scans (more scans than --workers) include their
wait in line, as an officer would see it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "demo-wachtwoord"  # bibobscan.web.demo.DEMO_PASSWORD
OFFICER = "demo-behandelaar"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# uvicorn closes a keep-alive connection idle for 5 s; the clients drop theirs after 2 s,
# so that a reader idle between two phases never reuses one the server is closing
LIMITS = httpx.Limits(keepalive_expiry=2.0)
CLI = [sys.executable, "-c", "from bibobscan.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in kB (empty when it is gone)."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


@dataclass
class Hammer:
    """Threads that GET one URL in a loop until told to stop."""

    ok: int = 0
    failed: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, clients: list[httpx.Client], url: str, seconds: float) -> float:
        """GET ``url`` from each client (one thread each) for ``seconds``; the elapsed time."""
        stop = time.perf_counter() + seconds

        def loop(client: httpx.Client) -> None:
            while time.perf_counter() < stop:
                began = time.perf_counter()
                try:
                    response = client.get(url)
                    good = response.status_code == 200
                    why = f"{url}: HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    good, why = False, f"{url}: {type(exc).__name__}: {exc}"
                took = time.perf_counter() - began
                with self.lock:
                    if good:
                        self.ok += 1
                        self.latencies.append(took)
                    else:
                        self.failed.append(why)

        began = time.perf_counter()
        workers = [threading.Thread(target=loop, args=(c,)) for c in clients]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scans", type=int, default=20, help="scans started at once (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="the server's --scan-workers (default 4, as `bibobscan serve`)")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each case-list phase runs (default 5)")
    parser.add_argument("--threads", type=int, default=6, help="client threads reading the case list (default 6: 4 API, 2 page)")
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls of a scan's status (default 0.1)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up on the scans after this many seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bibobscan-load-") as tmp:
        data = Path(tmp) / "data"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "server.log", "w+b")
        server = subprocess.Popen([*CLI, "serve", "--demo", "--data", str(data), "--port", str(port), "--scan-workers", str(args.workers)],
                                  stdout=log, stderr=subprocess.STDOUT)
        problems: list[str] = []
        try:
            code = run(args, server, base, data, problems)
        finally:
            alive = server.poll() is None
            if alive:
                server.send_signal(signal.SIGINT)  # uvicorn's graceful stop
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.seek(0)
            text = log.read().decode("utf-8", "replace")
            log.close()
        if "Traceback" in text or code:
            print("\n--- server log (last 3000 characters) ---\n" + text[-3000:], file=sys.stderr)
        if "Traceback" in text:
            print("the server log holds a traceback", file=sys.stderr)
            code = 1
        return code


def run(args: argparse.Namespace, server: subprocess.Popen[bytes], base: str, data: Path, problems: list[str]) -> int:
    started = time.perf_counter()
    while True:
        if server.poll() is not None:
            print(f"the server stopped at start with exit code {server.returncode}", file=sys.stderr)
            return 1
        try:
            if httpx.get(base + "/inloggen", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.perf_counter() - started > 60:
            print("the server did not answer within 60 s", file=sys.stderr)
            return 1
        time.sleep(0.2)
    start_s = time.perf_counter() - started
    mem_idle = memory(server.pid)

    made = subprocess.run([*CLI, "users", "token", OFFICER, "--label", "load benchmark", "--demo", "--data", str(data)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        print(f"bibobscan users token failed: {made.stderr.strip()}", file=sys.stderr)
        return 1
    token = made.stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}

    def api_client() -> httpx.Client:
        return httpx.Client(base_url=base, headers=auth, timeout=60, limits=LIMITS)

    def page_client() -> httpx.Client:
        client = httpx.Client(base_url=base, timeout=60, limits=LIMITS)
        form = client.get("/inloggen")
        found = CSRF.search(form.text)
        if not found:
            raise RuntimeError("no CSRF token on /inloggen")
        done = client.post("/inloggen", data={"naam": OFFICER, "wachtwoord": PASSWORD, "csrf": found.group(1), "terug": "/zaken"},
                           follow_redirects=True)
        if done.status_code != 200 or "bbs_session" not in client.cookies:
            raise RuntimeError(f"logging in failed: HTTP {done.status_code}")
        return client

    # the cases: persons and companies of the demo world, alternating
    with api_client() as client:
        for i in range(args.scans):
            person = i % 2 == 0
            subject: dict[str, Any] = (
                {"kind": "person", "name": "Bram Voorbeeld", "born": "1987-03-14", "municipality": "Tilburg"} if person
                else {"kind": "company", "name": "Voorbeeld Shisha Lounge B.V.", "kvk": "99000011", "municipality": "Tilburg"})
            body = {"case_id": f"LOAD-{i + 1:03d}", "purpose": "Beslissing op de aanvraag", "reason": "Aanvraag exploitatievergunning",
                    "reviewer": "demo-reviewer", "subject": subject}
            response = client.post("/api/v1/cases", json=body)
            if response.status_code != 201:
                print(f"creating case {body['case_id']} failed: HTTP {response.status_code} {response.text[:300]}", file=sys.stderr)
                return 1

    page_threads = max(1, args.threads // 3)
    api_threads = max(1, args.threads - page_threads)

    # the readers' clients, logged in before any timing starts
    try:
        api_clients = [api_client() for _ in range(api_threads)]
        page_clients = [page_client() for _ in range(page_threads)]
    except (RuntimeError, httpx.HTTPError) as exc:
        print(f"preparing the readers failed: {exc}", file=sys.stderr)
        return 1

    def hammer_both(label: str) -> dict[str, Any]:
        api, page = Hammer(), Hammer()
        results: dict[str, float] = {}
        t_api = threading.Thread(target=lambda: results.__setitem__("api", api.run(api_clients, "/api/v1/cases", args.seconds)))
        t_page = threading.Thread(target=lambda: results.__setitem__("page", page.run(page_clients, "/zaken", args.seconds)))
        t_api.start()
        t_page.start()
        t_api.join()
        t_page.join()
        problems.extend(f"{label}: {f}" for f in api.failed[:5] + page.failed[:5])
        return {"api": (api.ok / results["api"], percentile(api.latencies, 95)),
                "page": (page.ok / results["page"], percentile(page.latencies, 95))}

    idle = hammer_both("idle")

    # memory while loaded: sampled in the background
    peak_rss = [0]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            peak_rss[0] = max(peak_rss[0], memory(server.pid).get("VmRSS", 0))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()

    # start every scan at once
    case_ids = [f"LOAD-{i + 1:03d}" for i in range(args.scans)]
    began: dict[str, float] = {}
    first: dict[str, float] = {}
    ended: dict[str, float] = {}
    states: dict[str, str] = {}

    def start_scan(case_id: str) -> str:
        with api_client() as client:
            began[case_id] = time.perf_counter()
            response = client.post(f"/api/v1/cases/{case_id}/scans")
            if response.status_code != 202:
                raise SystemExit(f"starting the scan of {case_id} failed: HTTP {response.status_code} {response.text[:300]}")
            return str(response.json()["status_url"])

    with ThreadPoolExecutor(max_workers=args.scans) as pool:
        urls = dict(zip(case_ids, pool.map(start_scan, case_ids), strict=True))

    def follow(case_id: str) -> None:
        with api_client() as client:
            deadline = time.perf_counter() + args.timeout
            while time.perf_counter() < deadline:
                try:
                    snap = client.get(urls[case_id]).json()
                except (httpx.HTTPError, ValueError) as exc:
                    problems.append(f"status of {case_id}: {type(exc).__name__}: {exc}")
                    time.sleep(args.poll)
                    continue
                now = time.perf_counter()
                if case_id not in first and any(s.get("ended") for s in snap.get("sources", [])):
                    first[case_id] = now - began[case_id]
                if snap.get("state") in ("klaar", "mislukt"):
                    ended[case_id] = now - began[case_id]
                    states[case_id] = f"{snap['state']}{': ' + snap['error'] if snap.get('error') else ''}"
                    return
                time.sleep(args.poll)
            states[case_id] = "timeout"

    followers = [threading.Thread(target=follow, args=(c,)) for c in case_ids]
    for f in followers:
        f.start()
    loaded = hammer_both("during the scans")
    mem_during = memory(server.pid)
    for f in followers:
        f.join()
    sampling.set()
    sampler.join()
    all_s = max(ended.values(), default=float("nan"))

    for client in api_clients + page_clients:
        client.close()

    # after: the server still answers and lists every case
    alive = server.poll() is None
    listed = 0
    if alive:
        try:
            with api_client() as client:
                listed = len(client.get("/api/v1/cases").json())
        except (httpx.HTTPError, ValueError) as exc:
            problems.append(f"the case list after the scans: {exc}")
    time.sleep(1)
    mem_after = memory(server.pid)

    firsts = list(first.values())
    ends = list(ended.values())
    mb = 1024.0
    print(f"web workspace load: {args.scans} scans at once, --scan-workers {args.workers}, {api_threads} API + {page_threads} page "
          f"reader threads, {args.seconds:g} s per phase, poll {args.poll:g} s; {os.cpu_count()} CPUs")
    print(f"server ready after                           {start_s:8.2f} s")
    print(f"case list GET /api/v1/cases, idle            {idle['api'][0]:8.1f} req/s   p95 {idle['api'][1] * 1000:6.1f} ms")
    print(f"case list GET /zaken (page), idle            {idle['page'][0]:8.1f} req/s   p95 {idle['page'][1] * 1000:6.1f} ms")
    print(f"case list GET /api/v1/cases, during scans    {loaded['api'][0]:8.1f} req/s   p95 {loaded['api'][1] * 1000:6.1f} ms")
    print(f"case list GET /zaken (page), during scans    {loaded['page'][0]:8.1f} req/s   p95 {loaded['page'][1] * 1000:6.1f} ms")
    print(f"time to first progress event                 median {statistics.median(firsts) if firsts else float('nan'):6.2f} s"
          f"   p95 {percentile(firsts, 95):6.2f} s   ({len(firsts)}/{args.scans} seen)")
    print(f"time to scan done                            median {statistics.median(ends) if ends else float('nan'):6.2f} s"
          f"   p95 {percentile(ends, 95):6.2f} s   all done after {all_s:.2f} s")
    print(f"server memory VmRSS: idle {mem_idle.get('VmRSS', 0) / mb:.0f} MB, during {mem_during.get('VmRSS', 0) / mb:.0f} MB "
          f"(sampled peak {peak_rss[0] / mb:.0f} MB), after {mem_after.get('VmRSS', 0) / mb:.0f} MB; VmHWM {mem_after.get('VmHWM', 0) / mb:.0f} MB")
    done = sum(1 for s in states.values() if s == "klaar")
    print(f"scans 'klaar'                                {done}/{args.scans}; server {'up' if alive else 'DOWN'}; cases listed after: {listed}")

    bad = {c: s for c, s in states.items() if s != "klaar"}
    for case_id, state in sorted(bad.items()):
        print(f"scan of {case_id}: {state}", file=sys.stderr)
    for problem in problems[:20]:
        print(f"problem: {problem}", file=sys.stderr)
    if not alive:
        print(f"the server died (exit code {server.returncode})", file=sys.stderr)
    return 0 if alive and not bad and len(states) == args.scans and not problems and listed >= args.scans else 1


if __name__ == "__main__":
    sys.exit(main())
