"""HTML pages: main text and metadata through trafilatura, image captions from the page's figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .article import Article, Limits, ReadError, as_str_list, check_text, normalize_published, read_file_bytes

_SPACE = re.compile(r"\s+")


def _captions(tree) -> list[str]:
    """Figure captions with their credit lines, in page order, each once."""
    out: list[str] = []
    for node in tree.iter("figcaption"):
        text = _SPACE.sub(" ", node.text_content()).strip()
        if text and text not in out:
            out.append(text)
    return out


def _parse_tree(data: bytes):
    import lxml.html

    try:
        return lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return None


def article_from_html(data: bytes | str, item: str, limits: Limits, url: str | None = None) -> Article:
    """One article from an HTML page (bytes in any declared encoding, or str)."""
    import trafilatura

    if isinstance(data, str):
        data = data.encode("utf-8")
    if b"\x00" in data[:8192]:
        raise ReadError("binary file (NUL bytes), not HTML")
    try:
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, favor_precision=False)
    except RecursionError:
        raise ReadError("HTML too deeply nested to parse") from None
    except Exception as err:  # trafilatura and lxml raise many kinds on broken markup
        raise ReadError(f"cannot parse HTML: {type(err).__name__}: {err}") from err
    if doc is None or len("".join((doc.text or "").split())) < limits.min_html_chars:
        raise ReadError("no article text found in the HTML page")
    text = check_text(doc.text, limits)
    tree = _parse_tree(data)
    tags = as_str_list(getattr(doc, "tags", None)) + [
        c for c in as_str_list(getattr(doc, "categories", None)) if c not in as_str_list(getattr(doc, "tags", None))]
    return Article(
        text=text,
        title=(doc.title or None),
        url=(getattr(doc, "url", None) or url),
        published=normalize_published(doc.date),
        source=(getattr(doc, "sitename", None) or None),
        authors=as_str_list(doc.author),
        tags=tags,
        captions=_captions(tree) if tree is not None else [],
        item=item,
    )


def read_html_file(path: Path, limits: Limits) -> Iterator[Article]:
    yield article_from_html(read_file_bytes(path, limits.max_bytes), str(path), limits)
