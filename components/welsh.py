"""Recognises a message written in Welsh, so that it gets the bilingual "answers are in English
for now" reply instead of being read as English (a Welsh question was taken for a greeting).

A word list rather than a statistical language identifier: Welsh has many short function words
that English never uses ("yn", "mae", "eich", "sut") and marks "yn" and "yr" after a vowel as
"'n" and "'r" ("hi'n", "o'r"), which English never does. A message is Welsh when at least
`min_words` of its words are such markers and they are at least `min_share` of its words, so a
Welsh name or place in an English question is not enough. `tests/test_welsh.py` checks it on
real Welsh sentences and on every English question of the evaluation sets.

It is the only judge of the intent `welsh`: the classifiers learn it from a few examples
(data/nlu/welsh.yml), but on a message this component does not find Welsh their guess is dropped
from the ranking. It comes before FallbackClassifier, which then judges what is left.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

WORD_LIST = Path(__file__).with_name("welsh_words.txt")
INTENT_RANKING = "intent_ranking"
WELSH = "welsh"
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
CLITIC = re.compile(r"'(?:n|r|ch|w|u|i)$")  # hi'n, o'r, a'ch, i'w, na'u, na'i
WELSH_LETTERS = re.compile("[ŵŷ]")


@lru_cache(maxsize=1)
def welsh_words() -> FrozenSet[str]:
    lines = WORD_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _is_marker(word: str) -> bool:
    return word in welsh_words() or bool(CLITIC.search(word) or WELSH_LETTERS.search(word))


def is_welsh(text: str, min_words: int = 2, min_share: float = 0.2) -> bool:
    words = WORD.findall(text.lower().replace("’", "'"))
    markers = sum(map(_is_marker, words))
    return markers >= min_words and markers >= min_share * len(words)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class WelshDetector(GraphComponent):
    """Sets the intent `welsh` on a message written in Welsh."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_words": 2, "min_share": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "WelshDetector":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            ranking = message.get(INTENT_RANKING) or []
            others = [r for r in ranking if r[INTENT_NAME_KEY] != WELSH]
            if not text.startswith("/") and is_welsh(
                text, self.config["min_words"], self.config["min_share"]
            ):
                ranking = [{INTENT_NAME_KEY: WELSH, PREDICTED_CONFIDENCE_KEY: 1.0}, *others]
            elif len(others) < len(ranking):
                ranking = others
            else:
                continue
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING, ranking, add_to_output=True)
        return messages
