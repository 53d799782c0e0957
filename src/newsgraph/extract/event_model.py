"""A small learned sentence-level event-type model: which PLOVER event type (or none) a sentence reports.

The rule-based event coder asks it to score a parsed sentence (``default_model().proba(features(sent))``) to
confirm or choose between its rule candidates, to calibrate a ``confidence`` and to catch events its lexicon
misses.  Nothing here is a pipeline component.

- :func:`features` turns a parsed spaCy ``Span`` into a list of string features (content lemmas, verbs marked
  when negated or under a modal, verb+object and verb+preposition+object pairs, verb+xcomp chains, bigrams of
  content lemmas, entity types).  It reads only the parse already on the Doc: a few microseconds a sentence.
- :class:`EventTypeModel` is a multinomial logistic regression over those features (17 classes: the 16 POLECAT
  PLOVER types and ``NONE``), with a softmax temperature fitted on held-out data so that its probabilities are
  calibrated.  Weights are a compressed ``.npz`` (no pickle).
- :func:`train` fits one in numpy (minibatch Adam with L2).  A label is a type, ``"NONE"``, or a *set* of types
  (a partial label: "one of these"), which is how the coarse CAMEO quad classes are used (:data:`QUAD_TYPES`):
  the loss is then ``-log`` of the probability mass on the set.
- :func:`default_model` loads the shipped weights (``newsgraph/models/event_types.npz``, built by
  ``scripts/train_event_model.py``; provenance in ``newsgraph/models/README.md``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..record import PLOVER_TYPES

NONE = "NONE"
#: The model's classes, in weight-column order.
CLASSES: tuple[str, ...] = PLOVER_TYPES + (NONE,)

#: CAMEO/Phoenix quad classes (0 no event or a plain statement/appeal, 1 verbal cooperation, 2 material
#: cooperation, 3 verbal conflict, 4 material conflict) and the PLOVER types each covers.
QUAD_TYPES: dict[int, tuple[str, ...]] = {
    0: (NONE,),
    1: ("AGREE", "CONSULT", "SUPPORT"),
    2: ("COOPERATE", "AID", "CONCEDE", "RETREAT"),
    3: ("ACCUSE", "REQUEST", "REJECT", "THREATEN", "SANCTION"),
    4: ("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"),
}
_QUAD_OF = {t: q for q, types in QUAD_TYPES.items() for t in types}

MODEL_FILE = "event_types.npz"


def quad_class(event_type: str) -> int:
    """The quad class (0..4) of a PLOVER type; ``NONE`` is 0."""
    return _QUAD_OF[event_type]


# ---------------------------------------------------------------------------------------------------- features

_CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV"}
#: Entity types whose words say who/where/when, not what happened: left out of the lexical features.
_NAME_ENTS = {"GPE", "PERSON", "NORP", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY",
              "PERCENT", "MONEY", "LANGUAGE", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
#: Entity types that are themselves a hint (MONEY for aid, LAW for sanctions ...): one ``ent:`` feature each.
_HINT_ENTS = {"MONEY", "LAW", "ORG", "NORP", "PERCENT", "EVENT"}
_OBJ_DEPS = {"dobj", "nsubjpass", "attr", "oprd", "dative"}
_NEG_WORDS = {"not", "n't", "never", "no"}


def _lemma(token) -> str:
    lemma = token.lemma_.lower() if token.lemma_ else token.lower_
    return lemma if lemma.isalpha() or "-" in lemma else ""


def _content(token) -> bool:
    return token.pos_ in _CONTENT_POS and not token.is_stop and token.ent_type_ not in _NAME_ENTS \
        and len(token.text) > 1


def features(sent) -> list[str]:
    """String features of a parsed spaCy ``Span`` (a sentence; a whole ``Doc`` works too), without repeats, in
    a fixed order.  Used identically in training and at run time; reads only the tagger, parser, lemmatizer
    and NER output already on the Doc."""
    out: dict[str, None] = {}

    def add(feature: str) -> None:
        out[feature] = None

    previous = ""
    for token in sent:
        if token.ent_iob_ == "B" and token.ent_type_ in _HINT_ENTS:
            add("ent:" + token.ent_type_)
        if not _content(token):
            if token.pos_ in {"PUNCT", "CCONJ", "SCONJ"} or token.ent_type_ in _NAME_ENTS:
                previous = ""  # bigrams do not run across clauses or names
            continue
        lemma = _lemma(token)
        if not lemma:
            previous = ""
            continue
        add(lemma)
        if previous:
            add(f"{previous}_{lemma}")
        previous = lemma
        if token.pos_ != "VERB" and token.dep_ != "ROOT":
            continue
        # verbs (and a verbless headline's root): negation, modality, arguments
        if token.dep_ == "ROOT":
            add("root:" + lemma)
        negated = modal = False
        for child in token.children:
            dep = child.dep_
            if dep == "neg" or (dep == "advmod" and child.lower_ in _NEG_WORDS):
                negated = True
            elif dep == "aux" and child.tag_ == "MD":
                modal = True
            elif dep in _OBJ_DEPS:
                obj = _lemma(child)
                if obj and child.pos_ in {"NOUN", "PROPN"} and child.ent_type_ not in _NAME_ENTS:
                    add(f"vo:{lemma}_{obj}")
            elif dep == "prep":
                prep = child.lower_
                add(f"vp:{lemma}_{prep}")
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj" and grandchild.pos_ == "NOUN":
                        obj = _lemma(grandchild)
                        if obj:
                            add(f"vpo:{lemma}_{prep}_{obj}")
            elif dep == "xcomp" and child.pos_ == "VERB":
                other = _lemma(child)
                if other:
                    add(f"xc:{lemma}_{other}")
        if negated:
            add("neg:" + lemma)
        if modal:
            add("md:" + lemma)
    return list(out)


# ----------------------------------------------------------------------------------------------------- the model

def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


class EventTypeModel:
    """Multinomial logistic regression from :func:`features` to :data:`CLASSES`.

    ``proba(feats)`` gives a probability for each class (they sum to 1; calibrated through ``temperature``);
    ``predict`` the most probable class of each text or span; ``save``/``load`` a compressed ``.npz``.
    """

    def __init__(self, vocab: Sequence[str], weights: np.ndarray, bias: np.ndarray,
                 classes: Sequence[str] = CLASSES, temperature: float = 1.0, meta: dict | None = None):
        self.classes: tuple[str, ...] = tuple(classes)
        self.vocab: tuple[str, ...] = tuple(vocab)
        self.index = {f: i for i, f in enumerate(self.vocab)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.temperature = float(temperature)
        self.meta = dict(meta or {})
        if self.weights.shape != (len(self.vocab), len(self.classes)) or self.bias.shape != (len(self.classes),):
            raise ValueError(f"weights {self.weights.shape} / bias {self.bias.shape} do not match "
                             f"{len(self.vocab)} features x {len(self.classes)} classes")

    # -- scoring
    def _indices(self, feats: Iterable[str]) -> list[int]:
        index = self.index
        return [index[f] for f in feats if f in index]

    def logits(self, feats: Iterable[str]) -> np.ndarray:
        """Raw class scores (before the temperature) for one feature list."""
        rows = self._indices(feats)
        z = self.bias.astype(np.float64)
        if rows:
            z = z + self.weights[rows].sum(axis=0, dtype=np.float64) / np.sqrt(len(rows))
        return z

    def proba_array(self, feats: Iterable[str]) -> np.ndarray:
        return _softmax(self.logits(feats) / self.temperature)

    def proba(self, feats: Iterable[str]) -> dict[str, float]:
        """``{class: probability}`` for one feature list (from :func:`features`), in :attr:`classes` order."""
        return dict(zip(self.classes, self.proba_array(feats).tolist()))

    def top(self, feats: Iterable[str], k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most probable classes with their probabilities, best first."""
        p = self.proba_array(feats)
        order = np.argsort(-p, kind="stable")[:k]
        return [(self.classes[i], float(p[i])) for i in order]

    def predict(self, texts_or_spans: Iterable, nlp=None) -> list[str]:
        """The most probable class for each item: a spaCy ``Span``/``Doc`` (used as parsed) or a text
        (parsed with ``nlp``, default: the bare spaCy pipeline newsgraph loads)."""
        return [self.classes[int(np.argmax(self.proba_array(f)))]
                for f in featurize(texts_or_spans, nlp)]

    # -- persistence
    def save(self, path: str | Path) -> None:
        """Write the model as a compressed ``.npz`` (float16 weights; loads without pickle)."""
        np.savez_compressed(
            path, weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
            vocab=np.array(self.vocab, dtype=str), classes=np.array(self.classes, dtype=str),
            temperature=np.array(self.temperature, dtype=np.float64),
            meta=np.array(json.dumps(self.meta, sort_keys=True)))

    @classmethod
    def load(cls, path) -> "EventTypeModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(vocab=data["vocab"].tolist(), weights=data["weights"].astype(np.float32),
                       bias=data["bias"], classes=data["classes"].tolist(),
                       temperature=float(data["temperature"]), meta=json.loads(str(data["meta"])))


@lru_cache(maxsize=1)
def default_model() -> EventTypeModel:
    """The shipped model (``newsgraph/models/event_types.npz``), loaded once."""
    with resources.as_file(resources.files("newsgraph") / "models" / MODEL_FILE) as path:
        return EventTypeModel.load(path)


# -------------------------------------------------------------------------------------------------- training

def _bare_pipeline():
    from ..nlp import load_pipeline

    return load_pipeline(components=False)


def featurize(items: Iterable, nlp=None, batch_size: int = 128) -> list[list[str]]:
    """:func:`features` of each item: spans/docs as they are, texts parsed (in batches) with ``nlp``."""
    items = list(items)
    texts = [(i, x) for i, x in enumerate(items) if isinstance(x, str)]
    out: list[list[str] | None] = [None if isinstance(x, str) else features(x) for x in items]
    if texts:
        nlp = nlp or _bare_pipeline()
        for (i, _), doc in zip(texts, nlp.pipe((t for _, t in texts), batch_size=batch_size)):
            out[i] = features(doc[:])
    return out  # type: ignore[return-value]


def _label_mask(labels: Sequence, classes: Sequence[str]) -> np.ndarray:
    """Boolean matrix (n, C): the classes each label allows (a class name or a collection of them)."""
    position = {c: j for j, c in enumerate(classes)}
    mask = np.zeros((len(labels), len(classes)), dtype=bool)
    for i, label in enumerate(labels):
        names = (label,) if isinstance(label, str) else tuple(label)
        try:
            mask[i, [position[n] for n in names]] = True
        except KeyError as err:
            raise ValueError(f"unknown event type {err.args[0]!r} in label {label!r}") from None
    return mask


def train(sentences: Sequence, labels: Sequence, nlp=None, *, weights: Sequence[float] | None = None,
          min_count: int = 2, l2: float = 2e-5, epochs: int = 30, batch_size: int = 64, lr: float = 0.05,
          temperature: float = 1.0, seed: int = 0, features_given: bool = False) -> EventTypeModel:
    """Fit an :class:`EventTypeModel`.

    ``sentences``: texts (parsed with ``nlp``, default the bare spaCy pipeline), spaCy spans, or, with
    ``features_given=True``, feature lists already made by :func:`features`.  ``labels``: a PLOVER type or
    ``"NONE"`` each, or a collection of types (a partial label, e.g. ``QUAD_TYPES[3]``).  ``weights``: optional
    per-example weights.  Features seen fewer than ``min_count`` times are dropped.  Deterministic for a seed.
    """
    if len(sentences) != len(labels):
        raise ValueError(f"{len(sentences)} sentences but {len(labels)} labels")
    feats = [list(f) for f in sentences] if features_given else featurize(sentences, nlp)
    classes = CLASSES
    mask = _label_mask(labels, classes)
    counts = Counter(f for fs in feats for f in set(fs))
    vocab = sorted(f for f, c in counts.items() if c >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows = [[index[f] for f in fs if f in index] for fs in feats]
    sample_weight = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=np.float64)

    W, b = _fit(rows, mask, sample_weight, len(vocab), len(classes), l2=l2, epochs=epochs,
                batch_size=batch_size, lr=lr, seed=seed)
    meta = {"examples": len(rows), "features": len(vocab), "min_count": min_count, "l2": l2, "epochs": epochs,
            "batch_size": batch_size, "lr": lr, "seed": seed}
    return EventTypeModel(vocab, W, b, classes, temperature=temperature, meta=meta)


def _fit(rows: list[list[int]], mask: np.ndarray, sample_weight: np.ndarray, n_features: int, n_classes: int,
         *, l2: float, epochs: int, batch_size: int, lr: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Minibatch Adam on the (partial-label) softmax cross-entropy with L2; features binary, each row scaled
    by ``1/sqrt(#features)``."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    lengths = np.array([len(r) for r in rows])
    flat = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)))
    scale = 1.0 / np.sqrt(np.maximum(lengths, 1))
    # the prior as the starting bias
    prior = (mask / mask.sum(axis=1, keepdims=True) * sample_weight[:, None]).sum(axis=0) + 1.0
    W = np.zeros((n_features, n_classes))
    b = np.log(prior / prior.sum())
    mW, vW = np.zeros_like(W), np.zeros_like(W)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps, step = 0.9, 0.999, 1e-8, 0
    total_weight = sample_weight.sum()
    for _ in range(epochs):
        order = rng.permutation(n)
        for k in range(0, n, batch_size):
            batch = order[k:k + batch_size]
            idx = np.concatenate([flat[starts[i]:starts[i + 1]] for i in batch])
            owner = np.repeat(np.arange(len(batch)), lengths[batch])
            Z = np.tile(b, (len(batch), 1))
            np.add.at(Z, owner, W[idx] * scale[batch][owner, None])
            P = _softmax(Z)
            Q = P * mask[batch]
            Q /= Q.sum(axis=1, keepdims=True)
            # mean over the data set's weight, so that the L2 strength does not depend on the batch size
            G = (P - Q) * (sample_weight[batch] * n / total_weight / len(batch))[:, None]
            gW = l2 * W
            np.add.at(gW, idx, G[owner] * scale[batch][owner, None])
            gb = G.sum(axis=0)
            step += 1
            mW *= beta1; mW += (1 - beta1) * gW
            vW *= beta2; vW += (1 - beta2) * gW * gW
            mb *= beta1; mb += (1 - beta1) * gb
            vb *= beta2; vb += (1 - beta2) * gb * gb
            correction = np.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
            W -= lr * correction * mW / (np.sqrt(vW) + eps)
            b -= lr * correction * mb / (np.sqrt(vb) + eps)
    return W.astype(np.float32), b.astype(np.float32)


def fit_temperature(model: EventTypeModel, feats: Sequence[Sequence[str]], labels: Sequence) -> float:
    """The softmax temperature that minimizes held-out negative log-likelihood (grid search over 0.25..4;
    partial labels count as the mass on their set)."""
    Z = np.stack([model.logits(f) for f in feats])
    mask = _label_mask(labels, model.classes)
    best, best_t = np.inf, 1.0
    for t in np.exp(np.linspace(np.log(0.25), np.log(4.0), 81)):
        P = _softmax(Z / t)
        nll = -np.log(np.maximum((P * mask).sum(axis=1), 1e-12)).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return best_t
