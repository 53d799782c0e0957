"""`newsgraph serve` as a user runs it: a real process on a loopback port, its usage errors and exit codes, the
cache it warms at start, and Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited {proc.returncode}: {proc.stderr.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("serve did not answer")


def test_serve_answers_then_stops_on_ctrl_c(corpus):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsgraph", "serve", "--db", str(corpus[0]), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(f"http://127.0.0.1:{port}/api/v1/", proc)
        body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/").read())
        assert body["counts"]["articles"] == len(corpus[1]) and body["read_only"] is True
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
        assert "newsgraph" in page
        deadline = time.monotonic() + 60  # the views warmed at start come from the cache
        while urllib.request.urlopen(f"http://127.0.0.1:{port}/map").headers["x-cache"] != "hit":
            assert time.monotonic() < deadline, "the map page was never warmed"
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_usage_errors_exit_2(tmp_path: Path, corpus, monkeypatch):
    missing = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no store" in missing.output
    monkeypatch.delenv("NEWSGRAPH_TOKEN", raising=False)
    no_token = runner.invoke(app, ["serve", "--db", str(corpus[0]), "--allow-ingest"])
    assert no_token.exit_code == 2 and "NEWSGRAPH_TOKEN" in no_token.output
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("hello")
    bad = runner.invoke(app, ["serve", "--db", str(not_a_store), "--port", str(_free_port())])
    assert bad.exit_code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = runner.invoke(app, ["serve", "--db", str(corpus[0]), "--port", str(taken.getsockname()[1])])
    assert busy.exit_code == 2 and "in use" in busy.output


def test_warm_fills_the_cache(corpus):
    import threading

    import uvicorn

    from newsgraph.api import create_app
    from newsgraph.api.cache import WARM_PATHS, warm

    application = create_app(corpus[0])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert warm(f"http://127.0.0.1:{port}") == len(WARM_PATHS)
        cache = application.state.cache
        assert cache.misses >= len(WARM_PATHS)
        hits = cache.hits
        urllib.request.urlopen(f"http://127.0.0.1:{port}/events").read()
        assert cache.hits == hits + 1
    finally:
        server.should_exit = True
        thread.join(10)


def test_demo_stores_the_samples_and_serves_them(tmp_path: Path):
    port = _free_port()
    db = tmp_path / "demo.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "newsgraph", "demo", "--workers", "1", "--db", str(db),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(f"http://127.0.0.1:{port}/api/v1/", proc, seconds=180)
        body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/").read())
        assert body["counts"]["articles"] == 13 and body["counts"]["quotes"] > 0
        assert "Ndaya" in urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=Ndaya").read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out, out[-2000:]
