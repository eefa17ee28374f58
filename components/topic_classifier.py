"""The intent classifier that decides the topic: logistic-regression heads, blended.

Real questions come in many voices: long stories, other professions' words, managers. Heads on
pre-trained and surface features generalise to them better than DIET did on the project's own
phrasings (docs/adr/0007-no-diet.md):
- `embedding`: on the pre-trained sentence embedding (components/sentence_encoder.py), which
  knows that "befriend" and "friend request" mean the same;
- `words`: on TF-IDF word and character n-grams, robust to typos and text-speak;
- `joint`: on both together, so that one model weighs the embedding against the n-grams. Its
  probabilities separate right answers from wrong ones better than the mean of the two heads
  (docs/tuning.md), which is what deciding when to answer needs.
The blend is a weighted mean of the probability rankings (weights in config.yml, chosen on the
tuning split of the real questions, docs/tuning.md). Where a pipeline still has DIET before
this component (`make compare` measures the first design that way), its ranking is a source
too, weighted as `diet`. FallbackClassifier comes after this component and judges the blended
confidence.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_encoder import NORMALISED_TEXT

logger = logging.getLogger(__name__)
INTENT_RANKING = "intent_ranking"
ARRAYS_FILE = "heads.npz"
VOCABULARY_FILE = "vocabulary.json"
HEADS = ("embedding", "words", "joint")


def _text(message: Message) -> str:
    """The text as the sentence-embedding featurizer spelled it out, or as typed."""
    return message.get(NORMALISED_TEXT) or message.get(TEXT)


def diet_ranking(message: Message) -> Dict[str, float]:
    """DIET's {intent: confidence}, as it left them on the message; empty without DIET."""
    return {
        r[INTENT_NAME_KEY]: r[PREDICTED_CONFIDENCE_KEY] for r in message.get(INTENT_RANKING) or []
    }


def _logistic_regression(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=42)


def _vectorizers(vocabularies: Optional[Dict[str, Dict[str, int]]] = None):
    """TF-IDF of word 1-2-grams and of character 2-5-grams within words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vocabularies = vocabularies or {}
    return [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, 2),
                sublinear_tf=True,
                min_df=2,
                vocabulary=vocabularies.get("words"),
            ),
        ),
        (
            "characters",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                sublinear_tf=True,
                min_df=3,
                vocabulary=vocabularies.get("characters"),
            ),
        ),
    ]


def _n_grams(vocabularies: Optional[Dict[str, Dict[str, int]]] = None):
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(_vectorizers(vocabularies))


def _head_inputs(embeddings: np.ndarray, n_grams: Any) -> Dict[str, Any]:
    """What each head reads: the joint head the sentence embedding beside the n-grams."""
    joint = scipy.sparse.hstack([scipy.sparse.csr_matrix(embeddings), n_grams]).tocsr()
    return {"embedding": embeddings, "words": n_grams, "joint": joint}


def _save(n_grams: Any, heads: Dict[str, Any], directory: Path) -> None:
    """The heads as plain arrays and a JSON vocabulary: nothing is unpickled when loading."""
    vectorizers = dict(n_grams.transformer_list)
    np.savez(
        directory / ARRAYS_FILE,
        **{
            f"{head}_{part}": value
            for head, model in heads.items()
            for part, value in (
                ("coef", model.coef_),
                ("intercept", model.intercept_),
                ("classes", model.classes_.astype(str)),
            )
        },
        **{f"idf_{name}": v.idf_ for name, v in vectorizers.items()},
    )
    vocabularies = {
        name: {k: int(i) for k, i in v.vocabulary_.items()} for name, v in vectorizers.items()
    }
    (directory / VOCABULARY_FILE).write_text(json.dumps(vocabularies), encoding="utf-8")


def _restore(directory: Path, config: Dict[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    arrays = np.load(directory / ARRAYS_FILE, allow_pickle=False)
    vocabularies = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
    n_grams = _n_grams(vocabularies)
    for name, vectorizer in n_grams.transformer_list:
        vectorizer.idf_ = arrays[f"idf_{name}"]

    heads = {}
    for head in HEADS:
        model = _logistic_regression(config[f"{head}_c"])
        # Fortran order makes coef_.T contiguous: scoring does not copy the matrix each time.
        model.coef_ = np.asfortranarray(arrays[f"{head}_coef"])
        model.intercept_ = arrays[f"{head}_intercept"]
        model.classes_ = arrays[f"{head}_classes"].astype(object)
        heads[head] = model
    return n_grams, heads


def blend(sources: Dict[str, Dict[str, float]], weights: Dict[str, float]) -> List[Dict[str, Any]]:
    """The weighted mean of the heads' {intent: probability} maps, as a ranking, best first.
    A source with no ranking (DIET, when the pipeline has none) has no share of the weight."""
    sources = {head: ranking for head, ranking in sources.items() if ranking}
    total = sum(weights.get(head, 0.0) for head in sources) or 1.0
    blended: Dict[str, float] = {}
    for head, ranking in sources.items():
        weight = weights.get(head, 0.0) / total
        for intent, confidence in ranking.items():
            blended[intent] = blended.get(intent, 0.0) + weight * float(confidence)
    return [
        {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
        for intent, confidence in sorted(blended.items(), key=lambda kv: -kv[1])
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlendedTopicClassifier(IntentClassifier, GraphComponent):
    """Heads on the sentence embedding and TF-IDF n-grams, blended into one intent ranking."""

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # config.yml names every head here: Rasa's training cache keys a component by its
            # config merged shallowly with these defaults, its run by a deep merge; a head
            # missing from config.yml would make them differ and retrain the heads every time.
            "weights": {"embedding": 1.0, "words": 1.0, "joint": 1.0},
            "embedding_featurizer": "sentence_embedding",  # the featurizer's alias
            "embedding_c": 10.0,
            "words_c": 10.0,
            "joint_c": 10.0,
            # The whole ranking: the guidance action judges the topics' share of it.
            "ranking_length": 0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        n_grams: Any = None,
        heads: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.weights = {k: float(v) for k, v in self.config["weights"].items()}
        self.n_grams = n_grams
        self.heads = heads or {}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "BlendedTopicClassifier":
        return cls(config, model_storage, resource)

    def _embeddings(self, messages: List[Message]) -> np.ndarray:
        rows = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT, [self.config["embedding_featurizer"]])
            if sentence is None:
                raise ValueError(
                    "BlendedTopicClassifier needs the sentence embedding featurizer "
                    f"with alias '{self.config['embedding_featurizer']}' before it"
                )
            rows.append(sentence.features[0])
        return np.vstack(rows)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        self.n_grams = _n_grams()
        inputs = _head_inputs(
            self._embeddings(examples), self.n_grams.fit_transform([_text(e) for e in examples])
        )
        self.heads = {
            head: _logistic_regression(self.config[f"{head}_c"]).fit(inputs[head], labels)
            for head in HEADS
        }
        with self._model_storage.write_to(self._resource) as directory:
            _save(self.n_grams, self.heads, directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "BlendedTopicClassifier":
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                n_grams, heads = _restore(directory, config)
        except ValueError:
            logger.debug(
                "BlendedTopicClassifier has no trained heads; only DIET's ranking, if any, is used"
            )
            n_grams, heads = None, None
        return cls(config, model_storage, resource, n_grams, heads)

    def head_rankings(
        self, messages: List[Message], heads: Optional[List[str]] = None
    ) -> Dict[str, List[Dict[str, float]]]:
        """For each trained head (or each of `heads`), one {intent: probability} per message."""
        models = {h: m for h, m in self.heads.items() if heads is None or h in heads}
        if not models or not messages:
            return {}
        inputs = _head_inputs(
            self._embeddings(messages), self.n_grams.transform([_text(m) for m in messages])
        )
        return {
            head: [
                dict(zip(model.classes_, row, strict=False))
                for row in model.predict_proba(inputs[head])
            ]
            for head, model in models.items()
        }

    def _set_intent(self, message: Message, ranking: List[Dict[str, Any]]) -> None:
        """The top intent and the ranking; with none (an empty message), no intent, in the
        form Rasa's own classifiers use, so that the FallbackClassifier finds the keys it reads."""
        length = self.config["ranking_length"] or len(ranking)
        top = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING, ranking[:length], add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        # Only the heads the blend weighs are scored: this runs for every message.
        heads = self.head_rankings(with_text, [h for h in HEADS if self.weights.get(h)])
        for position, message in enumerate(with_text):
            ranking = blend(
                {
                    "diet": diet_ranking(message),
                    **{head: per_message[position] for head, per_message in heads.items()},
                },
                self.weights,
            )
            self._set_intent(message, ranking)
        for message in messages:
            if not message.get(TEXT):
                self._set_intent(message, [])
        return messages
