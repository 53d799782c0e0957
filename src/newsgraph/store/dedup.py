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

import random
import re
import unicodedata

import numpy as np
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
#: Names how signatures are computed (shingle hashing, MinHash family, seed): a store keeps it next to its
#: signatures and recomputes them when it differs. Change it whenever a change changes any signature's value.
SIGNATURE_SCHEME = "minhash-2"
_MAX_HASH = (1 << 32) - 1
_WORD = re.compile(r"\w+", re.UNICODE)
#: An apostrophe between two word characters (the class first, so the search skips ahead to candidates).
_APOSTROPHE = re.compile(r"['’ʼ](?<=\w['’ʼ])(?=\w)")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Seed of the permutation coefficients: changing it changes every signature (stored ones become useless).
_SEED = 20250304
#: Shingles hashed against all permutations at once (bounds the temporary matrix for very long texts).
_CHUNK = 4096
_U64 = np.uint64
# splitmix64's finalizer constants, the odd multiplier of byte strings and the one chaining words into shingles.
_MIX1, _MIX2 = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = _U64(30), _U64(27), _U64(31), _U64(32)
_BYTE_MUL = 0x100000001B3  # FNV-1a's 64-bit prime
_WORD_MUL = _U64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio, odd
_LEN_MUL = _U64(0xC2B2AE3D27D4EB4F)
_powers = np.ones(1, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on a uint64 array (a bijection that spreads every input bit over the output);
    numpy's unsigned array arithmetic wraps modulo 2^64, which is what is wanted here."""
    x = x ^ (x >> _S30)
    x *= _MIX1
    x ^= x >> _S27
    x *= _MIX2
    x ^= x >> _S31
    return x


def normalize_text(text: str) -> list[str]:
    """The words of a text, case folded and without accents or punctuation (``Café, “Déjà”`` → cafe deja);
    apostrophes inside a word are dropped (``Mayor’s`` → mayors), as sites write them differently."""
    folded = _APOSTROPHE.sub("", text).casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        marks = {c for c in set(_NON_ASCII.findall(folded)) if unicodedata.combining(c)}
        if marks:
            folded = folded.translate(dict.fromkeys(map(ord, marks)))
    return _WORD.findall(folded)


def _byte_powers(n: int) -> np.ndarray:
    """``_BYTE_MUL ** i`` modulo 2^64 for ``i < n`` (a table grown on demand)."""
    global _powers
    if _powers.size < n:
        size = max(n, 2 * _powers.size, 64)
        table = np.full(size, _BYTE_MUL, dtype=np.uint64)
        table[0] = 1
        _powers = np.cumprod(table, dtype=np.uint64)
    return _powers


def _word_hashes(words: list[str]) -> np.ndarray:
    """A 64-bit hash of each word, in one numpy pass over the UTF-8 bytes of the text: a polynomial over the
    bytes of each word (modulo 2^64) and its length, through :func:`_mix`. The same in every process."""
    data = np.frombuffer(" ".join(words).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    space = data == 32
    starts = np.concatenate(([0], np.flatnonzero(space) + 1))
    lengths = np.diff(np.concatenate((starts, [data.size + 1]))) - 1
    position = np.arange(data.size) - np.repeat(starts, lengths + 1)[:data.size]
    values = (data.astype(np.uint64) + _U64(1)) * _byte_powers(int(lengths.max()) + 1)[position]
    values[space] = 0
    sums = np.add.reduceat(values, starts)
    return _mix(sums + lengths.astype(np.uint64) * _LEN_MUL)


def _shingle_hashes(text: str, k: int = SHINGLE_WORDS, distinct: bool = True) -> np.ndarray:
    """The 64-bit hashes of the text's shingles (``k`` consecutive words; a text of fewer words is one
    shingle), distinct and sorted unless ``distinct`` is false (MinHash needs no deduplication: a repeated
    value cannot change a minimum). Each shingle chains its word hashes (``h·M + w``, modulo 2^64) and mixes
    the result."""
    words = normalize_text(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    hashes = _word_hashes(words)
    k = min(k, hashes.size)
    n = hashes.size - k + 1
    shingles = hashes[:n].copy()
    for j in range(1, k):
        shingles *= _WORD_MUL
        shingles += hashes[j:j + n]
    shingles = _mix(shingles)
    return np.unique(shingles) if distinct else shingles


class NearDuplicateIndex:
    """MinHash signatures of texts, and an LSH index over them that finds near-duplicates of a signature.

    ``threshold``: the least estimated Jaccard similarity of the shingle sets that counts as a near-duplicate;
    ``num_perm``: signature length; ``bands``: LSH bands (must divide ``num_perm``). More rows per band
    (fewer bands) give fewer candidates and can miss pairs near the threshold.

    Memory: signatures are rows of ``uint32`` blocks (``4 · num_perm`` bytes a text); the LSH buckets are one
    sorted ``uint64`` array of band digests (a 64-bit hash of the band's number and values) with a parallel
    ``int32`` array of row numbers, plus a small dict of the latest additions that is merged into the sorted
    arrays every :attr:`MERGE_EVERY` texts. About 112 MB for 100,000 texts with the defaults. A removed key
    leaves its rows until the index compacts itself (when removed rows outnumber the live ones).
    """

    #: Rows per signature block.
    BLOCK = 4096
    #: Texts added between merges of the recent band digests into the sorted arrays.
    MERGE_EVERY = 1024

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
        self._a = np.array([rng.getrandbits(64) | 1 for _ in range(num_perm)], dtype=np.uint64)[:, None]
        self._b = np.array([rng.getrandbits(64) for _ in range(num_perm)], dtype=np.uint64)[:, None]
        self._band_seed = np.array([rng.getrandbits(64) for _ in range(bands)], dtype=np.uint64)
        self._clear()

    def _clear(self) -> None:
        self._blocks: list[np.ndarray] = []  # uint32 (BLOCK, num_perm): the signature of row i
        self._size = 0  # rows used
        self._keys: list[str | None] = []  # the key of row i; None once removed
        self._rows: dict[str, int] = {}  # key -> its row
        self._sorted_digests = np.empty(0, dtype=np.uint64)
        self._sorted_rows = np.empty(0, dtype=np.int32)
        self._recent: dict[int, int | list[int]] = {}  # band digest -> its row (or rows), not merged yet
        self._recent_rows = 0
        self._removed = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    # --- signatures ----------------------------------------------------------------------------------------------

    def signature_array(self, text: str) -> np.ndarray:
        """The MinHash signature of a text as a ``uint32`` array of ``num_perm`` values (see :meth:`signature`)."""
        hashes = _shingle_hashes(text, distinct=False)
        if not hashes.size:
            return np.full(self.num_perm, _MAX_HASH, dtype=np.uint32)
        out = None
        for start in range(0, hashes.size, _CHUNK):
            # multiply-shift hashing: the high 32 bits of a·x + b (mod 2^64), a odd, x a well-mixed 64-bit hash;
            # the shift is monotone, so it is applied to the minimum only
            values = self._a * hashes[start:start + _CHUNK]
            values += self._b
            chunk = values.min(axis=1)
            out = chunk if out is None else np.minimum(out, chunk)
        return (out >> _S32).astype(np.uint32)

    def signature(self, text: str) -> list[int]:
        """The MinHash signature of a text: ``num_perm`` 32-bit integers, the same in every process (no salted
        ``hash()``: fixed hashes of the words' UTF-8 bytes and fixed coefficients). A text without words has the
        all-maximum signature (equal only to other empty texts)."""
        return self.signature_array(text).tolist()

    def _as_array(self, signature) -> np.ndarray:
        sig = np.asarray(signature)
        if sig.ndim != 1 or sig.size != self.num_perm:
            raise ValueError(f"signature of length {sig.size}, expected {self.num_perm}")
        return sig.astype(np.uint32, copy=False)

    def _digests(self, signatures: np.ndarray) -> np.ndarray:
        """The band digests of signatures (``(n, num_perm)`` → ``(n, bands)`` uint64)."""
        parts = signatures.reshape(signatures.shape[0], self.bands, self.rows).astype(np.uint64)
        digest = np.repeat(self._band_seed[None, :], parts.shape[0], axis=0)
        for r in range(0, self.rows, 2):  # two 32-bit values at a time, as one 64-bit word
            word = parts[:, :, r] << _S32
            if r + 1 < self.rows:
                word |= parts[:, :, r + 1]
            digest = _mix(digest ^ word) if r else digest ^ word
        return _mix(digest)

    # --- the index -----------------------------------------------------------------------------------------------

    def _row(self, row: int) -> np.ndarray:
        return self._blocks[row // self.BLOCK][row % self.BLOCK]

    def _append(self, key: str, sig: np.ndarray) -> int:
        row = self._size
        if row // self.BLOCK == len(self._blocks):
            self._blocks.append(np.empty((self.BLOCK, self.num_perm), dtype=np.uint32))
        self._blocks[row // self.BLOCK][row % self.BLOCK] = sig
        self._size += 1
        self._keys.append(key)
        self._rows[key] = row
        return row

    def add(self, key: str, signature) -> None:
        """Index a signature (a list or array of ``num_perm`` ints) under a key (an article id); adding a key
        again replaces its signature."""
        sig = self._as_array(signature)
        if key in self._rows:
            self.remove(key)
        row = self._append(key, sig)
        recent = self._recent
        for digest in self._digests(sig[None, :])[0].tolist():
            held = recent.get(digest)
            if held is None:
                recent[digest] = row
            elif isinstance(held, int):
                recent[digest] = [held, row]
            else:
                held.append(row)
        self._recent_rows += 1
        if self._recent_rows >= self.MERGE_EVERY:
            self._merge()

    def add_many(self, keys: list[str], signatures) -> None:
        """Index many signatures at once (an ``(n, num_perm)`` array or a list of signatures): the same as
        :meth:`add` for each, in order, and much faster for a whole store."""
        sigs = np.asarray(signatures, dtype=np.uint32).reshape(len(keys), self.num_perm)
        if len(set(keys)) != len(keys) or any(k in self._rows for k in keys):
            for key, sig in zip(keys, sigs):
                self.add(key, sig)
            return
        rows = np.array([self._append(key, sig) for key, sig in zip(keys, sigs)], dtype=np.int32)
        self._insert_sorted(self._digests(sigs).ravel(), np.repeat(rows, self.bands))

    def _insert_sorted(self, digests: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(digests, kind="stable")
        digests, rows = digests[order], rows[order]
        at = np.searchsorted(self._sorted_digests, digests, side="right")
        self._sorted_digests = np.insert(self._sorted_digests, at, digests)
        self._sorted_rows = np.insert(self._sorted_rows, at, rows)

    def _merge(self) -> None:
        if not self._recent:
            return
        digests = np.fromiter(self._recent.keys(), dtype=np.uint64, count=len(self._recent))
        held = [[v] if isinstance(v, int) else v for v in self._recent.values()]
        counts = np.fromiter(map(len, held), dtype=np.int64, count=len(held))
        rows = np.fromiter((r for v in held for r in v), dtype=np.int32, count=int(counts.sum()))
        self._recent = {}
        self._recent_rows = 0
        self._insert_sorted(np.repeat(digests, counts), rows)

    def remove(self, key: str) -> None:
        """Forget a key (nothing happens for an unknown one)."""
        row = self._rows.pop(key, None)
        if row is None:
            return
        self._keys[row] = None
        self._removed += 1
        if self._removed > max(1024, len(self._rows)):
            self._compact()

    def _compact(self) -> None:
        live = [(key, self._row(row).copy()) for key, row in self._rows.items()]
        self._clear()
        if live:
            self.add_many([k for k, _ in live], np.stack([s for _, s in live]))

    def query(self, signature) -> list[tuple[str, float]]:
        """The indexed keys whose estimated Jaccard similarity with the signature reaches the threshold, as
        ``(key, estimate)``, best first (ties by key)."""
        sig = self._as_array(signature)
        digests = self._digests(sig[None, :])[0]
        candidates: set[int] = set()
        held = self._sorted_digests
        if held.size:
            keys = np.sort(digests)  # sorted keys: each search starts where the last ended
            at = np.searchsorted(held, keys)
            hit = at < held.size
            hit[hit] = held[at[hit]] == keys[hit]
            for start in at[hit].tolist():
                end = start + 1
                while end < held.size and held[end] == held[start]:
                    end += 1
                candidates.update(self._sorted_rows[start:end].tolist())
        if self._recent:
            for digest in digests.tolist():
                held = self._recent.get(digest)
                if held is not None:
                    candidates.update((held,) if isinstance(held, int) else held)
        found = []
        for row in candidates:
            key = self._keys[row]
            if key is None:
                continue
            similarity = float(np.count_nonzero(self._row(row) == sig)) / self.num_perm
            if similarity >= self.threshold:
                found.append((key, similarity))
        found.sort(key=lambda kv: (-kv[1], kv[0]))
        return found

    @staticmethod
    def estimate(sig_a, sig_b) -> float:
        """The estimated Jaccard similarity of two signatures (lists or arrays): the share of equal positions."""
        a, b = np.asarray(sig_a), np.asarray(sig_b)
        if a.shape != b.shape:
            raise ValueError("signatures of different lengths")
        if not a.size:
            return 0.0
        return float(np.count_nonzero(a == b)) / a.size
