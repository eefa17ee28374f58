"""Ranks the guidance passages by how well each answers the message.

Every passage in data/guidance/ lists the questions it answers. This component embeds those
questions once, when the server loads the model, and for each message adds `passage_ranking`
to the parse data: the passages whose questions come closest to the message, by cosine
similarity of the sentence embedding (the featurizer's vector, so nothing is embedded twice).
The guidance action then picks the answer within the chosen topic from this ranking.

Passage edits need no retraining, only a restart, as for the action server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from actions import knowledge_base
from components.sentence_encoder import encoder

PASSAGE_RANKING = "passage_ranking"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PassageRanker(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "knowledge_base": "data/guidance",  # relative to the server's working directory
            "embedding_featurizer": "sentence_embedding",
            "ranking_length": 12,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}
        kb = knowledge_base.load(Path(self.config["knowledge_base"]))
        self.passages = [p.id for p in kb.passages.values()]
        # One row per question, grouped by passage: `starts` marks where each passage's begin.
        counts = [len(p.questions) for p in kb.passages.values()]
        self.starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
        questions = [q for p in kb.passages.values() for q in p.questions]
        self.questions = encoder().embed(questions) if questions else np.zeros((0, 384))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PassageRanker":
        return cls(config)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PassageRanker":
        return cls(config)

    def rank(self, vector: np.ndarray) -> List[Dict[str, Any]]:
        """Passages by their closest question, best first, with that question's index."""
        similarities = self.questions @ vector.astype(self.questions.dtype)
        best = np.maximum.reduceat(similarities, self.starts)
        ranked = np.argsort(-best)[: self.config["ranking_length"]]
        ends = np.append(self.starts[1:], len(similarities))
        return [
            {
                "name": self.passages[i],
                "similarity": round(float(best[i]), 4),
                "question": int(np.argmax(similarities[self.starts[i] : ends[i]])),
            }
            for i in ranked
        ]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not message.get(TEXT) or not len(self.passages):
                continue
            _, sentence = message.get_dense_features(TEXT, [self.config["embedding_featurizer"]])
            if sentence is not None:
                message.set(PASSAGE_RANKING, self.rank(sentence.features[0]), add_to_output=True)
        return messages
