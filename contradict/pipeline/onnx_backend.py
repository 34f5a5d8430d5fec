"""ONNX Runtime backend: the model's graph from a small ONNX file, its weights from model.safetensors.

A command-line check of a short text spends most of its time importing torch and transformers (about
3 s of a 5.5 s cold run on the example story), not computing. This backend runs the same model with
onnxruntime, tokenizers and numpy only. The ONNX file holds the graph without its weights (about
130 KB; the initializers are declared as external data and supplied at load time from the model's own
safetensors file, cast to float32), so the repository does not carry the weights twice and the graph
fits any checkpoint of the same architecture. Results equal torch fp32 to about 1e-5.

``export_graph`` (needs torch, transformers and onnx) writes the graph and, beside it, its index
(``model.graph.json``: the initializers' names and shapes and the graph's SHA-256), so that loading needs
onnxruntime only, not the onnx package (the ``train`` extra); ``contradict export-onnx`` calls it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from contradict.errors import ModelError

logger = logging.getLogger(__name__)

GRAPH_FILE = "model.graph.onnx"
#: The graph's index beside it: initializer names and shapes, and the SHA-256 of the graph it describes.
INDEX_SUFFIX = ".json"
WEIGHTS_FILE = "model.safetensors"
#: Where the graph claims its weights live; never written or read: the weights come from WEIGHTS_FILE.
_ABSENT_WEIGHTS = "weights-from-model.safetensors"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class GraphKind(str, Enum):
    """What the exported graph outputs: NLI logits, or the encoder's last hidden state (embeddings)."""

    nli = "nli"
    encoder = "encoder"


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def graph_path(model_dir: str | os.PathLike[str]) -> Path:
    return Path(model_dir) / GRAPH_FILE


def index_path(graph: Path) -> Path:
    """The index of ``graph`` (model.graph.onnx → model.graph.json)."""
    return graph.with_suffix(INDEX_SUFFIX)


def _onnx() -> Any:
    """The onnx package (the ``train`` extra), needed to export a graph or to read one that has no index."""
    from contradict.extras import require

    return require("onnx", "exporting or inspecting an ONNX graph", "train")


def export_graph(model_dir: str | os.PathLike[str], kind: GraphKind, out: Path | None = None) -> Path:
    """Export the model in ``model_dir`` to ONNX and keep only its graph (weights as absent external data).

    Written to ``out`` (default: ``model_dir/model.graph.onnx``) with its index (:func:`write_index`).
    Needs torch, transformers and onnx.
    """
    onnx = _onnx()
    import torch
    from onnx import external_data_helper
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    model_dir = Path(model_dir)
    out = out or graph_path(model_dir)
    loader = AutoModelForSequenceClassification if kind is GraphKind.nli else AutoModel
    try:
        model = loader.from_pretrained(
            model_dir, dtype=torch.float32, use_safetensors=True, attn_implementation="eager"
        ).eval()
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    except Exception as exc:
        raise ModelError(f"cannot load {model_dir} for export: {exc}") from exc
    sample = tokenizer(["a short premise", "one"], ["a hypothesis", "two words"], padding=True, return_tensors="pt")
    inputs = [name for name in _INPUTS if name in sample]  # MPNet/RoBERTa-style encoders take no token_type_ids
    args = tuple(sample[name] for name in inputs)
    output = "logits" if kind is GraphKind.nli else "last_hidden_state"
    axes: dict[str, dict[int, str]] = {name: {0: "batch", 1: "sequence"} for name in inputs}
    axes[output] = {0: "batch"} if kind is GraphKind.nli else {0: "batch", 1: "sequence"}

    class _Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *tensors: Any) -> Any:
            result = self.inner(**dict(zip(inputs, tensors, strict=True)))
            return result.logits if kind is GraphKind.nli else result.last_hidden_state

    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.onnx"
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shapes fixed by the masking code; checked by tests
            torch.onnx.export(
                _Wrapped(),
                args,
                str(full),
                input_names=inputs,
                output_names=[output],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
                do_constant_folding=False,  # keeps initializer names equal to the checkpoint's tensor names
            )
        graph = onnx.load(str(full))
        names = {init.name.removeprefix("inner.") for init in graph.graph.initializer}
        for init in graph.graph.initializer:
            init.name = init.name.removeprefix("inner.")
        for node in graph.graph.node:
            node.input[:] = [
                name.removeprefix("inner.") if name.removeprefix("inner.") in names else name for name in node.input
            ]
        external_data_helper.convert_model_to_external_data(
            graph, all_tensors_to_one_file=True, location=_ABSENT_WEIGHTS, size_threshold=0
        )
        onnx.save_model(graph, str(Path(tmp) / "graph.onnx"))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes((Path(tmp) / "graph.onnx").read_bytes())
    write_index(out)
    logger.info("wrote the %s graph of %s to %s (%d bytes)", kind.value, model_dir, out, out.stat().st_size)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_initializers(graph: Path) -> dict[str, tuple[int, ...]]:
    """Names and shapes of the graph's initializers, read with the onnx package."""
    onnx = _onnx()
    try:
        model = onnx.load(str(graph), load_external_data=False)
    except Exception as exc:
        raise ModelError(f"cannot read ONNX graph {graph}: {exc}") from exc
    return {init.name: tuple(init.dims) for init in model.graph.initializer}


def write_index(graph: Path) -> Path:
    """Write the index of ``graph`` beside it (needs onnx): what :func:`load_session` reads instead of
    parsing the graph, so that running it needs no onnx package."""
    index = {
        "graph": graph.name,
        "sha256": _sha256(graph),
        "initializers": {name: list(dims) for name, dims in _read_initializers(graph).items()},
    }
    path = index_path(graph)
    path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return path


def _graph_initializers(graph: Path) -> dict[str, tuple[int, ...]]:
    """Names and shapes of the graph's initializers: from its index when that describes this graph (same
    SHA-256), else from the graph itself (needs onnx)."""
    index = index_path(graph)
    if index.is_file():
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            if data["sha256"] == _sha256(graph):
                return {str(name): tuple(int(d) for d in dims) for name, dims in data["initializers"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"cannot read the ONNX graph index {index}: {exc}; re-export the graph") from exc
        logger.warning("%s was written for another graph than %s; reading the graph itself", index, graph)
    if importlib.util.find_spec("onnx") is None:
        raise ModelError(
            f"{graph} has no index ({index.name}) that fits it, and reading the graph itself needs the onnx "
            "package: re-export it with `contradict export-onnx` (pip install 'contradict[train]'), "
            "or use --backend torch"
        )
    return _read_initializers(graph)


def load_session(model_dir: str | os.PathLike[str], *, threads: int | None = None, graph: Path | None = None) -> Any:
    """An onnxruntime session of ``graph`` (default ``model_dir/model.graph.onnx``) with the weights of
    ``model_dir/model.safetensors`` as float32. Raises :class:`ModelError` when either is missing or they
    do not fit each other."""
    model_dir = Path(model_dir)
    graph = graph or graph_path(model_dir)
    if not graph.is_file():
        raise ModelError(
            f"{model_dir} has no ONNX graph ({GRAPH_FILE}); write one with `contradict export-onnx {model_dir}` "
            "or use --backend torch"
        )
    weights_file = model_dir / WEIGHTS_FILE
    if not weights_file.is_file():
        raise ModelError(f"{model_dir} has no {WEIGHTS_FILE}; the ONNX backend reads single-file safetensors weights")
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ModelError("--backend onnx needs onnxruntime: pip install onnxruntime") from exc
    from safetensors.numpy import load_file

    wanted = _graph_initializers(graph)
    weights = load_file(str(weights_file))
    missing = sorted(set(wanted) - set(weights))
    if missing:
        raise ModelError(
            f"the ONNX graph {graph} does not fit {weights_file}: {len(missing)} tensors missing "
            f"(first: {missing[0]}); re-export it with `contradict export-onnx`"
        )
    wrong = [name for name, dims in wanted.items() if tuple(weights[name].shape) != dims]
    if wrong:
        raise ModelError(
            f"the ONNX graph {graph} does not fit {weights_file}: shape of {wrong[0]} is "
            f"{tuple(weights[wrong[0]].shape)}, the graph wants {wanted[wrong[0]]}; re-export it"
        )
    names = list(wanted)
    arrays = [np.ascontiguousarray(weights[name], dtype=np.float32) for name in names]
    values = [ort.OrtValue.ortvalue_from_numpy(array) for array in arrays]
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.add_external_initializers(names, values)
    try:
        session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise ModelError(f"onnxruntime cannot load {graph} with the weights of {model_dir}: {exc}") from exc
    return _Session(session, arrays, frozenset(i.name for i in session.get_inputs()))


@dataclass(frozen=True)
class _Session:
    """An onnxruntime session and the arrays behind its weights (which must outlive it)."""

    session: Any
    arrays: list[np.ndarray]
    inputs: frozenset[str]  # the graph's input names (an encoder may take no token_type_ids)

    def run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(None, {k: v for k, v in batch.items() if k in self.inputs})[0]


def load_tokenizer(model_dir: str | os.PathLike[str], max_length: int) -> Any:
    """The fast tokenizer of ``model_dir`` (tokenizer.json) without transformers: truncation at
    ``max_length`` (longest first, as transformers does for pairs), no padding."""
    from tokenizers import Tokenizer

    path = Path(model_dir) / "tokenizer.json"
    if not path.is_file():
        raise ModelError(f"{model_dir} has no tokenizer.json; the ONNX backend needs a fast tokenizer")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


def pad_batch(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    """Right-pad tokenizers encodings into int64 arrays (pad id 0, as BERT's [PAD])."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, enc in enumerate(encodings):
        n = len(enc.ids)
        ids[row, :n] = enc.ids
        mask[row, :n] = 1
        types[row, :n] = enc.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
