"""Training recipe for a 3-way NLI cross-encoder.

One function, :func:`train`, driven by a frozen :class:`TrainConfig`; ``contradict train`` is a thin
wrapper. The recipe is seeded, saves checkpoints every ``checkpoint_every`` steps and resumes from the
newest one, so a long run can be stopped and continued. The result is a Hugging Face sequence-classification
checkpoint (safetensors, fp16 on disk) with ``id2label`` set, loadable by :class:`contradict.pipeline.nli.NLIScorer`.
"""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from contradict.errors import DataError, ModelError
from contradict.pipeline.nli import model_text
from contradict.pipeline.relatedness import minilm_path as base_model_path
from contradict.training.config import LABELS, UNLABELLED, TrainConfig
from contradict.training.data import build_examples
from contradict.training.teacher import distillation_loss, teacher_log_probs

logger = logging.getLogger(__name__)

def _length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort inside mega-batches of 50 batches, so batches hold similar lengths (less padding)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    mega = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), mega):
        chunk = sorted(order[start : start + mega], key=lambda i: lengths[i], reverse=True)
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _epoch_batches(lengths: Sequence[int], config: TrainConfig) -> Iterator[list[int]]:
    epoch = 0
    while True:
        yield from _length_grouped_batches(lengths, config.batch_size, random.Random(config.seed * 1000 + epoch))
        epoch += 1



def train(config: TrainConfig) -> Path:
    """Train, checkpointing as it goes; resume from ``config.checkpoint_dir`` when a checkpoint is there."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    if not 0.0 <= config.distill_alpha <= 1.0 or config.distill_temperature <= 0:
        raise DataError("distillation needs 0 <= alpha <= 1 and a temperature > 0")
    if config.threads:
        torch.set_num_threads(config.threads)
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    base = config.base_model or base_model_path()
    examples = build_examples(config)
    counts = {label: sum(1 for e in examples if e.label == i) for i, label in enumerate(LABELS)}
    unlabelled = [i for i, e in enumerate(examples) if e.label == UNLABELLED]
    if unlabelled:
        if not config.teacher:
            raise DataError(
                "teacher-labelled pairs (--teacher-hypothesis-pairs, --teacher-news-pairs, "
                "--teacher-cross-article-pairs) need --teacher"
            )
        counts["teacher-labelled"] = len(unlabelled)
    logger.info("training examples: %d %s", len(examples), counts)

    tokenizer = AutoTokenizer.from_pretrained(base)
    enc = tokenizer(  # the text as the scorer feeds it to the model (typographic quotes in ASCII)
        [model_text(e.premise) for e in examples],
        [model_text(e.hypothesis) for e in examples],
        truncation=True,
        max_length=config.max_length,
    )
    input_ids: list[list[int]] = enc["input_ids"]
    # encoders such as MPNet or RoBERTa take no segment ids; BERT-style ones (MiniLM) do
    with_type_ids = "token_type_ids" in tokenizer.model_input_names
    type_ids: list[list[int]] = enc.get("token_type_ids") or [[0] * len(x) for x in input_ids]
    labels = [e.label for e in examples]
    lengths = [len(x) for x in input_ids]
    soft = None
    if config.teacher:
        # with alpha 0 the gold labels are the only target of a labelled pair: the teacher scores the rest
        scored = list(range(len(examples))) if config.distill_alpha > 0 else unlabelled
        soft = torch.zeros((len(examples), len(LABELS)), dtype=torch.float32)
        if scored:
            soft[scored] = torch.from_numpy(teacher_log_probs(config, [examples[i] for i in scored]))

    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        dtype=torch.float32,  # a shipped model is fp16 on disk; train in fp32
        use_safetensors=True,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": config.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)

    step = 0
    elapsed_before = 0.0
    ckpt = Path(config.checkpoint_dir) if config.checkpoint_dir else None
    if ckpt is not None and (ckpt / "state.pt").is_file():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = int(state["step"])
        elapsed_before = float(state.get("elapsed", 0.0))
        torch.set_rng_state(state["torch_rng"])
        logger.info("resumed from %s at step %d/%d", ckpt, step, total_steps)

    pad = tokenizer.pad_token_id or 0
    model.train()
    batches = _epoch_batches(lengths, config)
    for _ in range(step):  # skip what the checkpoint already saw; the order is a function of the seed
        next(batches)
    start = time.monotonic()
    running = 0.0
    while step < total_steps:
        idx = next(batches)
        width = max(lengths[i] for i in idx)
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        tt = torch.zeros((len(idx), width), dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for row, i in enumerate(idx):
            n = lengths[i]
            ids[row, :n] = torch.tensor(input_ids[i])
            tt[row, :n] = torch.tensor(type_ids[i])
            mask[row, :n] = 1
        y = torch.tensor([labels[i] for i in idx])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
            extra = {"token_type_ids": tt} if with_type_ids else {}
            logits = model(input_ids=ids, attention_mask=mask, **extra).logits
        loss = distillation_loss(
            logits.float(), y, None if soft is None else soft[idx], config.distill_alpha, config.distill_temperature
        )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0 or step == total_steps:
            spent = time.monotonic() - start
            logger.info(
                "step %d/%d loss %.4f lr %.2e %.1f min",
                step,
                total_steps,
                running,
                scheduler.get_last_lr()[0],
                spent / 60,
            )
        if ckpt is not None and (step % config.checkpoint_every == 0 or step == total_steps):
            _save_checkpoint(ckpt, model, optimizer, scheduler, step, elapsed_before + time.monotonic() - start)

    elapsed = elapsed_before + time.monotonic() - start
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.half().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    for stray in ("pytorch_model.bin", "training_args.bin"):
        (out / stray).unlink(missing_ok=True)
    record = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "base_model": base,
        "examples": len(examples),
        "label_counts": counts,
        "sources": sorted({e.source for e in examples}),
        "steps": total_steps,
        "train_seconds": round(elapsed, 1),
        "torch_threads": torch.get_num_threads(),
    }
    (out / "training_args.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    logger.info("saved %s after %.1f min", out, elapsed / 60)
    _write_graph(out)
    return out


def _write_graph(model_dir: Path) -> None:
    """The ONNX graph for ``--backend onnx`` beside new weights; without it the CLI falls back to torch."""
    from contradict.pipeline.onnx_backend import GraphKind, export_graph

    try:
        export_graph(model_dir, GraphKind.nli)
    except (ImportError, ModelError) as exc:
        logger.warning("no ONNX graph for %s (%s); `contradict export-onnx %s` can add it", model_dir, exc, model_dir)


def _save_checkpoint(ckpt: Path, model, optimizer, scheduler, step: int, elapsed: float) -> None:
    import torch

    ckpt.mkdir(parents=True, exist_ok=True)
    tmp = ckpt / "state.pt.tmp"
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "elapsed": elapsed,
            "torch_rng": torch.get_rng_state(),
        },
        tmp,
    )
    shutil.move(str(tmp), ckpt / "state.pt")
    logger.info("checkpoint at step %d in %s", step, ckpt)


