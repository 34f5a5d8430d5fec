from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from contradict.cli import app
from contradict.errors import DataError
from contradict.evaluation import runner as runner_module
from contradict.evaluation.metrics import (
    bootstrap_interval,
    choose_threshold,
    document_intervals,
    document_metrics,
    pair_intervals,
    pair_metrics,
    weighted_roc_auc,
)
from contradict.evaluation.runner import Evaluator, evidence_rank
from contradict.evaluation.tasks import (
    Task,
    available_tasks,
    is_dev_row,
    load_rows,
    load_task_file,
    resolve_task,
    task_from_data_file,
)

from .conftest import REPO, FakeEmbedder, FakeScorer

FIXTURES = Path(__file__).parent / "fixtures"
PAIRS = FIXTURES / "snli_dev_sample.jsonl"
DOCS = FIXTURES / "contradoc_sample.jsonl"
cli = CliRunner()


def test_every_shipped_task_file_loads() -> None:
    tasks = available_tasks()
    assert {"mnli_dev_matched", "snli_dev", "anli_r1_dev_NC", "sick_test_NC", "contradoc_dev"} <= tasks.keys()
    assert len(list((REPO / "eval" / "tasks").glob("*.yaml"))) == len(tasks)
    for name, path in tasks.items():
        task = load_task_file(path)
        assert task.name == name
        assert task.dev


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("unknown_metric.yaml", "unknown metric.*Available: accuracy"),
        ("unknown_key.yaml", "unknown key.*data_file"),
    ],
)
def test_bad_task_files_name_the_problem(path: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        resolve_task(str(FIXTURES / "bad" / path))


def test_unknown_task_lists_what_exists() -> None:
    with pytest.raises(DataError, match=r"Available: .*snli_dev"):
        resolve_task("no_such_task")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("missing_column.jsonl", "needs columns premise, hypothesis, label"),
        ("empty.jsonl", "no rows"),
    ],
)
def test_malformed_plain_files_are_refused(path: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        task_from_data_file(FIXTURES / "bad" / path)


def test_unknown_label_is_named() -> None:
    task = task_from_data_file(FIXTURES / "bad" / "unknown_label.jsonl")
    with pytest.raises(DataError, match="unknown label 'maybe'"):
        load_rows(task, None)


def test_missing_column_in_a_task_is_named(tmp_path: Path) -> None:
    task = Task(
        "t", "pair", data_files=(str(PAIRS),), columns={"premise": "sentence1"}, label_map={"neutral": "neutral"}
    )
    with pytest.raises(DataError, match="column 'sentence1' \\(for premise\\)"):
        load_rows(task, None)


def test_plain_files_become_tasks_named_by_stem() -> None:
    assert task_from_data_file(PAIRS).level == "pair"
    doc_task = task_from_data_file(DOCS)
    assert (doc_task.name, doc_task.level) == ("contradoc_sample", "document")


def test_limit_takes_the_first_rows() -> None:
    rows = load_rows(task_from_data_file(PAIRS), None, limit=5)
    first = [json.loads(line) for line in PAIRS.read_text().splitlines()[:5]]
    assert [r["premise"] for r in rows] == [r["premise"] for r in first]


def test_pair_metrics_on_hand_built_arrays() -> None:
    labels = ["entailment", "neutral", "contradiction", "contradiction"]
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]], dtype=np.float32)
    m = pair_metrics(labels, probs, threshold=0.5)
    assert m["accuracy"] == pytest.approx(0.75)
    assert m["contradiction_precision"] == pytest.approx(1.0)
    assert m["contradiction_recall"] == pytest.approx(0.5)
    assert m["roc_auc"] == pytest.approx(1.0)
    two_way = pair_metrics(["entailment", "not_entailment"], probs[:2], threshold=0.5)
    assert two_way == {"n": 2.0, "threshold": 0.5, "accuracy_2way": 1.0}


def test_document_metrics_and_evidence_rank() -> None:
    m = document_metrics(
        ["contradictory", "contradictory", "non_contradictory"], np.array([0.9, 0.4, 0.2]), 0.5, [1, 3, None]
    )
    assert m["roc_auc"] == pytest.approx(1.0)
    assert m["balanced_accuracy"] == pytest.approx(0.75)
    assert (m["evidence_hit@1"], m["evidence_hit@3"]) == (0.5, 1.0)
    pairs = [("a b", "c d"), ("The  evidence\nsentence here.", "x")]
    assert evidence_rank("the evidence sentence here.", pairs) == 2
    assert evidence_rank("not there", pairs) is None


def test_weighted_roc_auc_is_the_auc_of_the_resampled_rows() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.random(500) < 0.3
    s = np.round(rng.random(500) + 0.3 * y, 1)  # rounded: many ties
    auc = weighted_roc_auc(y, s)
    assert auc(np.ones(500)) == pytest.approx(roc_auc_score(y, s))
    rows = rng.integers(0, 500, 500)
    assert auc(np.bincount(rows, minlength=500)) == pytest.approx(roc_auc_score(y[rows], s[rows]))
    assert np.isnan(auc(np.where(y, 1.0, 0.0)))  # positives only: undefined


def test_bootstrap_intervals_hold_the_estimate_and_narrow_with_more_rows() -> None:
    rng = np.random.default_rng(4)
    probs = rng.dirichlet([1, 1, 1], 2000)
    labels = [("entailment", "neutral", "contradiction")[k] for k in probs.argmax(axis=1)]
    labels[::4] = ["neutral"] * len(labels[::4])  # 3/4 right, at most
    small, large = pair_intervals(labels[:200], probs[:200]), pair_intervals(labels, probs)
    for name in ("accuracy", "roc_auc"):
        estimate = pair_metrics(labels, probs, 0.5)[name]
        lo, hi = large[name]
        assert lo < estimate < hi
        assert hi - lo < small[name][1] - small[name][0]
    assert pair_intervals(labels, probs) == large  # seeded
    assert pair_intervals(["entailment", "not_entailment"], probs[:2]) == {}
    assert bootstrap_interval(lambda w: 0.0, 1) is None
    docs = document_intervals(
        ["contradictory"] * 3 + ["non_contradictory"] * 3,
        np.array([0.9, 0.8, 0.3, 0.4, 0.2, 0.1]),
        [1, 2, None, None, None, None],
    )
    assert set(docs) == {"roc_auc", "evidence_hit@1", "evidence_hit@3"}
    assert all(0.0 <= lo <= hi <= 1.0 for lo, hi in docs.values())


def _pair_result(task: str, labels: list[str], probs: np.ndarray) -> runner_module.TaskResult:
    return runner_module.TaskResult(task, "pair", {}, labels=tuple(labels), scores=probs[:, 2], probs=probs)


def test_paired_comparison_counts_wins_and_tests_them() -> None:
    from contradict.evaluation.compare import compare_results

    labels = ["contradiction", "neutral"] * 50
    right = {"contradiction": [0.1, 0.1, 0.8], "neutral": [0.1, 0.8, 0.1]}
    wrong = {"contradiction": [0.8, 0.1, 0.1], "neutral": [0.1, 0.1, 0.8]}
    model = np.array([right[y] for y in labels])  # right on all 100
    baseline = np.array([right[y] if i % 5 else wrong[y] for i, y in enumerate(labels)])  # wrong on 20
    acc, auc = compare_results(_pair_result("t", labels, model), _pair_result("t", labels, baseline))
    assert (acc.metric, acc.model, acc.baseline, acc.wins, acc.losses) == ("accuracy", 1.0, 0.8, 20, 0)
    assert acc.mcnemar_p == pytest.approx(2 * 0.5**20)
    assert acc.interval is not None and 0.0 < acc.interval[0] <= acc.difference <= acc.interval[1]
    assert auc.metric == "roc_auc" and auc.difference > 0
    same = compare_results(_pair_result("t", labels, model), _pair_result("t", labels, model))
    assert same[0].interval == (0.0, 0.0) and same[0].mcnemar_p == 1.0
    with pytest.raises(DataError, match="same rows"):
        compare_results(_pair_result("t", labels, model), _pair_result("t", labels[::-1], model))


def test_eval_baseline_compares_on_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contradict import api

    class Undecided(FakeScorer):
        model_name = "other/model"

        def predict(self, pairs, *, batch_size=None, progress=None):
            return np.full((len(pairs), 3), 1 / 3, dtype=np.float32) + np.array([0.01, 0, 0], dtype=np.float32)

    scorers = {None: FakeScorer(), "other/model": Undecided()}
    monkeypatch.setattr(api, "get_scorer", lambda model=None, *_: scorers[model])
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    out = tmp_path / "out"
    args = ["eval", str(PAIRS), str(DOCS), "--baseline", "other/model", "-f", "json", "--out-dir", str(out)]
    result = cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    vs = data["snli_dev_sample"]["vs_baseline"]
    assert vs["baseline"] == "other/model"
    assert vs["accuracy"]["model"] == data["snli_dev_sample"]["accuracy"]
    assert vs["accuracy"]["wins"] + vs["accuracy"]["losses"] > 0
    assert vs["accuracy"]["baseline"] == pytest.approx(
        np.mean([json.loads(r)["label"] == "entailment" for r in PAIRS.open()]), abs=1e-4
    )
    assert set(data["contradoc_sample"]["vs_baseline"]) == {"baseline", "roc_auc"}
    assert "## Against the baseline `other/model`" in (out / "results.md").read_text()
    assert json.loads((out / "run.json").read_text())["baseline"] == "other/model"
    missing = cli.invoke(app, ["eval", str(PAIRS), "--baseline", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "model directory not found" in missing.output


def test_choose_threshold_maximises_the_objective() -> None:
    y = np.array([0, 0, 1, 1, 1], dtype=bool)
    s = np.array([0.1, 0.3, 0.35, 0.8, 0.9])
    assert choose_threshold(y, s, "f1") == pytest.approx(0.35)
    assert choose_threshold(np.zeros(3, dtype=bool), s[:3]) == 0.5


class HashScorer(FakeScorer):
    """Distinct, reproducible P(contradiction) per pair, to trace which rows reach threshold selection."""

    def predict(self, pairs, *, batch_size=None, progress=None):
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for i, (p, h) in enumerate(pairs):
            # sha256, not hash(): str hashes change per process, and 997 buckets let two rows collide
            c = int(hashlib.sha256(f"{p}\x00{h}".encode()).hexdigest(), 16) % 999_983 / 1_000_000
            out[i] = ((1 - c) / 2, (1 - c) / 2, c)
        return out


def test_threshold_selection_never_sees_the_reported_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[np.ndarray] = []
    real = runner_module.choose_threshold

    def spy(positive, scores, objective="f1"):
        seen.append(np.asarray(scores).copy())
        return real(positive, scores, objective)

    monkeypatch.setattr(runner_module, "choose_threshold", spy)
    scorer = HashScorer()
    task = Task(
        "half",
        "pair",
        data_files=(str(PAIRS),),
        label_map={x: x for x in ("entailment", "neutral", "contradiction")},
        dev="half",
    )
    result = Evaluator(scorer, data_root=None).run(task)
    rows = load_rows(task, None)
    dev_ids = {r["id"] for r in rows if is_dev_row(r["id"])}
    assert 0 < len(dev_ids) < len(rows)
    assert result.metrics["n"] == len(rows) - len(dev_ids)
    (chosen_on,) = seen
    assert len(chosen_on) == len(dev_ids)
    assert set(np.round(chosen_on, 6)).isdisjoint(set(np.round(result.scores, 6)))


def test_document_task_chooses_on_one_half_and_reports_the_other(fake_pipeline) -> None:
    task = Task(
        "docs",
        "document",
        data_files=(str(DOCS),),
        columns={"id": "id"},
        label_map={"contradictory": "contradictory", "non_contradictory": "non_contradictory"},
        dev="half",
    )
    result = Evaluator(fake_pipeline, data_root=None).run(task)
    rows = load_rows(task, None)
    assert result.metrics["n"] == sum(not is_dev_row(r["id"]) for r in rows)
    assert result.threshold_from == "dev half"
    assert {"roc_auc", "evidence_hit@3"} & result.metrics.keys()
    dev_rows = [r for r in rows if is_dev_row(r["id"])]
    assert result.dev_labels == tuple(r["label"] for r in dev_rows)
    assert result.dev_scores is not None and len(result.dev_scores) == len(dev_rows)


def _document_result(labels: list[str], scores: list[float], dev_labels: list[str], dev_scores: list[float]):
    return runner_module.TaskResult(
        "docs",
        "document",
        labels=tuple(labels),
        scores=np.array(scores),
        dev_labels=tuple(dev_labels),
        dev_scores=np.array(dev_scores),
    )


def test_paired_comparison_of_document_tasks_covers_the_dev_half() -> None:
    from contradict.evaluation.compare import compare_results

    c, n = "contradictory", "non_contradictory"
    reported = [c, n, c, n]
    dev = [c, c, n, n]
    model = _document_result(reported, [0.9, 0.1, 0.8, 0.2], dev, [0.9, 0.8, 0.1, 0.2])  # perfect on both
    baseline = _document_result(reported, [0.9, 0.1, 0.8, 0.2], dev, [0.9, 0.1, 0.8, 0.2])  # dev AUC 0.5
    auc, dev_auc = compare_results(model, baseline)
    assert (auc.metric, auc.difference) == ("roc_auc", 0.0)
    assert (dev_auc.metric, dev_auc.model, dev_auc.baseline) == ("roc_auc_dev_half", 1.0, 0.5)
    assert dev_auc.interval is not None and dev_auc.interval[1] > 0
    shuffled = _document_result(reported, [0.9, 0.1, 0.8, 0.2], dev[::-1], [0.9, 0.1, 0.8, 0.2])
    with pytest.raises(DataError, match="same dev rows"):
        compare_results(model, shuffled)


def test_missing_data_is_skipped_not_a_crash(tmp_path: Path, fake_pipeline) -> None:
    result = Evaluator(fake_pipeline, data_root=tmp_path).run("snli_dev")
    assert result.skipped is not None and "data not found" in result.skipped


def test_cli_eval_json_and_out_dir(tmp_path: Path, fake_pipeline) -> None:
    out = tmp_path / "out"
    result = cli.invoke(
        app,
        [
            "eval",
            str(PAIRS),
            str(DOCS),
            "snli_dev",
            "--format",
            "json",
            "--out-dir",
            str(out),
            "--data-root",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["snli_dev"] == {"skipped": data["snli_dev"]["skipped"]}
    pair = data["snli_dev_sample"]
    assert {"n", "accuracy", "macro_f1", "contradiction_f1", "roc_auc", "threshold"} <= pair.keys()
    lo, hi = pair["ci95"]["accuracy"]
    assert lo <= pair["accuracy"] <= hi
    assert {"n", "roc_auc", "balanced_accuracy", "evidence_hit@1", "evidence_hit@3", "threshold"} <= data[
        "contradoc_sample"
    ].keys()
    assert (out / "results.json").is_file() and (out / "results.md").is_file()
    run = json.loads((out / "run.json").read_text())
    assert run["views"] == "full" and run["backend"] == "torch" and run["limit"] is None
    assert "Run: model `" in (out / "results.md").read_text() and "views `full`" in (out / "results.md").read_text()
    assert (out / "snli_dev_sample_pr.png").stat().st_size > 1000
    assert (out / "contradoc_sample_confusion.png").is_file()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_column.jsonl", "needs columns"),
        ("unknown_label.jsonl", "unknown label 'maybe'"),
        ("empty.jsonl", "no rows"),
    ],
)
def test_cli_eval_malformed_data_exits_2(fake_pipeline, name: str, message: str) -> None:
    result = cli.invoke(app, ["eval", str(FIXTURES / "bad" / name)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_save_thresholds_stores_them_with_the_model(tmp_path: Path, tiny_model: Path, monkeypatch) -> None:
    from contradict import api

    from .conftest import FakeEmbedder

    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    model = tmp_path / "m"
    shutil.copytree(tiny_model, model)
    task = tmp_path / "docs.yaml"
    task.write_text(
        f"name: docs\nlevel: document\ndata_files: {DOCS}\ncolumns: {{id: id}}\n"
        "label_map: {contradictory: contradictory, non_contradictory: non_contradictory}\ndev: half\n"
    )
    result = cli.invoke(app, ["eval", str(task), "--model", str(model), "--save-thresholds"])
    assert result.exit_code == 0, result.output
    stored = json.loads((model / "contradict.json").read_text())
    assert 0.0 <= stored["threshold"] <= 1.0


def test_save_thresholds_takes_the_pair_threshold_from_the_default_dev_task(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contradict import api
    from contradict.evaluation.tasks import DEFAULT_PAIR_DEV

    model = tmp_path / "m"
    shutil.copytree(tiny_model, model)
    scorer = HashScorer()
    scorer.model_name = str(model)  # distinct scores per pair, so the two tasks' thresholds differ
    monkeypatch.setattr(api, "get_scorer", lambda *_: scorer)
    lines = PAIRS.read_text(encoding="utf-8").splitlines(keepends=True)
    tasks = []
    for name, part in ((DEFAULT_PAIR_DEV, lines[::2]), ("own_dev", lines[1::2])):
        (tmp_path / f"{name}.jsonl").write_text("".join(part), encoding="utf-8")
        task = tmp_path / f"{name}.yaml"
        task.write_text(
            f"name: {name}\nlevel: pair\ndata_files: {tmp_path / f'{name}.jsonl'}\n"
            "label_map: {entailment: entailment, neutral: neutral, contradiction: contradiction}\n"
            f"dev: {name}\n"
        )
        tasks.append(str(task))
    result = cli.invoke(app, ["eval", *tasks, "--model", str(model), "--save-thresholds", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[DEFAULT_PAIR_DEV]["threshold"] != data["own_dev"]["threshold"]  # the test can tell them apart
    stored = json.loads((model / "contradict.json").read_text())
    assert stored["pair_threshold"] == pytest.approx(data[DEFAULT_PAIR_DEV]["threshold"], abs=1e-4)


AGAINST = FIXTURES / "against"


def against_task(**changes: object) -> Task:
    base = {
        "name": "against",
        "level": "document",
        "data_files": (str(AGAINST / "stances.jsonl"),),
        "join": {"data_files": str(AGAINST / "bodies.jsonl"), "key": "body_id"},
        "columns": {"claim": "headline", "text": "text", "label": "stance", "id": "body_id"},
        "label_map": {
            "disagree": "contradictory",
            "agree": "non_contradictory",
            "discuss": "non_contradictory",
            "unrelated": "drop",
        },
        "dev": "",
    }
    return Task(**{**base, **changes})  # type: ignore[arg-type]


def test_join_brings_the_source_text_and_drop_leaves_rows_out() -> None:
    rows = load_rows(against_task(), None)
    assert [r["claim"] for r in rows][:2] == ["The cat sat on the mat", "The dog sat on the mat"]
    assert rows[1]["text"].startswith("The dog is not on the mat")
    assert "Stocks fell sharply" not in {r["claim"] for r in rows}
    assert [r["label"] for r in rows].count("contradictory") == 2


def test_sample_per_label_is_seeded_and_per_label() -> None:
    first = load_rows(against_task(sample_per_label=1), None)
    again = load_rows(against_task(sample_per_label=1), None)
    assert sorted(r["label"] for r in first) == ["contradictory", "non_contradictory"]
    assert [r["row"] for r in first] == [r["row"] for r in again]


def test_join_key_missing_from_the_joined_file_is_named(tmp_path: Path) -> None:
    stances = tmp_path / "s.jsonl"
    stances.write_text('{"headline": "x is y.", "body_id": "99", "stance": "agree"}\n', encoding="utf-8")
    with pytest.raises(DataError, match="no body_id '99'"):
        load_rows(against_task(data_files=(str(stances),)), None)


def test_join_needs_its_two_keys() -> None:
    with pytest.raises(DataError, match="join needs exactly the keys data_files, key"):
        against_task(join={"data_files": "x.jsonl", "on": "body_id"})


def test_a_claim_row_is_checked_against_its_source_only(fake_pipeline) -> None:
    task = against_task(dev="", metrics=("roc_auc", "balanced_accuracy"))
    result = Evaluator(fake_pipeline, data_root=None).run(task)
    assert result.metrics["n"] == 5
    scores = dict(zip([r["claim"] for r in load_rows(task, None)], result.scores, strict=True))
    # the fake model calls a negation on one side only a contradiction
    assert scores["The dog sat on the mat"] >= 0.5 and scores["The cat sat on the mat"] < 0.5
    assert result.metrics["roc_auc"] == 1.0
    premises = {p for call in fake_pipeline.calls for pair in call for p in pair}
    assert "The dog sat on the mat." in premises  # the headline read as a sentence
    # only claim-source pairs: the two sentences of one body are never paired with each other
    assert not any(
        {"The dog is not on the mat.", "It sat in the garden."} == set(pair) for c in fake_pipeline.calls for pair in c
    )


def test_a_claim_against_source_task_does_not_set_the_check_threshold(
    tmp_path: Path, tiny_model: Path, monkeypatch
) -> None:
    from contradict import api

    from .conftest import FakeEmbedder

    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    model = tmp_path / "m"
    shutil.copytree(tiny_model, model)
    (model / "contradict.json").write_text('{"threshold": 0.9}', encoding="utf-8")
    task = tmp_path / "against.yaml"
    task.write_text(
        f"name: against\nlevel: document\ndata_files: {AGAINST / 'stances.jsonl'}\n"
        f"join: {{data_files: {AGAINST / 'bodies.jsonl'}, key: body_id}}\n"
        "columns: {claim: headline, text: text, label: stance, id: body_id}\n"
        "label_map: {disagree: contradictory, agree: non_contradictory, discuss: non_contradictory, "
        "unrelated: drop}\ndev: half\n"
    )
    result = cli.invoke(app, ["eval", str(task), "--model", str(model), "--save-thresholds"])
    assert result.exit_code == 0, result.output
    assert json.loads((model / "contradict.json").read_text())["threshold"] == 0.9
