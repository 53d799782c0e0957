"""A real ``newsgraph ingest`` killed with SIGKILL mid-way loses nothing it committed; the next run continues."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_helpers import variants, write_records

from newsgraph.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_sigkill_mid_run_then_rerun_completes(tmp_path: Path):
    records = variants(1500, prefix="k")
    path = write_records(tmp_path / "records.jsonl", records)
    db = tmp_path / "corpus.duckdb"
    wal = tmp_path / "corpus.duckdb.wal"
    command = [sys.executable, "-m", "newsgraph.cli", "ingest", "--records", str(path), "--db", str(db)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # wait for a first committed batch
        if wal.exists() and wal.stat().st_size > 100_000:
            time.sleep(0.5)  # a few batches committed, more under way
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    with Store.open(db) as store:  # the WAL is replayed: every committed batch is there, whole
        committed = len(store)
        assert 0 < committed < len(records)
        ids = [row[0] for row in store.con.execute("SELECT id FROM articles").fetchall()]
        for ident in ids[:: max(1, len(ids) // 20)]:
            n = int(ident[1:])
            assert store.record(ident).to_json() == records[n].to_json()
        assert store.con.execute("SELECT count(DISTINCT article_id) FROM entities").fetchone()[0] == committed

    rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = rerun.stderr.strip().splitlines()[-1]
    found = re.search(r"([\d,]+) articles added.* ([\d,]+) already present", summary)
    added, present = (int(n.replace(",", "")) for n in found.groups())
    assert present == committed and added == len(records) - committed
    with Store.open(db) as store:
        assert len(store) == len(records)
        assert store.con.execute("SELECT count(*) FROM mentions").fetchone()[0] == sum(
            len(e.mentions) for r in records for e in r.entities)
        assert store.record("k1499").to_json() == records[1499].to_json()
