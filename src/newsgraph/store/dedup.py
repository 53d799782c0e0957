"""Duplicates: one canonical form per URL, and near-duplicate texts (syndicated copies) found by MinHash + LSH.

:func:`canonical_url` maps the many addresses of one page to one string; the store keys articles on it.

:class:`NearDuplicateIndex` finds articles whose texts are nearly the same — a wire story republished with a
new headline, another byline or a publisher's boilerplate line — without comparing every pair:

1. the text is normalized (:func:`normalize_text`: case folded, accents and punctuation removed, words only);
2. its word shingles (:data:`SHINGLE_WORDS` consecutive words) are hashed with a fixed 32-bit hash (BLAKE2b of
   the UTF-8 bytes, so signatures are the same in every process and on every machine — Python's ``hash()`` is
   salted per process and is never used);
3. the MinHash signature keeps, for each of ``num_perm`` universal hash functions ``(a·x + b) mod p`` with
   ``p = 2^32 + 15`` (a prime) and coefficients drawn from a fixed seed, the minimum over the shingles (exact
   integer arithmetic in numpy ``uint64``, which cannot overflow here); the share of equal positions of two
   signatures estimates the Jaccard similarity of their shingle sets (:meth:`NearDuplicateIndex.estimate`);
4. LSH banding: the signature is cut into ``bands`` bands of ``num_perm / bands`` rows; two texts become
   candidates when any band is equal, and a candidate is returned when its estimate reaches the threshold.

With the defaults (128 permutations, 32 bands of 4 rows) a pair at Jaccard 0.8 shares a band with
probability 1 − (1 − 0.8⁴)³² ≈ 1.0, a pair at 0.3 with about 0.23 (and is then dropped by the estimate).
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
import unicodedata

import numpy as np
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# ---- URLs ------------------------------------------------------------------------------------------------------

#: Query parameters that only track a click or a campaign: dropped (compared lowercase; ``utm_*`` by prefix).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "ocid", "cmpid", "cmp_id", "icid", "ncid", "mbid", "smid", "smtyp", "sr_share", "ref", "ref_src",
    "__twitter_impression", "_ga", "_gl", "guccounter", "guce_referrer", "guce_referrer_sig", "at_medium",
    "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "soc_src", "soc_trk", "s_cid",
    "wt.mc_id", "ito", "int_source",
})
#: Prefixes of tracking parameters (Google Analytics' ``utm_*``, Piwik/Matomo ``pk_*``, ``mtm_*``, HubSpot).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "_hs")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Path endings that name the default document of a folder: ``/news/index.html`` is ``/news``.
_INDEX_FILES = ("index.html", "index.htm", "index.php", "default.aspx", "default.asp")


def canonical_url(url: str | None) -> str | None:
    """One string for all the addresses of one page; None for None, an empty string or no host.

    Rules, in order:

    - surrounding spaces are stripped; a URL without a scheme (``example.com/a``, ``//example.com/a``) is
      read as ``https``; the scheme is otherwise kept (``http`` and ``https`` stay different);
    - scheme and host are lowercased; user info is dropped; a trailing dot of the host is dropped;
    - a leading ``www.`` (``www2.``, ``www3.``) and a leading ``amp.`` label are dropped when a registered name
      remains (``amp.example.com`` is the AMP copy of ``example.com``; ``www.com`` stays); mobile hosts
      (``m.``) are left alone: they are often separate sites;
    - the default port (80 for http, 443 for https) is dropped, other ports kept;
    - the fragment (``#...``) is dropped;
    - tracking parameters (:data:`TRACKING_PARAMS`, ``utm_*`` and the other :data:`TRACKING_PREFIXES`,
      compared without case) are dropped, and the AMP markers ``amp``, ``amp=1`` and ``outputType=amp`` as
      well (``outputType=print`` and other values stay); the
      remaining parameters are sorted (by name, then value; repeated names kept) and re-encoded;
    - in the path, percent-escapes are normalized (decoded, then re-encoded the one standard way), empty
      segments (``//``) collapse, an AMP ending (``/amp``, ``/amp.html``) or an ``/amp/`` segment right after
      the host is removed, an ``.amp`` or ``.amp.html`` suffix of the last segment becomes ``.html``/nothing,
      a folder's default document (``index.html``, ``index.php``, ...) is removed, and trailing slashes are
      stripped (the root is the empty path).

    The rules are applied until nothing changes (``amp.www.example.com`` → ``www.example.com`` →
    ``example.com``), so the result is its own canonical form.
    """
    if url is None:
        return None
    current = _canonical_once(url)
    for _ in range(8):
        if current is None:
            return None
        following = _canonical_once(current)
        if following == current:
            break
        current = following
    return current


def _canonical_once(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return None
    for prefix in ("www.", "www2.", "www3.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _canonical_path(parts.path), _canonical_query(parts.query), ""))


def _canonical_path(path: str) -> str:
    segments = [quote(unquote(s), safe="!$&'()*+,;=:@~-._") for s in path.split("/") if s]
    if segments and segments[0].lower() == "amp":
        segments = segments[1:]  # example.com/amp/story → example.com/story
    if segments and segments[-1].lower() in ("amp", "amp.html"):
        segments = segments[:-1]  # example.com/story/amp → example.com/story
    if segments:
        last = segments[-1]
        low = last.lower()
        if low.endswith(".amp.html"):
            segments[-1] = last[:-len(".amp.html")] + ".html"
        elif low.endswith(".amp"):
            segments[-1] = last[:-len(".amp")]
    if segments and segments[-1].lower() in _INDEX_FILES:
        segments = segments[:-1]
    return "/" + "/".join(segments) if segments else ""


def _is_tracking(name: str, value: str) -> bool:
    low = name.lower()
    if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    if low == "amp":
        return value.lower() in ("", "1", "true", "yes")
    return low == "outputtype" and value.lower() == "amp"


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k, v)]
    return urlencode(sorted(pairs))


# ---- near duplicates -------------------------------------------------------------------------------------------

#: Words per shingle.
SHINGLE_WORDS = 5
#: The prime of the universal hashes: the smallest above 2^32, so a·x + b (a, x, b < 2^32) fits in 64 bits.
_PRIME = (1 << 32) + 15
_MAX_HASH = (1 << 32) - 1
_WORD = re.compile(r"\w+", re.UNICODE)
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ](?=\w)")
#: Seed of the permutation coefficients: changing it changes every signature (stored ones become useless).
_SEED = 20250304


def normalize_text(text: str) -> list[str]:
    """The words of a text, case folded and without accents or punctuation (``Café, “Déjà”`` → cafe deja);
    apostrophes inside a word are dropped (``Mayor’s`` → mayors), as sites write them differently."""
    folded = unicodedata.normalize("NFKD", _APOSTROPHE.sub("", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def _shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    words = normalize_text(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    if len(words) < k:
        grams: Iterable[str] = [" ".join(words)]
    else:
        grams = (" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return np.fromiter({int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=4).digest(), "little")
                        for g in grams}, dtype=np.uint64)


class NearDuplicateIndex:
    """MinHash signatures of texts, and an LSH index over them that finds near-duplicates of a signature.

    ``threshold``: the least estimated Jaccard similarity of the shingle sets that counts as a near-duplicate;
    ``num_perm``: signature length; ``bands``: LSH bands (must divide ``num_perm``). More rows per band
    (fewer bands) give fewer candidates and can miss pairs near the threshold.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, bands: int = 32):
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if num_perm <= 0 or bands <= 0 or num_perm % bands:
            raise ValueError(f"bands ({bands}) must divide num_perm ({num_perm})")
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        rng = random.Random(_SEED)  # a fixed seed: the same coefficients in every process
        pairs = [(rng.randrange(1, 1 << 32), rng.randrange(0, 1 << 32)) for _ in range(num_perm)]
        self._a = np.array([a for a, _ in pairs], dtype=np.uint64)[:, None]
        self._b = np.array([b for _, b in pairs], dtype=np.uint64)[:, None]
        self._buckets: list[dict[bytes, list[str]]] = [{} for _ in range(bands)]
        self._signatures: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def signature(self, text: str) -> list[int]:
        """The MinHash signature of a text: ``num_perm`` 32-bit integers, the same in every process. A text
        without words has the all-maximum signature (equal only to other empty texts)."""
        hashes = _shingle_hashes(text)
        if not hashes.size:
            return [_MAX_HASH] * self.num_perm
        out = np.empty(self.num_perm, dtype=np.uint64)
        for start in range(0, hashes.size, 4096):  # bounded memory for very long texts
            chunk = ((self._a * hashes[start:start + 4096] + self._b) % np.uint64(_PRIME)).min(axis=1)
            out = chunk if start == 0 else np.minimum(out, chunk)
        return [int(v) & _MAX_HASH for v in out]

    def _band_keys(self, signature: list[int]) -> list[bytes]:
        if len(signature) != self.num_perm:
            raise ValueError(f"signature of length {len(signature)}, expected {self.num_perm}")
        r = self.rows
        fmt = f"<{r}I"
        return [struct.pack(fmt, *signature[i * r:(i + 1) * r]) for i in range(self.bands)]

    def add(self, key: str, signature: list[int]) -> None:
        """Index a signature under a key (an article id); adding a key again replaces its signature."""
        if key in self._signatures:
            self.remove(key)
        signature = list(signature)
        for bucket, band in zip(self._buckets, self._band_keys(signature)):
            bucket.setdefault(band, []).append(key)
        self._signatures[key] = signature

    def remove(self, key: str) -> None:
        """Forget a key (nothing happens for an unknown one)."""
        signature = self._signatures.pop(key, None)
        if signature is None:
            return
        for bucket, band in zip(self._buckets, self._band_keys(signature)):
            keys = bucket.get(band)
            if keys is not None:
                keys.remove(key)
                if not keys:
                    del bucket[band]

    def query(self, signature: list[int]) -> list[tuple[str, float]]:
        """The indexed keys whose estimated Jaccard similarity with the signature reaches the threshold, as
        ``(key, estimate)``, best first (ties by key)."""
        candidates: set[str] = set()
        for bucket, band in zip(self._buckets, self._band_keys(signature)):
            candidates.update(bucket.get(band, ()))
        found = []
        for key in candidates:
            similarity = self.estimate(signature, self._signatures[key])
            if similarity >= self.threshold:
                found.append((key, similarity))
        found.sort(key=lambda kv: (-kv[1], kv[0]))
        return found

    @staticmethod
    def estimate(sig_a: list[int], sig_b: list[int]) -> float:
        """The estimated Jaccard similarity of two signatures: the share of equal positions."""
        if len(sig_a) != len(sig_b):
            raise ValueError("signatures of different lengths")
        if not sig_a:
            return 0.0
        return sum(a == b for a, b in zip(sig_a, sig_b)) / len(sig_a)
