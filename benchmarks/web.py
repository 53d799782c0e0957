"""Latency of every API call and page of ``newsgraph serve`` on a large store, measured by a load generator
against loopback.

The server runs as a real ``newsgraph serve`` process (uvicorn, one process) on 127.0.0.1; the parameters come
from the store itself: the most written-about person (the worst case of an entity page), the 100th most
written-about person, the newest article, the most quoted speaker, the commonest event type and the commonest pair of event
countries. Each URL is asked once on a fresh server ("cold": nothing cached, DuckDB's own buffers aside), then
``--requests`` more times from ``--clients`` threads at once; p50/p95/max are over those. The run is made twice:
with the server's response cache (the default) and with ``--no-cache`` (every answer computed).

    python benchmarks/web.py --db STORE.duckdb [--requests 20] [--clients 4] [--write docs/benchmarks.md]

The store is typically the 100,000-article store ``benchmarks/store.py`` builds (its cache folder keeps it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import markdown_table, write_section  # noqa: E402

TARGET_MS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, float, bytes]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    return response.status, (time.perf_counter() - started) * 1000, body


def urls(port: int) -> list[tuple[str, str]]:
    """(label, path) pairs, with parameters read from the served store through its own API."""
    def api(path):
        status, _, body = _get(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:200]!r}")
        import gzip

        try:
            body = gzip.decompress(body)
        except OSError:
            pass
        return json.loads(body)

    people = api("/api/v1/entities?type=PERSON&limit=200")["items"]
    top, median = people[0], people[min(99, len(people) - 1)]
    article = api("/api/v1/articles?limit=1")["items"][0]["id"]
    speaker = next((q["speaker_name"] for q in api("/api/v1/quotes?limit=200")["items"] if q["speaker_name"]),
                   top["name"])
    events = api("/api/v1/events?limit=200")["items"]
    types = [e["type"] for e in events]
    etype = max(set(types), key=types.count) if types else "ASSAULT"
    pairs = [(e["source"]["country"], e["target"]["country"]) for e in events
             if e["source"]["country"] and e["target"]["country"] and e["source"]["country"] != e["target"]["country"]]
    src, tgt = max(set(pairs), key=pairs.count) if pairs else ("USA", "IRN")
    word = "ceasefire"
    q = lambda **kw: urlencode(kw, quote_via=quote)  # noqa: E731
    return [
        ("api index", "/api/v1/"),
        ("articles, page 1", "/api/v1/articles"),
        ("articles, deep page", "/api/v1/articles?" + q(offset=50000, limit=50)),
        ("article record", f"/api/v1/articles/{article}"),
        ("quotes by speaker", "/api/v1/quotes?" + q(speaker=speaker)),
        ("quotes, full text", "/api/v1/quotes?" + q(q=word)),
        ("quotes about + since", "/api/v1/quotes?" + q(about=top["name"], since="2020")),
        ("quotes, kind + dates", "/api/v1/quotes?" + q(kind="direct", since="2018-01", until="2019-12")),
        ("entities, top", "/api/v1/entities"),
        ("entities by name", "/api/v1/entities?" + q(q=median["name"])),
        ("entity profile (top person)", f"/api/v1/entities/{top['id']}"),
        ("entity profile (100th person)", f"/api/v1/entities/{median['id']}"),
        ("entity quotes about (top)", f"/api/v1/entities/{top['id']}/quotes?relation=about"),
        ("entity timeline (top, week)", f"/api/v1/entities/{top['id']}/timeline?interval=week"),
        ("events", "/api/v1/events"),
        ("events between two countries", "/api/v1/events?" + q(source=src, target=tgt)),
        ("event timeline (all, week)", "/api/v1/events/timeline"),
        ("event timeline (pair, month)", "/api/v1/events/timeline?" + q(source=src, target=tgt, interval="month")),
        ("actor network (all)", "/api/v1/events/network"),
        ("actor network (one type)", "/api/v1/events/network?" + q(type=etype)),
        ("places", "/api/v1/places"),
        ("search", "/api/v1/search?" + q(q=word)),
        ("page: home", "/"),
        ("page: search", "/search?" + q(q=word)),
        ("page: articles", "/articles"),
        ("page: article", f"/articles/{article}"),
        ("page: entities", "/entities"),
        ("page: entity (top person)", f"/entities/{top['id']}"),
        ("page: entity (100th person)", f"/entities/{median['id']}"),
        ("page: events", "/events"),
        ("page: events (pair)", "/events?" + q(source=src, target=tgt, interval="month")),
        ("page: map", "/map"),
    ]


def serve(db: Path, port: int, cache: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsgraph", "serve", "--db", str(db), "--port", str(port),
           "--cache" if cache else "--no-cache"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start in 120 s")


def measure(port: int, targets: list[tuple[str, str]], requests: int, clients: int, cold: bool = True) -> list[dict]:
    """Per URL: the cold latency (when ``cold``), then ``requests`` more from ``clients`` threads."""
    out = []
    for label, path in targets:
        status, first, _ = _get(port, path) if cold else (200, float("nan"), b"")
        if status != 200:
            raise SystemExit(f"{label}: {path} answered {status}")
        times: list[float] = []
        lock = threading.Lock()
        todo = list(range(requests))

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while True:
                with lock:
                    if not todo:
                        return
                    todo.pop()
                status, ms, _ = _get(port, path, conn)
                with lock:
                    times.append(ms if status == 200 else float("inf"))

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out.append({"label": label, "path": path, "cold": first, "p50": statistics.median(times), "p95": p95,
                    "max": times[-1]})
        print(f"  {label:34} cold {first:8.1f}  p50 {out[-1]['p50']:8.1f}  p95 {p95:8.1f} ms ({clients} clients)",
              file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the store to serve")
    parser.add_argument("--requests", type=int, default=20, help="requests per URL after the cold one")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"no store at {args.db}")
    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    size = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("quotes", "events", "entities")}
    con.close()
    results = {}
    for cache in (True, False):
        port = _free_port()
        print(f"serving {args.db} ({n_articles:,} articles), cache {'on' if cache else 'off'}", file=sys.stderr)
        proc = serve(args.db, port, cache)
        try:
            targets = urls(port)
            results[cache] = measure(port, targets, args.requests, args.clients)
            if not cache:  # the same computed answers asked by one client at a time: no queueing on the cores
                results["single"] = measure(port, targets, args.requests, 1, cold=False)
        finally:
            proc.terminate()
            proc.wait(30)
    rows = []
    for cached, plain, single in zip(results[True], results[False], results["single"]):
        rows.append([cached["label"], f"{plain['cold']:.0f}", f"{single['p50']:.0f}", f"{single['p95']:.0f}",
                     f"{plain['p50']:.0f}", f"{plain['p95']:.0f}", f"{cached['p50']:.0f}", f"{cached['p95']:.0f}"])
    over_plain = [r for r in results[False] if r["p95"] >= TARGET_MS]
    over_single = [r for r in results["single"] if r["p95"] >= TARGET_MS]
    over_cached = [r for r in results[True] if r["p95"] >= TARGET_MS]
    cpu = os.cpu_count()
    text = "\n".join([
        f"`python benchmarks/web.py --db STORE --requests {args.requests} --clients {args.clients}` on a store of "
        f"{n_articles:,} articles ({size['quotes']:,} quotes, {size['events']:,} events, {size['entities']:,} "
        f"article entities), one `newsgraph serve` process on 127.0.0.1, {cpu} cores shared by server and load "
        "generator. Milliseconds per request, gzip accepted. *cold*: the first request of a fresh server with "
        "`--no-cache`; *computed*: the server with `--no-cache`, every answer computed, asked by one client at a "
        f"time (*1 client*) and by {args.clients} at once; *cached*: the default server, whose response cache "
        "answers repeats. Parameters come from the store: *top person* is the most "
        "written-about person (in most articles of this generated corpus: the worst case), *100th person* the 100th. "
        "`inf`: some requests did not answer 200 (503: stopped by the server's 10 s query limit while four "
        "clients queued on two cores).",
        "",
        markdown_table([["call", "cold", "computed p50, 1 client", "computed p95, 1 client",
                         f"computed p50, {args.clients} clients", f"computed p95, {args.clients} clients",
                         "cached p50", "cached p95"]] + rows),
        "",
        f"Target p95 < {TARGET_MS} ms: computed, one client, {len(results['single']) - len(over_single)} of "
        f"{len(results['single'])} calls meet it"
        + (f" (over: {', '.join(r['label'] for r in over_single)})" if over_single else "") +
        f"; computed, {args.clients} clients, {len(results[False]) - len(over_plain)} of {len(results[False])} "
        f"calls meet it" + (f" (over: {', '.join(r['label'] for r in over_plain)})" if over_plain else "") +
        f"; cached, {len(results[True]) - len(over_cached)} of {len(results[True])}" +
        (f" (over: {', '.join(r['label'] for r in over_cached)})" if over_cached else "") + ".",
    ])
    print(text)
    if args.write:
        write_section(args.write, "Web UI and API latency", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
