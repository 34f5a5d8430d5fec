"""Weight averaging of checkpoints of one architecture ("model soup")."""

from __future__ import annotations

import json
import logging
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

from contradict.errors import DataError

logger = logging.getLogger(__name__)

_MODEL_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def average_checkpoints(models: Sequence[str | Path], out: Path, weights: Sequence[float] | None = None) -> Path:
    """A weighted average of checkpoints of one architecture (a "model soup", Wortsman et al. 2022): for
    fine-tunes that share a starting point it often beats each of them at no training cost. Float tensors
    are averaged in float32 and stored as fp16 like the trained weights; other tensors come from the first
    model, as do config and tokenizer files. ``weights`` default to uniform."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    if len(models) < 2:
        raise DataError("averaging needs at least two checkpoints")
    shares = [1.0 / len(models)] * len(models) if weights is None else [float(w) for w in weights]
    if len(shares) != len(models) or any(w < 0 for w in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
        raise DataError(f"weights must be {len(models)} non-negative numbers summing to 1, got {list(shares)}")
    tensors = []
    for model in models:
        path = Path(model) / "model.safetensors"
        if not path.is_file():
            raise DataError(f"{model} has no model.safetensors")
        tensors.append(load_file(str(path)))
    names = set(tensors[0])
    for model, t in zip(models[1:], tensors[1:], strict=True):
        if set(t) != names or any(t[n].shape != tensors[0][n].shape for n in names):
            raise DataError(f"{model} does not have the architecture of {models[0]}")
    averaged = {}
    for name in sorted(names):
        first = tensors[0][name]
        if np.issubdtype(first.dtype, np.floating):
            mean = sum(w * t[name].astype(np.float32) for w, t in zip(shares, tensors, strict=True))
            averaged[name] = np.asarray(mean, dtype=np.float16)
        else:
            averaged[name] = first
    out.mkdir(parents=True, exist_ok=True)
    save_file(averaged, str(out / "model.safetensors"), metadata={"format": "pt"})
    for file in (*_MODEL_FILES, "model.graph.onnx"):
        if (Path(models[0]) / file).is_file():
            shutil.copy(Path(models[0]) / file, out / file)
    record = {"average_of": [str(m) for m in models], "weights": shares}
    (out / "training_args.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    logger.info("wrote the average of %d checkpoints to %s", len(models), out)
    return out
