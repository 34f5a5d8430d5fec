"""`contradict batch` and contradict.batch.run with the fake scorer: inputs, outputs, errors, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contradict import api
from contradict.batch import Engine, Row, Status, read_entries, run
from contradict.cli import app
from contradict.errors import ConfigError
from contradict.types import Document

from .conftest import FakeEmbedder, FakeScorer
from .test_ingest import _docx

runner = CliRunner()

DOCS = {
    "bridge": "The bridge opened on Monday. The bridge did not open on Monday.",
    "library": "The library reopened on Saturday. Visitors queued to see the reading room.",
    "flood": "The river rose on Tuesday night. No homes were flooded by the river on Tuesday night.",
    "school": "Lunches will be free from January. Parents welcomed the decision.",
    "rain": "It rains today in the city. The sun is out today in the city.",
}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_rows(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "one row per id"
    return by_id


def expected_report(doc_id: str, text: str) -> dict:
    """What `contradict check --format json` renders for the document alone (detect → to_dict)."""
    return api.detect([Document(doc_id, text)]).to_dict()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "archive.jsonl", [{"id": k, "text": v} for k, v in DOCS.items()])


def test_jsonl_in_jsonl_out_one_report_per_document(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    out = tmp_path / "out.jsonl"
    summary = run(archive, out)
    rows = read_rows(out)
    assert set(rows) == set(DOCS)
    for doc_id, text in DOCS.items():
        assert rows[doc_id] == {"id": doc_id, "status": "ok", "error": None, "report": expected_report(doc_id, text)}
    found = {k for k, r in rows.items() if r["report"]["contradictions"]}
    assert found == {"bridge", "flood"}  # the two texts with a negation on one side only
    assert (summary.documents, summary.checked, summary.ok, summary.found, summary.errors) == (5, 5, 5, 2, 0)
    assert summary.documents_per_second > 0


def test_check_options_reach_detect(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    out = tmp_path / "out.jsonl"
    summary = run(archive, out, options={"threshold": 0.95})
    rows = read_rows(out)
    assert {r["report"]["threshold"] for r in rows.values()} == {0.95}
    assert summary.found == 0 and not any(r["report"]["contradictions"] for r in rows.values())


def test_models_load_once_for_the_whole_batch(archive: Path, tmp_path: Path) -> None:
    made: list[FakeScorer] = []

    def scorer() -> FakeScorer:
        made.append(FakeScorer())
        return made[-1]

    run(archive, tmp_path / "out.jsonl", scorer_factory=scorer, embedder_factory=FakeEmbedder)
    assert len(made) == 1
    # one scorer for the warm-up document (it loads the models before the first row) and every document
    assert [pairs[0][1] for pairs in made[0].calls] == [
        "The bridge did not open on Monday.",
        *(text.split(". ")[1] for text in DOCS.values()),
    ]


def test_parquet_in_and_out_give_the_rows_of_jsonl(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "archive.parquet"
    pq.write_table(pa.table({"doc": list(DOCS), "body": list(DOCS.values()), "extra": [1] * len(DOCS)}), source)
    out = tmp_path / "out.parquet"
    summary = run(source, out, id_column="doc", text_column="body")
    assert summary.ok == len(DOCS)
    assert not (tmp_path / "out.parquet.partial.jsonl").exists()
    table = pq.read_table(out).to_pylist()
    run(archive, tmp_path / "out.jsonl")
    as_jsonl = read_rows(tmp_path / "out.jsonl")
    assert {r["id"]: {**r, "report": json.loads(r["report"])} for r in table} == as_jsonl


def test_folder_of_mixed_files(tmp_path: Path, fake_pipeline) -> None:
    folder = tmp_path / "desk"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(DOCS["bridge"], encoding="utf-8")
    (folder / "sub" / "b.md").write_text("# Library\n\n" + DOCS["library"], encoding="utf-8")
    (folder / "c.html").write_text(f"<html><body><p>{DOCS['flood']}</p></body></html>", encoding="utf-8")
    _docx(folder / "d.docx", DOCS["school"].split(". "))
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners said it rains today.".encode("latin-1"))
    (folder / "photo.png").write_bytes(b"\x89PNG")
    (folder / ".hidden.txt").write_text(DOCS["rain"], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(folder, out)
    rows = read_rows(out)
    assert set(rows) == {"a.txt", "sub/b.md", "c.html", "d.docx", "empty.txt", "latin1.txt"}
    assert [rows[k]["status"] for k in ("a.txt", "sub/b.md", "c.html", "d.docx")] == ["ok"] * 4
    assert rows["c.html"]["report"]["claims"][0]["text"].startswith("The river rose")
    assert rows["c.html"]["report"]["contradictions"]
    assert rows["empty.txt"]["error"] == "empty.txt: contains only whitespace"
    assert "not valid utf-8" in rows["latin1.txt"]["error"]
    assert (summary.documents, summary.ok, summary.errors) == (6, 4, 2)


def test_bad_documents_become_error_rows_and_the_batch_goes_on(tmp_path: Path, fake_pipeline) -> None:
    source = tmp_path / "archive.jsonl"
    lines = [
        json.dumps({"id": "good", "text": DOCS["bridge"]}),
        json.dumps({"id": "empty", "text": "   "}),
        "{not json",
        json.dumps({"id": "long", "text": "The sky is blue today. " * 20}),
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "number", "text": 42}),
        json.dumps({"id": 7, "text": DOCS["library"]}),
        json.dumps({"id": "good", "text": "a second document with the same id"}),
    ]
    latin1 = b'{"id": "bytes", "text": "caf\xe9"}'
    bad_byte = latin1.index(0xE9)
    source.write_bytes(("\n".join(lines) + "\n").encode() + latin1 + b"\n")
    out = tmp_path / "out.jsonl"
    summary = run(source, out, max_chars=200)
    rows = read_rows(out)
    errors = {k: r["error"] for k, r in rows.items() if r["status"] == "error"}
    assert errors == {
        "empty": "empty text",
        "archive.jsonl:3": "line 3: not JSON (Expecting property name enclosed in double quotes at column 2)",
        "long": "too long: 460 characters, the limit is 200",
        "archive.jsonl:5": "no usable 'id' (got None)",
        "number": "'text' is not a string (got int)",
        "good#2": "repeated id 'good' (occurrence 2); only the first is checked",
        "archive.jsonl:9": f"line 9: not valid UTF-8 (byte offset {bad_byte} in the line)",
    }
    assert all(r["report"] is None for k, r in rows.items() if k in errors)
    assert rows["good"]["report"] == expected_report("good", DOCS["bridge"])
    assert rows["7"]["status"] == "ok"
    assert (summary.documents, summary.ok, summary.errors, summary.found) == (9, 2, 7, 1)


def test_a_failing_document_is_an_error_row_not_a_crash(archive: Path, tmp_path: Path) -> None:
    class Flaky(FakeScorer):
        def predict(self, pairs, **kwargs):
            if any("library" in p for p, _ in pairs):
                raise RuntimeError("out of memory")
            return super().predict(pairs, **kwargs)

    out = tmp_path / "out.jsonl"
    summary = run(archive, out, scorer_factory=Flaky, embedder_factory=FakeEmbedder)
    rows = read_rows(out)
    assert rows["library"]["error"] == "internal error RuntimeError: out of memory"
    assert (summary.ok, summary.errors) == (len(DOCS) - 1, 1)


class Stop(KeyboardInterrupt):
    """The injected fault: stops the batch after ``k`` rows, as Ctrl-C or a crash would."""


def stop_after(k: int):
    def progress(done: int, total: int) -> None:
        if done == k:
            raise Stop

    return progress


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_resume_after_an_interrupt_equals_an_uninterrupted_run(
    archive: Path, tmp_path: Path, fake_pipeline, suffix: str
) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    whole, resumed = tmp_path / f"whole{suffix}", tmp_path / f"resumed{suffix}"
    run(archive, whole)
    with pytest.raises(Stop):
        run(archive, resumed, progress=stop_after(2))
    if suffix == ".jsonl":
        assert len(read_rows(resumed)) == 2
    else:  # Parquet is written at the end; until then the rows are in the journal
        assert not resumed.exists() and len(read_rows(tmp_path / "resumed.parquet.partial.jsonl")) == 2
    calls_before = len(fake_pipeline.calls)
    summary = run(archive, resumed)
    assert len(fake_pipeline.calls) - calls_before == 1 + len(DOCS) - 2  # warm-up, then not the two done
    assert (summary.resumed, summary.checked, summary.ok) == (2, len(DOCS) - 2, len(DOCS))
    assert rows_of(resumed) == rows_of(whole)


def rows_of(path: Path) -> dict[str, dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return {r["id"]: r for r in pq.read_table(path).to_pylist()}
    return read_rows(path)


def test_a_truncated_last_line_is_redone(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    whole, crashed = tmp_path / "whole.jsonl", tmp_path / "crashed.jsonl"
    run(archive, whole)
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    crashed.write_text("".join(lines[:3]) + lines[3][: len(lines[3]) // 2], encoding="utf-8")  # died mid-write
    summary = run(archive, crashed)
    assert (summary.resumed, summary.checked) == (3, 2)
    assert read_rows(crashed) == read_rows(whole)
    assert run(archive, crashed).checked == 0  # a third run has nothing left to do


def test_a_damaged_line_inside_the_output_is_refused(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "bridge", "status": "ok", "error": null, "report": null}\nnot a row\n{}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2 is not a row of contradict batch"):
        run(archive, out)


def test_column_names(tmp_path: Path, fake_pipeline) -> None:
    source = write_jsonl(
        tmp_path / "fnc.jsonl", [{"body_id": i, "articleBody": t} for i, t in enumerate(DOCS.values())]
    )
    out = tmp_path / "out.jsonl"
    summary = run(source, out, id_column="body_id", text_column="articleBody")
    assert set(read_rows(out)) == {str(i) for i in range(len(DOCS))} and summary.ok == len(DOCS)
    with pytest.raises(ConfigError, match=r"no column 'id', 'text' \(it has body_id, articleBody\)"):
        run(source, tmp_path / "other.jsonl")


@pytest.mark.parametrize("kind", ["jsonl", "folder"])
def test_empty_input_gives_an_empty_output(tmp_path: Path, fake_pipeline, kind: str) -> None:
    source = tmp_path / "empty.jsonl"
    if kind == "jsonl":
        source.write_text("\n", encoding="utf-8")
    else:
        source = tmp_path / "nothing"
        source.mkdir()
    out = tmp_path / "out.jsonl"
    summary = run(source, out)
    assert out.read_text(encoding="utf-8") == ""
    assert (summary.documents, summary.checked, summary.ok, summary.errors) == (0, 0, 0, 0)
    assert fake_pipeline.calls == []  # nothing to check: no model is even warmed up


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 2}, "need --engine ray"),
        ({"address": "auto"}, "need --engine ray"),
        ({"workers": 0, "engine": Engine.ray}, "workers must be >= 1, got 0"),
        ({"options": {"threshold": 2.0}}, "threshold must be between 0 and 1, got 2.0"),
        ({"options": {"against": ["x"]}}, "batch options cannot set against"),
    ],
)
def test_bad_arguments_fail_before_any_row(
    archive: Path, tmp_path: Path, fake_pipeline, kwargs: dict, message: str
) -> None:
    out = tmp_path / "out.jsonl"
    with pytest.raises(ConfigError, match=message):
        run(archive, out, **kwargs)
    assert not out.exists() or out.read_text(encoding="utf-8") == ""


def test_unknown_input_type_and_output_into_the_input(archive: Path, tmp_path: Path) -> None:
    table = tmp_path / "x.csv"
    table.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown input type '\.csv'"):
        read_entries(table)
    with pytest.raises(ConfigError, match="the output cannot be the input"):
        run(archive, archive)


def test_row_found_follows_the_threshold() -> None:
    report = {"highest_score": 0.7, "threshold": 0.5}
    assert Row("a", Status.ok, report).found
    assert not Row("a", Status.ok, {**report, "threshold": 0.8}).found
    assert not Row("a", Status.error, error="empty text").found


# --- the command ---------------------------------------------------------------------------------------


def test_cli_writes_rows_and_prints_the_summary(archive: Path, tmp_path: Path, fake_pipeline) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(archive), "--out", str(out), "--threshold", "0.6"])
    assert result.exit_code == 0, result.output
    assert "documents: 5" in result.stdout and "with contradictions at the threshold: 2" in result.stdout
    assert {r["report"]["threshold"] for r in read_rows(out).values()} == {0.6}
    again = runner.invoke(app, ["batch", str(archive), "--out", str(out)])
    assert again.exit_code == 0 and "5 already in" in again.stdout


def test_cli_passes_the_report_options_to_detect(archive: Path, tmp_path: Path, monkeypatch, fake_pipeline) -> None:
    seen: list[dict] = []
    detect = api.detect

    def spy(texts, **kwargs):
        seen.append(kwargs)
        return detect(texts, **kwargs)

    monkeypatch.setattr(api, "detect", spy)
    args = ["--scoring", "fast", "--cascade-top", "3", "--top", "1", "--pairs", "all", "--views", "core"]
    result = runner.invoke(app, ["batch", str(archive), "--out", str(tmp_path / "out.jsonl"), *args])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1 + 1 + len(DOCS)  # validation (no document), warm-up, every document
    for kwargs in seen:
        assert (kwargs["scoring"], kwargs["cascade_top"], kwargs["top"], kwargs["views"]) == ("fast", 3, 1, "core")
        assert kwargs["pairer"].strategy == "all"


def test_cli_exit_0_when_documents_fail(tmp_path: Path, fake_pipeline) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": ""}, {"id": "y", "text": DOCS["rain"]}])
    result = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert "errors: 1" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id-column", "key"], "no column 'key'"),
        (["--workers", "2"], "need --engine ray"),
        (["--workers", "0"], "Invalid value for '--workers'"),
        (["--engine", "spark"], "Invalid value for '--engine'"),
    ],
)
def test_cli_bad_arguments_exit_2(archive: Path, tmp_path: Path, fake_pipeline, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["batch", str(archive), "--out", str(tmp_path / "out.jsonl"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_missing_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_cli_interrupt_exits_130_and_keeps_the_rows(archive: Path, tmp_path: Path, monkeypatch) -> None:
    class Interrupted(FakeScorer):
        def predict(self, pairs, **kwargs):
            if any("river" in p for p, _ in pairs):
                raise KeyboardInterrupt
            return super().predict(pairs, **kwargs)

    scorer = Interrupted()
    monkeypatch.setattr(api, "get_scorer", lambda *args, **kwargs: scorer)
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(archive), "--out", str(out)])
    assert result.exit_code == 130
    assert set(read_rows(out)) == {"bridge", "library"}  # the rows before "flood" are kept
