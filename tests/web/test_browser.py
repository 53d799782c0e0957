"""The web UI in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium, or $NEWSGRAPH_CHROMIUM)
against `newsgraph serve`'s app on a loopback port, over the sample corpus plus a hostile article.

Each page is opened at 1280x800 and at a phone's 390x844; screenshots go to $NEWSGRAPH_SCREENSHOTS or a temporary
folder, printed at the end of the session. Nothing may be fetched from outside the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from served_corpus import HOSTILE_ID

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("NEWSGRAPH_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus):
    """The app over the sample corpus, served by uvicorn on a loopback port in a thread."""
    uvicorn = pytest.importorskip("uvicorn")
    from newsgraph.api import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(corpus[0]), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSGRAPH_CHROMIUM)"
        if os.environ.get("CI"):  # .ci/run installs it: missing there is a failure, not a skip
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(request, tmp_path_factory):
    folder = Path(os.environ.get("NEWSGRAPH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = f"web UI screenshots: {folder} ({len(list(folder.glob('*.png')))} files)"
    if reporter is not None:
        reporter.write_line(line)
    else:  # pragma: no cover
        print(line)


class Visit:
    """A page with a log of what it asked for, what it printed to the console and the dialogs it opened."""

    def __init__(self, browser, base: str, viewport=DESKTOP):
        self.base = base
        self.page = browser.new_page(viewport=viewport)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()
        self.page.on("dialog", dialog)

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        self.page.wait_for_load_state("load")
        return self.page

    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.base, "data:", "about:"))]

    def close(self):
        self.page.close()


def _ids(corpus):
    from newsgraph.store import Store
    from newsgraph.store import corpus_entities

    _, records = corpus
    named = [q.speaker_name for r in records for q in r.quotes if q.speaker_name]
    speaker = max(set(named), key=named.count)
    with Store.open(corpus[0], read_only=True) as store:
        entity = corpus_entities.find(store, speaker)[0]["id"]
    article = max(records, key=lambda r: len(r.quotes) + len(r.events)).id
    return {"speaker": speaker, "entity": entity, "article": article}


PAGES = {"home": "/", "search": "/search?q=ceasefire", "articles": "/articles", "entities": "/entities",
         "events": "/events?interval=month", "map": "/map"}


@pytest.mark.parametrize("viewport_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_every_page_renders_locally(browser, server, corpus, shots, viewport_name, viewport):
    ids = _ids(corpus)
    pages = dict(PAGES, article=f"/articles/{ids['article']}", entity=f"/entities/{ids['entity']}")
    visit = Visit(browser, server, viewport)
    try:
        for name, path in pages.items():
            page = visit.go(path)
            assert page.locator("h1").first.inner_text().strip()
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {viewport}"
            page.screenshot(path=str(shots / f"{name}-{viewport_name}.png"), full_page=True)
        assert visit.outside() == [], "pages asked for something outside the server"
        assert visit.errors == [] and visit.dialogs == []
    finally:
        visit.close()


def test_search_then_quote_then_article_then_speaker(browser, server, corpus, shots):
    ids = _ids(corpus)
    surname = ids["speaker"].split()[-1]
    visit = Visit(browser, server)
    try:
        page = visit.go("/")
        page.fill("#q", surname)
        page.press("#q", "Enter")
        page.wait_for_url("**/search?q=*")
        assert page.locator("#query").inner_text() == surname
        assert page.locator("#entity-results a", has_text=ids["speaker"]).count() >= 1
        quote_link = page.locator("#quote-results a.quote-link").first
        assert quote_link.count() == 1
        quote_text = quote_link.inner_text().strip()
        quote_link.click()
        page.wait_for_url("**/articles/*#quote-*")
        anchor = page.url.split("#", 1)[1]
        assert page.locator(f"#{anchor}").count() == 1
        highlighted = page.locator(f"#{anchor} + .hl-quote")
        assert highlighted.count() == 1 and highlighted.inner_text().strip() in quote_text
        page.screenshot(path=str(shots / "flow-article.png"))
        page.locator("a.speaker-link", has_text=ids["speaker"]).first.click()
        page.wait_for_url("**/entities/*")
        assert page.locator("#entity-name").inner_text() == ids["speaker"]
        page.screenshot(path=str(shots / "flow-speaker.png"), full_page=True)
    finally:
        visit.close()


def test_highlights_toggle_and_show_their_values(browser, server, corpus):
    ids = _ids(corpus)
    _, records = corpus
    record = next(r for r in records if r.id == ids["article"])
    visit = Visit(browser, server)
    try:
        page = visit.go(f"/articles/{record.id}")
        for kind, items in (("quote", record.quotes), ("event", record.events), ("place", record.places),
                            ("date", record.dates), ("entity", record.entities)):
            if items:
                assert page.locator(f"#article-text .hl-{kind}").count() >= 1, kind
        first_quote = page.locator("#article-text .hl-quote").first
        colour = lambda: first_quote.evaluate("e => getComputedStyle(e).backgroundColor")  # noqa: E731
        shown = colour()
        assert shown not in ("rgba(0, 0, 0, 0)", "transparent")
        page.uncheck("#show-quote")
        assert colour() in ("rgba(0, 0, 0, 0)", "transparent")
        page.check("#show-quote")
        assert colour() == shown
        if any(d.value for d in record.dates):
            target = page.locator("#article-text .hl-date").first
            target.hover()
            tip = page.locator("#hl-tip")
            tip.wait_for(state="visible")
            assert "TIMEX3" in tip.inner_text()
        place = page.locator("#article-text .hl-place").first
        place.focus()  # keyboard users get the same tip
        assert "Place" in page.locator("#hl-tip").inner_text()
        page.keyboard.press("Escape")
        assert page.locator("#hl-tip").is_hidden()
    finally:
        visit.close()


def test_charts_and_map_are_drawn(browser, server, corpus):
    ids = _ids(corpus)
    visit = Visit(browser, server)
    try:
        page = visit.go("/events?interval=month")
        bars = page.locator("#event-timeline rect.bar")
        assert bars.count() > 0
        box = bars.first.bounding_box()
        assert box and box["height"] > 0 and box["width"] > 0
        assert page.locator("#actor-network g.node").count() >= 2
        assert page.locator("#actor-network path.edge").count() >= 1
        page = visit.go("/map")
        assert page.locator("#place-map circle.place").count() > 0
        assert any(u.endswith("/static/world.svg") for u in visit.requests)
        page = visit.go(f"/entities/{ids['entity']}")
        assert page.locator("#entity-timeline rect.bar").count() > 0
        assert visit.errors == []
    finally:
        visit.close()


def test_hostile_article_never_runs_or_renders_markup(browser, server, shots):
    visit = Visit(browser, server)
    try:
        for path in (f"/articles/{HOSTILE_ID}", "/", "/articles", "/search?q=Kaptan",
                     "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
            page = visit.go(path)
            page.wait_for_timeout(200)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            assert page.locator("main script, main img, main iframe, main b").count() == 0, path
        page = visit.go(f"/articles/{HOSTILE_ID}")
        text = page.locator("#article-text").inner_text()
        assert "<script>window.__pwned = 'text';" in text and "<b>people</b>" in text
        assert "<script>" in page.locator("h1").inner_text()
        assert page.locator("a[href^='javascript:']").count() == 0
        page.screenshot(path=str(shots / "hostile-article.png"), full_page=True)
        assert visit.dialogs == []
    finally:
        visit.close()


def test_keyboard_navigation(browser, server):
    visit = Visit(browser, server)
    try:
        page = visit.go("/articles")  # (the home page puts the focus in its search box)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page = visit.go("/articles")
        for _ in range(12):  # the navigation links are reachable by Tab and open with Enter
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Events":
                break
        else:
            pytest.fail("Tab never reached the Events link")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "the focused link shows where the focus is"
        page.keyboard.press("Enter")
        page.wait_for_url("**/events")
    finally:
        visit.close()


CONTRAST = """(selector) => {
  const lum = (rgb) => { const c = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                         return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    let bg = null, node = el;
    while (node && node.nodeType === 1) {
      const b = parse(getComputedStyle(node).backgroundColor);
      if (b.length === 3 || (b.length === 4 && b[3] > 0.5)) { bg = b.slice(0, 3); break; }
      node = node.parentElement;
    }
    bg = bg || [255, 255, 255];
    const fg = parse(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push([selector, el.textContent.trim().slice(0, 30), (a + 0.05) / (b + 0.05)]);
  }
  return out;
}"""


def test_text_contrast_is_readable(browser, server, corpus):
    ids = _ids(corpus)
    visit = Visit(browser, server)
    try:
        low = []
        for path, selectors in (("/", ["h1", ".top a", ".muted", "blockquote a", ".tag", "footer"]),
                                (f"/articles/{ids['article']}", ["#article-text .hl", ".legend .sample", ".meta",
                                                                 ".side a"]),
                                ("/events", ["label", ".legend li", "figcaption"])):
            page = visit.go(path)
            for selector in selectors:
                low += [r for r in page.evaluate(CONTRAST, selector) if r[2] < 4.5]
        assert low == [], f"text below 4.5:1 contrast: {low[:5]}"
    finally:
        visit.close()
