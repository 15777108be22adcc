"""The spaCy pipeline is built once per process even when several threads ask for it
at once (the web workspace's scan workers do): a subject matcher made on one
pipeline's vocabulary never meets a doc of another (spaCy's KeyError E018). Run in a
fresh interpreter, because this test process has built its pipeline already."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r'''
import threading
from bibobscan.nlp import assess_many, get_nlp

errors, pipelines = [], []
start = threading.Barrier(8)

def work(i):
    start.wait()
    try:
        pipelines.append(id(get_nlp()))
        for k in range(5):
            name = f"Persoon{i}x{k} Achternaam{i}"
            found = assess_many([(f"{name} is aangehouden voor witwassen in Tilburg.", [name], False),
                                 ("Voorbeeld Shisha Lounge B.V. kreeg een boete.", ["Voorbeeld Shisha Lounge B.V."], True)])
            assert found[0].adverse, found[0]
    except Exception as exc:
        errors.append(repr(exc)[:200])

threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(set(pipelines)), len(errors), errors[:2])
'''


def test_threads_that_start_at_once_share_one_pipeline_and_never_fail() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[:2] == ["1", "0"], done.stdout
