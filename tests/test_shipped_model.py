"""Tests that load the real shipped model (marked `model`)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import contradict
from contradict.evaluation.examples import load_expected, rank_of_expected
from contradict.pipeline.nli import NLIScorer, default_model_dirs

from .conftest import EXAMPLE, SHARED_DATA

pytestmark = pytest.mark.model

if not any((d / "config.json").is_file() for d in default_model_dirs()):
    pytest.skip("the shipped model is not in models/", allow_module_level=True)


@pytest.fixture(scope="module")
def report() -> contradict.Report:
    return contradict.detect(contradict.Document(EXAMPLE.name, EXAMPLE.read_text(encoding="utf-8")), threshold=0.0)


def test_shipped_model_maps_its_labels_and_gives_probabilities() -> None:
    probs = NLIScorer().predict(
        [
            ("A man is playing a guitar on stage.", "Nobody is playing an instrument."),
            ("A dog runs.", "An animal runs."),
        ]
    )
    assert probs.shape == (2, 3)
    assert probs[0].argmax() == 2  # contradiction
    assert probs[1].argmax() == 0  # entailment


@pytest.mark.xfail(
    strict=False,
    reason="measured 2026-11-26 (python bench/example_story.py): best 'must' pair ranks 38th of 190 "
    "(auto pairing, 5 neighbours, bf16) with contradict-minilm-l6-nli v11 (v10: 51st, v8: 42nd with typographic "
    "quotes given to the model in ASCII, 75th before; v5: 76th, v4: 60th, v2: 27th); 49th of 816 with all pairs. "
    "The model gives the must pairs P(contradiction) of 0.06-0.3: it reads them as neutral. With --views core 36th "
    "(python bench/claim_views.py --half dev). The all-mpnet-base-v2 model trained here ranks it 2nd of 816 "
    "(2026-11-26, all pairs) but is 4x slower (not shipped). On 2026-11-27, with that day's segmenter: 37th of "
    "190, 48th of 816, P(contradiction) 0.30 / 0.22; 1st (0.82 / 0.90) once the story names the group one way "
    "('Islamic State' written 'ISIL') and the fighters' claim loses its trailing place detail (bench/"
    "example_story.py --replace): the model lacks that ISIL is the Islamic State. Issues 2, 4, 6.",
)
def test_example_story_ranks_a_must_pair_first(report: contradict.Report) -> None:
    expected = load_expected(EXAMPLE.with_name("russia-syria-airstrikes.expected.json"))
    assert rank_of_expected(report, expected["must"]) == 1


# Issue 6's targets for the shipped model: task -> (metric, at least)
NLI_TARGETS = {
    "mnli_dev_matched": ("accuracy", 0.85),
    "snli_dev": ("accuracy", 0.90),
    "anli_r1_dev_NC": ("accuracy", 0.45),
    "sick_test_NC": ("contradiction_f1", 0.85),
}


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="needs ../shared/data (the NLI eval sets)")
@pytest.mark.xfail(
    strict=False,
    raises=AssertionError,  # only a missed target is expected; any other error fails
    reason="measured 2026-11-26 (bash eval/evaluate_model.sh): contradict-minilm-l6-nli v11 reaches "
    "MNLI-m 0.739, SNLI 0.835, ANLI-R1 0.335; SICK contradiction F1 0.633 at the threshold chosen on SICK's dev "
    "split (2026-11-27, contradict eval sick_test_NC; 0.390 at lingnli's threshold: SICK calls neutral the "
    "different-scene pairs SNLI calls contradiction). The mpnet-base teacher trained here: 0.817 / 0.871 / "
    "0.342 / 0.411 (SICK at lingnli's threshold). Issue 6.",
)
def test_shipped_model_meets_the_nli_targets() -> None:
    from contradict.evaluation.runner import Evaluator

    scorer = NLIScorer()
    # accuracy is of the argmax label: the stored threshold (chosen on lingnli_validation) only saves scoring
    # that dev task; SICK's contradiction F1 is at the threshold chosen on SICK's own dev split (its task file)
    fixed = Evaluator(scorer, data_root=SHARED_DATA, threshold=float(scorer.settings["pair_threshold"]))
    own_dev = Evaluator(scorer, data_root=SHARED_DATA)
    measured = {}
    for task, (metric, _) in NLI_TARGETS.items():
        result = (own_dev if metric == "contradiction_f1" else fixed).run(task)
        assert result.skipped is None, result.skipped
        measured[task] = result.metrics[metric]
    assert {t: v >= NLI_TARGETS[t][1] for t, v in measured.items()} == dict.fromkeys(NLI_TARGETS, True), measured


def test_shipped_onnx_graphs_fit_and_match_torch() -> None:
    pytest.importorskip("onnxruntime")
    from contradict.pipeline.nli import Backend
    from contradict.pipeline.relatedness import Embedder

    pairs = [
        ("Russian jets made precise strikes against eight ISIL targets.", "There were no fighters anywhere close."),
        ("The ministry said about 20 sorties were flown.", "About 20 sorties were flown."),
    ]
    ref = NLIScorer(precision="fp32").predict(pairs)
    np.testing.assert_allclose(NLIScorer(backend=Backend.onnx).predict(pairs), ref, atol=1e-4)
    texts = [p for p, _ in pairs]
    np.testing.assert_allclose(
        Embedder(backend=Backend.onnx).embed(texts), Embedder(precision="fp32").embed(texts), atol=1e-4
    )


def test_cold_check_on_a_short_text_runs_without_importing_torch() -> None:
    pytest.importorskip("onnxruntime")
    script = (
        "import json, sys\n"
        "from contradict.cli import app\n"
        "try:\n"
        f"    app(['check', {str(EXAMPLE)!r}, '-f', 'json'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "print(json.dumps({'code': code, 'torch': 'torch' in sys.modules,"
        " 'transformers': 'transformers' in sys.modules}), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    facts = json.loads(proc.stderr.strip().splitlines()[-1])
    report = json.loads(proc.stdout)
    assert facts["code"] in (0, 1), proc.stderr[-2000:]
    assert (facts["torch"], facts["transformers"]) == (False, False)
    assert report["backend"] == "onnx" and report["pairs_scored"] > 0
