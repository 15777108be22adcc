"""Start-up and demo wall time of the command line (issue 12).

    python benchmarks/startup.py [--runs 5]

Not a test. Runs ``bibobscan --help`` and ``bibobscan demo`` (offline, into a temporary
folder and a temporary case store) as new processes and prints the median and worst
wall time of each against the targets: --help <= 0.3 s, demo <= 2.5 s. The first demo
run of a machine also writes the UN list's index into the cache
(bibobscan/collectors/_un_index.py); it is run once before timing, and timed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [sys.executable, "-c", "from bibobscan.cli import main; main()"]
TARGETS = {"--help": 0.3, "demo": 2.5}


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([*COMMAND, *args], env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BIBOBSCAN_DATA=str(Path(tmp) / "data"), BIBOBSCAN_CACHE=str(Path(tmp) / "cache"))
        cold = timed(["demo", "--out", str(Path(tmp) / "out-cold")], env)
        print(f"demo, first run with an empty cache (writes the UN index): {cold:.2f} s")
        results = {"--help": [timed(["--help"], env) for _ in range(args.runs)],
                   "demo": [timed(["demo", "--out", str(Path(tmp) / f"out-{i}")], env) for i in range(args.runs)]}
    for name, times in results.items():
        median, worst = statistics.median(times), max(times)
        verdict = "met" if median <= TARGETS[name] else "NOT met"
        print(f"bibobscan {name:7} median {median:.2f} s, worst {worst:.2f} s over {len(times)} runs; "
              f"target <= {TARGETS[name]} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
