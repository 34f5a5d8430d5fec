from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contradict import api
from contradict.cli import app

from .conftest import EXAMPLE, FakeEmbedder, build_tiny_model

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"
CONTRA = "The sky is blue over the city today.\nThe sky is not blue over the city today.\n"
CALM = "The cat sat on the mat today.\nThe dog sat on the mat today.\n"


def test_json_output_is_only_json_and_exit_1_when_found(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["contradictions"][0]["claim_a"]["document"] == str(draft)
    assert data["threshold"] == 0.5


def test_views_core_adds_cores_and_the_view_to_the_json(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "Ships left the port of Oslo, the capital of Norway.\nNo ships left the port of Oslo today.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(draft), "--views", "core", "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert [c["core"] for c in data["claims"]] == ["Ships left the port of Oslo.", None]
    assert data["contradictions"][0]["view"] in ("full", "core")
    plain = json.loads(runner.invoke(app, ["check", str(draft), "--format", "json"]).stdout)
    assert [c["core"] for c in plain["claims"]] == [None, None]


def test_eval_refuses_to_store_thresholds_measured_with_core_views(fake_pipeline) -> None:
    result = runner.invoke(app, ["eval", "contradoc_dev", "--views", "core", "--save-thresholds"])
    assert result.exit_code == 2
    assert "--views full" in result.output


def test_exit_0_when_nothing_is_found(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "calm.txt"
    draft.write_text(CALM, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 0, result.output
    assert "0 contradiction(s)" in result.stdout


def test_several_paths_make_one_report_and_stdin_is_dash(tmp_path: Path, fake_pipeline) -> None:
    a = tmp_path / "a.txt"
    a.write_text("The sky is blue over the city today.\n", encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(a), "-", "--format", "json"], input="The sky is not blue over the city today.\n"
    )
    assert result.exit_code == 1, result.output
    c = json.loads(result.stdout)["contradictions"][0]
    assert {c["claim_a"]["document"], c["claim_b"]["document"]} == {str(a), "-"}


def test_text_output_shows_both_sentences_and_score(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--top", "1"])
    assert result.exit_code == 1
    assert "The sky is not blue" in result.stdout and "score" in result.stdout


def test_verbose_lists_skipped_sentences(fake_pipeline) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLE), "--verbose", "--threshold", "0.99"])
    assert "contact_line" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Café au lait.".encode("latin-1"), "not valid utf-8"),
    ],
)
def test_bad_input_files_exit_2_with_one_line(tmp_path: Path, fake_pipeline, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_encoding_option_decodes_other_encodings(tmp_path: Path, fake_pipeline) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("The café in Zürich was very busy this morning.\n".encode("latin-1"))
    result = runner.invoke(app, ["check", str(path), "--encoding", "latin-1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"][0]["text"] == "The café in Zürich was very busy this morning."


def test_missing_file_and_directory_exit_2(tmp_path: Path, fake_pipeline) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


@pytest.mark.parametrize(
    ("kind", "message"),
    [("bin", "safetensors only"), ("none", "no model weights"), ("labels", "cannot map"), ("missing", "not found")],
)
def test_bad_models_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, message: str) -> None:
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    if kind == "labels":
        model = build_tiny_model(tmp_path / "m", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    elif kind == "missing":
        model = tmp_path / "does-not-exist"
    else:
        model = build_tiny_model(tmp_path / "m", weights=kind)
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--model", str(model)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_tiny_real_model_runs_end_to_end(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA + CALM, encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(draft), "--model", str(tiny_model), "--threshold", "0", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert len(data["claims"]) == 4 and len(data["contradictions"]) == 6


def test_internal_errors_exit_3_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(api, "detect", boom)
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 3
    assert "kaboom" in result.stderr and "Traceback" not in result.output


def test_keyboard_interrupt_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "detect", interrupted)
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 130


def test_enormous_sentence_and_markup_only_inputs(tmp_path: Path, fake_pipeline) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text(" ".join(["word"] * 5000) + ".\nThe sky is not blue over the city today.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(huge), "--format", "json", "--threshold", "0"])
    assert result.exit_code in (0, 1), result.output
    assert len(json.loads(result.stdout)["claims"]) == 2
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var x = 1;</script></head><body><nav>Menu</nav></body></html>")
    result = runner.invoke(app, ["check", str(page)])
    assert result.exit_code == 2 and "no text outside its markup" in result.stderr


def test_corrupt_model_weights_exit_2(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    model = tmp_path / "corrupt"
    shutil.copytree(tiny_model, model)
    (model / "model.safetensors").write_bytes(b"\x00" * 64)
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--model", str(model)])
    assert result.exit_code == 2 and "cannot load model" in result.stderr


def test_non_english_sentences_are_flagged_not_scored(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "mixed.txt"
    draft.write_text(CONTRA + "El gobierno no ha confirmado la cifra de muertos en Siria.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--format", "json"])
    data = json.loads(result.stdout)
    assert [s["reason"] for s in data["skipped"]] == ["not_english"]
    assert all("Siria" not in c["text"] for c in data["claims"])
    assert "non-English" in result.stderr and "unverified" in result.stderr


@pytest.mark.slow
def test_a_10_mb_input_runs_with_bounded_memory(tmp_path: Path, fake_pipeline) -> None:
    """10 MB of text through the CLI with the fake scorer: auto pairing keeps the pair count linear."""
    import tracemalloc

    paragraph = (
        "The council approved a budget of {n} million dollars for the new bridge over the river on Tuesday, after "
        "a long debate in which residents of both banks asked for a footpath, a cycle lane and a lower speed limit. "
        "Officials said construction of bridge {n} would begin in the spring and last about {m} months, with the "
        "old crossing kept open to traffic until the new one is finished and inspected by the state engineers.\n"
    )
    lines, size = [], 0
    n = 0
    while size < 10_000_000:
        line = paragraph.format(n=n, m=n % 31)  # every sentence unique: repeats would be skipped
        lines.append(line)
        size += len(line)
        n += 1
    big = tmp_path / "big.txt"
    big.write_text("".join(lines), encoding="utf-8")
    tracemalloc.start()
    result = runner.invoke(app, ["check", str(big), "--format", "json", "--top", "5"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    claims = len(data["claims"])
    assert claims == 2 * n
    assert data["pairs_scored"] <= claims * 15  # pruned: linear in the claims, not quadratic
    assert peak < 2_000_000_000


def test_precision_option_reaches_the_scorer(tmp_path: Path, tiny_model: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(CONTRA, encoding="utf-8")
    api.get_scorer.cache_clear()
    result = runner.invoke(app, ["check", str(draft), "--model", str(tiny_model), "--precision", "int8", "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["precision"] == "int8"
    assert api.get_scorer.cache_info().currsize == 1
    scorer = api.get_scorer(str(tiny_model.resolve()), api.Precision.int8, None, api.Backend.torch)
    assert scorer.precision.value == "int8" and scorer._loaded is not None


def test_neighbours_option_sets_k(fake_pipeline) -> None:
    counts = {}
    for k in ("1", "5"):
        result = runner.invoke(app, ["check", str(EXAMPLE), "--pairs", "neighbours", "--neighbours", k, "-f", "json"])
        assert result.exit_code in (0, 1), result.output
        counts[k] = json.loads(result.stdout)["pairs_scored"]
    assert 0 < counts["1"] < counts["5"]
    bad = runner.invoke(app, ["check", str(EXAMPLE), "--neighbours", "0"])
    assert bad.exit_code == 2


def _offered(command: str, option: str) -> list[str]:
    """The values `contradict COMMAND --help` lists for OPTION (rendered as <a|b|c>)."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    match = re.search(rf"{option}\b[^<\n]*<([\w|]+)>", result.stdout)
    assert match, result.stdout
    return match.group(1).split("|")


@pytest.mark.parametrize(
    ("command", "option", "offered"),
    [
        ("check", "--format", ["text", "json", "jsonl", "markdown", "html"]),
        ("check", "--backend", ["auto", "torch", "onnx"]),
        ("eval", "--format", ["text", "json"]),
        ("eval", "--backend", ["torch", "onnx"]),
    ],
)
def test_help_offers_what_the_command_takes(command: str, option: str, offered: list[str]) -> None:
    assert _offered(command, option) == offered


def _command_line(command: str, option: str, value: str) -> list[str]:
    target = EXAMPLE if command == "check" else FIXTURES / "snli_dev_sample.jsonl"
    return [command, str(target), option, value]


@pytest.mark.parametrize(("command", "option"), [(c, o) for c in ("check", "eval") for o in ("--format", "--backend")])
def test_every_offered_value_is_accepted(command: str, option: str, fake_pipeline) -> None:
    for value in _offered(command, option):
        result = runner.invoke(app, _command_line(command, option, value))
        assert result.exit_code in (0, 1), (value, result.output)


@pytest.mark.parametrize(("option", "value"), [("--format", "markdown"), ("--format", "jsonl"), ("--backend", "auto")])
def test_eval_refuses_what_it_does_not_offer_before_running(option: str, value: str, fake_pipeline) -> None:
    result = runner.invoke(app, _command_line("eval", option, value))
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output
    assert fake_pipeline.calls == []  # refused by the option parser, not after loading or scoring
