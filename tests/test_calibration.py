from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from contradict.cli import app
from contradict.pipeline.nli import NLIScorer
from contradict.training.calibration import (
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
)

FIXTURES = Path(__file__).parent / "fixtures"


def overconfident(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Rows that say 0.98 for their argmax but are right only 60 % of the time."""
    rng = np.random.default_rng(seed)
    labels_i = rng.integers(0, 3, n)
    guess = np.where(rng.random(n) < 0.6, labels_i, (labels_i + rng.integers(1, 3, n)) % 3)
    probs = np.full((n, 3), 0.01, dtype=np.float32)
    probs[np.arange(n), guess] = 0.98
    names = ["entailment", "neutral", "contradiction"]
    return probs, [names[i] for i in labels_i]


def test_temperature_one_changes_nothing_and_keeps_the_argmax() -> None:
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype=np.float32)
    assert np.allclose(apply_temperature(probs, 1.0), probs, atol=1e-6)
    hot = apply_temperature(probs, 3.0)
    assert (hot.argmax(axis=1) == probs.argmax(axis=1)).all()
    assert (hot.max(axis=1) < probs.max(axis=1)).all()
    assert np.allclose(hot.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        apply_temperature(probs, 0.0)


def test_fitting_an_overconfident_model_raises_t_and_lowers_ece() -> None:
    probs, labels = overconfident()
    t = fit_temperature(probs, labels)
    assert t > 1.5
    calibrated = apply_temperature(probs, t)
    assert expected_calibration_error(calibrated, labels) < 0.05 < expected_calibration_error(probs, labels)
    assert negative_log_likelihood(calibrated, labels) < negative_log_likelihood(probs, labels)


def test_ece_of_hand_built_rows() -> None:
    probs = np.array([[0.9, 0.05, 0.05]] * 10, dtype=np.float32)
    labels = ["entailment"] * 9 + ["neutral"]  # confidence 0.9, accuracy 0.9
    assert expected_calibration_error(probs, labels) == pytest.approx(0.0, abs=1e-6)
    assert expected_calibration_error(probs, ["neutral"] * 10) == pytest.approx(0.9, abs=1e-6)
    with pytest.raises(ValueError, match="labels must be"):
        expected_calibration_error(probs, ["maybe"] * 10)


def test_scorer_applies_the_stored_temperature(tmp_path: Path, tiny_model: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(tiny_model, model)
    pairs = [("the cat sat on the mat", "the dog sat"), ("the sky is blue", "it rains")]
    plain = NLIScorer(str(model), temperature=1.0).predict(pairs)
    (model / "contradict.json").write_text(json.dumps({"temperature": 4.0}), encoding="utf-8")
    stored = NLIScorer(str(model)).predict(pairs)
    assert np.allclose(stored, apply_temperature(plain, 4.0), atol=1e-5)


def test_calibrate_command_fits_reports_and_saves(tmp_path: Path, tiny_model: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(tiny_model, model)
    data = str(FIXTURES / "snli_dev_sample.jsonl")
    result = CliRunner().invoke(app, ["calibrate", "--model", str(model), "--task", data, "--check", data, "--save"])
    assert result.exit_code == 0, result.output
    assert "temperature" in result.stdout and "ECE" in result.stdout and "held out" in result.stdout
    assert json.loads((model / "contradict.json").read_text())["temperature"] > 0
