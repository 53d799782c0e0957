"""A response cache for a store that cannot change while it is served.

A read-only server's answers depend only on the request: each successful ``GET`` answer (API or page, not the
static files, which Starlette already serves with validators) is kept, up to ``max_entries`` answers and
``max_bytes`` in all, least recently used first out. A server that ingests (``--allow-ingest``) clears it after
every write. Responses carry ``X-Cache: hit|miss`` so a client (and the benchmark) can tell.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class ResponseCache:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app, *, registry=None, max_entries: int = 2048, max_bytes: int = 256 * 1024 * 1024,
                 max_item: int = 4 * 1024 * 1024, skip: tuple[str, ...] = ("/static/",)):
        self.app = app
        if registry is not None:  # where the app finds it (to clear it after a write)
            registry.cache = self
        self.max_entries, self.max_bytes, self.max_item = max_entries, max_bytes, max_item
        self.skip = skip
        self._items: OrderedDict[str, tuple[int, list, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _key(self, scope) -> str | None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.skip):
            return None
        headers = dict(scope.get("headers") or [])
        if headers.get(b"authorization"):
            return None
        gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        return f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}|{'gz' if gzip else ''}"

    async def __call__(self, scope, receive, send):
        key = self._key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
        if found is not None:
            status, headers, body = found
            await send({"type": "http.response.start", "status": status,
                        "headers": headers + [(b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        start: dict = {}
        chunks: list[bytes] = []
        size = 0

        async def capture(message):
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
                message = dict(message, headers=list(message.get("headers", [])) + [(b"x-cache", b"miss")])
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                size += len(message.get("body", b""))
                if size <= self.max_item:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._keep(key, start, b"".join(chunks) if size <= self.max_item else None)
            await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key: str, start: dict, body: bytes | None) -> None:
        if body is None:
            return
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"x-cache"]
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (start["status"], headers, body)
            self._size += len(body)
            while self._items and (len(self._items) > self.max_entries or self._size > self.max_bytes):
                _, (_, _, old) = self._items.popitem(last=False)
                self._size -= len(old)


#: The corpus-wide views a visitor opens first, computed once at start so that nobody waits for them.
WARM_PATHS = ("/", "/events", "/map", "/entities", "/articles", "/api/v1/", "/api/v1/events/network",
              "/api/v1/events/timeline", "/api/v1/places", "/api/v1/entities", "/api/v1/articles")


def warm(base_url: str, paths: tuple[str, ...] = WARM_PATHS, *, wait: float = 60.0) -> int:
    """Ask the server at ``base_url`` for ``paths`` once it listens (filling its response cache); returns how
    many answered 200. Errors are ignored: warming is a courtesy, not a check."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base_url + "/api/v1/", timeout=5).read()
            break
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    done = 0
    for path in paths:
        try:
            with urllib.request.urlopen(base_url + path, timeout=120) as response:
                response.read()
                done += response.status == 200
        except (OSError, urllib.error.URLError):
            continue
    return done
