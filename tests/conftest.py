from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

from contradict import api
from contradict.pipeline.nli import Backend, Precision
from contradict.types import NLI_LABELS

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE = REPO / "examples" / "russia-syria-airstrikes.txt"
#: headless Chromium on a closed network: no background connections, no GPU, no sandbox (root in CI)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

_NEGATION = re.compile(r"\b(no|not|never|none|n't)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")


class FakeScorer:
    """A rule-based stand-in for the NLI model: a negation present on one side only is a contradiction."""

    model_name = "fake-nli"
    precision = Precision.fp32
    backend = Backend.torch

    def __init__(self, settings: dict | None = None) -> None:
        self.settings = settings or {"threshold": 0.5}
        self.calls: list[list[tuple[str, str]]] = []

    def warm_up(self) -> None:
        pass

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size=None, progress=None) -> np.ndarray:
        self.calls.append(list(pairs))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for i, (p, h) in enumerate(pairs):
            if bool(_NEGATION.search(p)) != bool(_NEGATION.search(h)):
                out[i] = (0.05, 0.05, 0.9)
            elif p == h:
                out[i] = (0.9, 0.05, 0.05)
            else:
                out[i] = (0.2, 0.7, 0.1)
        if progress is not None:
            progress(len(pairs), len(pairs))
        return out


class FakeEmbedder:
    """Hashed bag-of-words vectors: texts sharing words are related."""

    def warm_up(self) -> None:
        pass

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in _WORD.findall(t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


@pytest.fixture
def fake_scorer() -> FakeScorer:
    return FakeScorer()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> FakeScorer:
    """Make detect() (and so the CLI) use the fake scorer and embedder unless given others."""
    scorer = FakeScorer()
    monkeypatch.setattr(api, "get_scorer", lambda model=None, precision=None, threads=None, backend=None: scorer)
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    return scorer


_WORDS = (
    "the a cat dog sat on mat is not no never there were sky blue red it rains today sun "
    "country s first raids they hit nothing at all"
)
#: Quote marks and dashes are tokens of their own, so a model can tell "country's" (tokens country ' s) from
#: "country’s" (country [UNK] s): the test of the scorer's quote normalisation needs that.
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "'", '"', "-", ".", *sorted(set(_WORDS.split()))]

#: What the session's tiny model learns in a few steps: a negation on one side only is a contradiction, a
#: hypothesis that repeats (part of) its premise an entailment, anything else neutral.
TINY_NLI = [
    ("the cat sat on the mat", "the cat sat on the mat", "entailment"),
    ("the sky is blue", "the sky is blue", "entailment"),
    ("it rains today", "it rains", "entailment"),
    ("the dog sat", "the dog sat on the mat", "entailment"),
    ("the cat sat on the mat", "the cat is not on the mat", "contradiction"),
    ("the sky is blue", "the sky is not blue", "contradiction"),
    ("it rains today", "it never rains", "contradiction"),
    ("there were dogs", "there were no dogs", "contradiction"),
    ("the cat sat", "the sun is red", "neutral"),
    ("it rains", "the dog sat on the mat", "neutral"),
    ("the sky is blue", "a cat sat", "neutral"),
    ("the sun is red today", "there were dogs", "neutral"),
]


def _fit(model: Any, tokenizer: Any, steps: int) -> None:
    """A few full-batch AdamW steps on :data:`TINY_NLI`, each label sent to the model's own column."""
    import torch

    from contradict.pipeline.nli import label_order

    columns = label_order(model.config.id2label)
    enc = tokenizer([p for p, _, _ in TINY_NLI], [h for _, h, _ in TINY_NLI], padding=True, return_tensors="pt")
    target = torch.tensor([columns[NLI_LABELS.index(label)] for _, _, label in TINY_NLI])
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tensors this small: 0.3 s on one thread, 10 s on two of a busy machine
    model.train()
    try:
        for _ in range(steps):
            loss = model(**enc, labels=target).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
    model.eval()


def build_tiny_model(
    path: Path,
    id2label: dict[int, str] | None = None,
    weights: str = "safetensors",
    encoder: Literal["bert", "mpnet"] = "bert",
    *,
    train_steps: int = 0,
    seed: int = 0,
) -> Path:
    """A 2-layer classifier with its own tiny tokenizer: ``encoder`` bert (WordPiece, segment ids) or mpnet
    (no segment ids, as all-mpnet-base-v2 and RoBERTa-style encoders).

    Its weights are drawn ten times wider than BERT's (initializer_range 0.2, not 0.02), so that its
    probabilities differ between inputs by about 1e-2 rather than 1e-5; ``train_steps`` > 0 then trains it
    on :data:`TINY_NLI` (the session's ``tiny_model``: 60 steps, about a second), after which it reads a
    one-sided negation as a contradiction."""
    import torch
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        BertTokenizerFast,
        MPNetConfig,
        MPNetForSequenceClassification,
        MPNetTokenizerFast,
    )

    torch.manual_seed(seed)
    path.mkdir(parents=True, exist_ok=True)
    labels = id2label or {0: "CONTRADICTION", 1: "Entailment", 2: "neutral"}
    if encoder == "mpnet":
        vocab = [*VOCAB, "<s>", "<pad>", "</s>", "<mask>"]
        tokenizer = MPNetTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}, model_max_length=64)
        config_class, model_class = MPNetConfig, MPNetForSequenceClassification
    else:
        vocab = VOCAB
        tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}, model_max_length=64)
        config_class, model_class = BertConfig, BertForSequenceClassification
    config = config_class(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=80 if encoder == "mpnet" else 64,  # MPNet offsets positions past its padding id
        num_labels=len(labels),
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
        initializer_range=0.2,
    )
    model = model_class(config).eval()
    if train_steps:
        _fit(model, tokenizer, train_steps)
    if weights == "safetensors":
        model.save_pretrained(path, safe_serialization=True)
    elif weights == "bin":  # a pickle checkpoint, as older transformers wrote them
        config.save_pretrained(path)
        torch.save(model.state_dict(), path / "pytorch_model.bin")
    else:
        config.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model trained for a few steps (see :func:`build_tiny_model`); tests that change it copy it."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", train_steps=60)


def row_gap(probs: np.ndarray) -> float:
    """The smallest largest-difference between two rows of ``probs``: how far apart the fixture model puts
    different inputs, so a test can say its tolerance would notice two rows trading places."""
    return min(float(np.abs(a - b).max()) for i, a in enumerate(probs) for b in probs[i + 1 :])


__all__ = ["NLI_LABELS"]
