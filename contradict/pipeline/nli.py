"""NLI scoring: (premise, hypothesis) pairs → probabilities in canonical label order.

Any Hugging Face sequence-classification NLI checkpoint works, from a local directory or, when online,
a hub id. Label order is read from the model's ``id2label``, never assumed; weights load from
safetensors only and remote code is never trusted.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from contradict.errors import ConfigError, ModelError
from contradict.paths import data_dirs
from contradict.pipeline.onnx_backend import load_session, load_tokenizer, pad_batch
from contradict.types import NLI_LABELS

logger = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "contradict-minilm-l6-nli"
#: the shipped accurate model (the judge of the cascade), when installed
DEFAULT_JUDGE_NAME = "contradict-mpnet-nli"
MODEL_SETTINGS_FILE = "contradict.json"

#: Lower-cased label names (as found in ``id2label``) → canonical label.
LABEL_ALIASES: dict[str, str] = {
    "entailment": "entailment",
    "entailed": "entailment",
    "entails": "entailment",
    "entail": "entailment",
    "supports": "entailment",
    "neutral": "neutral",
    "not_enough_info": "neutral",
    "nei": "neutral",
    "contradiction": "contradiction",
    "contradicts": "contradiction",
    "contradictory": "contradiction",
    "contradict": "contradiction",
    "refutes": "contradiction",
}

ProgressCallback = Callable[[int, int], None]


class Precision(str, Enum):
    """Numeric precision of inference: fp32, bf16 autocast, or dynamic int8 quantisation of Linear layers.

    ``auto`` is bf16 on a CPU with native bf16 instructions (AVX-512 BF16 or AMX) and fp32 elsewhere:
    emulated bf16 is several times slower than fp32, native bf16 about 2.5x faster at the same accuracy.
    """

    auto = "auto"
    fp32 = "fp32"
    bf16 = "bf16"
    int8 = "int8"


_NATIVE_BF16_FLAGS = re.compile(r"\b(avx512_bf16|amx_bf16)\b")


@functools.lru_cache(maxsize=1)
def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """True when the CPU flags (``/proc/cpuinfo`` on Linux) name AVX-512 BF16 or AMX-BF16."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return _NATIVE_BF16_FLAGS.search(cpuinfo) is not None


def resolve_precision(precision: Precision | str) -> Precision:
    """``auto`` → bf16 or fp32 for this CPU; any other precision as given."""
    precision = Precision(precision)
    if precision is Precision.auto:
        return Precision.bf16 if cpu_has_native_bf16() else Precision.fp32
    return precision


def label_order(id2label: dict[Any, str]) -> list[int]:
    """Model output column of each canonical label (entailment, neutral, contradiction).

    Raises :class:`ModelError` naming the labels it found when the three cannot all be mapped.
    """
    found: dict[str, int] = {}
    for raw_id, name in id2label.items():
        canonical = LABEL_ALIASES.get(str(name).strip().lower().replace(" ", "_").replace("-", "_"))
        if canonical is not None:
            if canonical in found:
                raise ModelError(f"model labels {dict(id2label)} map {canonical!r} twice")
            found[canonical] = int(raw_id)
    missing = [label for label in NLI_LABELS if label not in found]
    if missing:
        raise ModelError(
            f"cannot map the model's labels {sorted(map(str, id2label.values()))} to entailment/neutral/contradiction "
            f"(missing: {', '.join(missing)}); set id2label in the model's config.json"
        )
    return [found[label] for label in NLI_LABELS]


def default_model_dirs() -> list[Path]:
    """Where the shipped default model is looked for, in order."""
    return [d / DEFAULT_MODEL_NAME for d in data_dirs("CONTRADICT_MODELS", "models", "models")]


def default_judge_dirs() -> list[Path]:
    """Where the shipped accurate model is looked for, in order."""
    return [d / DEFAULT_JUDGE_NAME for d in data_dirs("CONTRADICT_MODELS", "models", "models")]


def resolve_model(name: str | os.PathLike[str] | None) -> str:
    """A model name as given → a local directory or a hub id. ``None`` means the shipped default."""
    if name is None:
        for place in default_model_dirs():
            if (place / "config.json").is_file():
                return str(place)
        looked = ", ".join(str(p) for p in default_model_dirs())
        raise ModelError(f"default model {DEFAULT_MODEL_NAME!r} not found; looked in: {looked}; pass --model")
    text = str(name)
    path = Path(text).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path {text} is not a directory")
        return str(path)
    looks_like_hub_id = text.count("/") == 1 and not text.startswith((".", "/", "~")) and " " not in text
    if not looks_like_hub_id:
        raise ModelError(f"model directory not found: {text}")
    return text


def check_model_dir(path: Path) -> None:
    """Refuse a local checkpoint that lacks a config or safetensors weights (pickle .bin is never loaded)."""
    if not (path / "config.json").is_file():
        raise ModelError(f"{path} has no config.json: not a Hugging Face model directory")
    has_safetensors = any(path.glob("*.safetensors")) or (path / "model.safetensors.index.json").is_file()
    if not has_safetensors:
        if any(path.glob("*.bin")) or any(path.glob("*.pt")):
            raise ModelError(f"{path} has only pickle weights (.bin/.pt); contradict loads safetensors only")
        raise ModelError(f"{path} has no model weights (model.safetensors)")


def _read_json(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from a model directory; :class:`ModelError` naming ``what`` when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: cannot read {what} ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return data


def model_settings(model: str) -> dict[str, Any]:
    """contradict's own settings stored beside a model (threshold chosen on dev data, …); {} if none."""
    path = Path(model) / MODEL_SETTINGS_FILE
    return _read_json(path, "model settings") if path.is_file() else {}


def save_model_settings(model: str, update: dict[str, Any]) -> Path:
    """Merge ``update`` into the model's contradict.json (a local model directory only)."""
    directory = Path(model)
    if not directory.is_dir():
        raise ModelError(f"can only store settings with a local model directory, not {model}")
    settings = {**model_settings(model), **update}
    path = directory / MODEL_SETTINGS_FILE
    path.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


class Backend(str, Enum):
    """What runs the model: torch (with transformers), or ONNX Runtime (see :mod:`contradict.pipeline.onnx_backend`).

    ``auto`` is resolved by :func:`contradict.api.choose_backend`: ONNX Runtime for a short text in a fresh
    process, where importing torch costs more than the scoring, torch otherwise.
    """

    auto = "auto"
    torch = "torch"
    onnx = "onnx"


def _max_length(config: dict[str, Any], tokenizer_limit: int | None, cap: int | None) -> int:
    """The model's longest input: its position embeddings, the tokenizer's limit, and ``cap``."""
    limit = int(config.get("max_position_embeddings") or 512)
    if tokenizer_limit is not None and tokenizer_limit < 100_000:
        limit = min(limit, int(tokenizer_limit))
    return min(limit, cap) if cap is not None else limit


class _TorchRunner:
    def __init__(self, model: Any, tokenizer: Any, bf16: bool) -> None:
        self.model, self.tokenizer, self.bf16 = model, tokenizer, bf16

    def encode(self, pairs: Sequence[tuple[str, str]], max_length: int) -> tuple[Any, list[int]]:
        enc = self.tokenizer([p for p, _ in pairs], [h for _, h in pairs], truncation=True, max_length=max_length)
        return enc, [len(ids) for ids in enc["input_ids"]]

    def logits(self, enc: Any, idx: list[int]) -> np.ndarray:
        import torch

        batch = self.tokenizer.pad({key: [enc[key][i] for i in idx] for key in enc.keys()}, return_tensors="pt")
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            return self.model(**batch).logits.float().numpy()


class _OnnxRunner:
    def __init__(self, session: Any, tokenizer: Any) -> None:
        self.session, self.tokenizer = session, tokenizer

    def encode(self, pairs: Sequence[tuple[str, str]], max_length: int) -> tuple[Any, list[int]]:
        encodings = self.tokenizer.encode_batch(list(pairs))
        return encodings, [len(e.ids) for e in encodings]

    def logits(self, enc: Any, idx: list[int]) -> np.ndarray:
        return np.asarray(self.session.run(pad_batch([enc[i] for i in idx])), dtype=np.float32)


@dataclass(frozen=True)
class _Loaded:
    runner: _TorchRunner | _OnnxRunner
    columns: list[int]
    max_length: int
    temperature: float = 1.0


#: Typographic punctuation of news text → the ASCII forms NLI training data uses (MNLI writes "--" for a
#: dash). The pools in ../shared/data/nli/train hold under 250 curly quotes in ~150k pairs, FNC-1's news
#: bodies over 4,000; the model reads "country’s" and "country's" differently (see the README).
_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "—": "--",
        "–": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


def model_text(text: str) -> str:
    """The text as the NLI model reads it: typographic quotes, dashes, ellipses and no-break spaces in
    their ASCII forms. Claims keep their own text; only the model input is normalised."""
    return text.translate(_TYPOGRAPHY)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class NLIScorer:
    """Scores (premise, hypothesis) pairs; the model loads on first use.

    ``predict`` returns an ``(n, 3)`` float32 array with columns entailment, neutral, contradiction
    and rows in the caller's order; an empty input gives a ``(0, 3)`` array. ``backend`` torch (default)
    or onnx (a local model directory with an ONNX graph; fp32 only).
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        batch_size: int | None = None,
        max_length: int | None = None,
        precision: Precision = Precision.auto,
        threads: int | None = None,
        temperature: float | None = None,
        backend: Backend = Backend.torch,
    ) -> None:
        if batch_size is not None and batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.model_name = resolve_model(model)
        self.max_length = max_length
        self.backend = Backend(backend)
        if self.backend is Backend.auto:
            raise ConfigError("NLIScorer needs a concrete backend (torch or onnx); resolve auto first")
        if self.backend is Backend.onnx:
            if Precision(precision) not in (Precision.auto, Precision.fp32):
                raise ConfigError(f"the onnx backend runs fp32 only, not {Precision(precision).value}")
            self.precision = Precision.fp32
        else:
            self.precision = resolve_precision(precision)
        # measured on the example story (380 directed pairs): torch bf16 fastest at 16-32, onnxruntime at 8
        self.batch_size = batch_size or (8 if self.backend is Backend.onnx else 32)
        self.threads = threads
        if temperature is not None and temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.temperature = temperature  # None: the model's stored calibration (contradict.json), else 1
        self._loaded: _Loaded | None = None

    @property
    def settings(self) -> dict[str, Any]:
        return model_settings(self.model_name) if Path(self.model_name).is_dir() else {}

    def warm_up(self) -> None:
        if self._loaded is None:
            self._loaded = self._load_onnx() if self.backend is Backend.onnx else self._load()

    def _temperature(self) -> float:
        return self.temperature or float(self.settings.get("temperature", 1.0))

    def _load_onnx(self) -> _Loaded:
        directory = Path(self.model_name)
        if not directory.is_dir():
            raise ModelError(f"the onnx backend needs a local model directory, not {self.model_name}")
        check_model_dir(directory)
        config = _read_json(directory / "config.json", "model config")
        columns = label_order(config.get("id2label") or {})
        tokenizer_file = directory / "tokenizer_config.json"
        tokenizer_config = _read_json(tokenizer_file, "tokenizer config") if tokenizer_file.is_file() else {}
        max_length = _max_length(config, tokenizer_config.get("model_max_length"), self.max_length)
        runner = _OnnxRunner(load_session(directory, threads=self.threads), load_tokenizer(directory, max_length))
        temperature = self._temperature()
        logger.info(
            "loaded NLI model %s with onnxruntime (max_length %d, temperature %.3f)",
            self.model_name,
            max_length,
            temperature,
        )
        return _Loaded(runner, columns, max_length, temperature)

    def _load(self) -> _Loaded:
        import torch
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

        if self.threads:
            torch.set_num_threads(self.threads)
        local = Path(self.model_name).is_dir()
        if local:
            check_model_dir(Path(self.model_name))
        try:
            config = AutoConfig.from_pretrained(self.model_name, trust_remote_code=False)
        except Exception as exc:
            raise ModelError(f"cannot load model config from {self.model_name}: {exc}") from exc
        columns = label_order(config.id2label or {})
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model_name, trust_remote_code=False)
            model = AutoModelForSequenceClassification.from_pretrained(
                self.model_name, use_safetensors=True, trust_remote_code=False, dtype=torch.float32
            )
        except Exception as exc:
            raise ModelError(
                f"cannot load model {self.model_name}: {str(exc).splitlines()[0] if str(exc) else exc!r}"
            ) from exc
        model.eval()
        if self.precision is Precision.int8:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        max_length = _max_length(config.to_dict(), getattr(tokenizer, "model_max_length", None), self.max_length)
        temperature = self._temperature()
        logger.info(
            "loaded NLI model %s (labels %s, max_length %d, temperature %.3f)",
            self.model_name,
            config.id2label,
            max_length,
            temperature,
        )
        runner = _TorchRunner(model, tokenizer, bf16=self.precision is Precision.bf16)
        return _Loaded(runner, columns, max_length, temperature)

    def predict(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        batch_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> np.ndarray:
        if len(pairs) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        self.warm_up()
        assert self._loaded is not None
        loaded = self._loaded
        size = batch_size or self.batch_size
        enc, lengths = loaded.runner.encode([(model_text(p), model_text(h)) for p, h in pairs], loaded.max_length)
        order = sorted(range(len(pairs)), key=lambda i: (-lengths[i], i))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        done = 0
        for start in range(0, len(order), size):
            idx = order[start : start + size]
            logits = loaded.runner.logits(enc, idx)
            out[idx] = softmax(logits / loaded.temperature)[:, loaded.columns]
            done += len(idx)
            if progress is not None:
                progress(done, len(pairs))
        return out
