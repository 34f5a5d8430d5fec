"""`contradict serve` through FastAPI's test client with the fake scorer: each status code, the JSON identical to
`contradict check --format json`, uploads, jobs and progress, the queue and time limits, escaping, OpenAPI."""

from __future__ import annotations

import contextlib
import inspect
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from contradict import api
from contradict.cli import app as cli
from contradict.errors import ModelError
from contradict.serve import CheckOptions, ServeSettings, create_app, detect_kwargs
from contradict.serve.inputs import CheckRequest
from contradict.serve.schema import ClaimOut, ContradictionOut, JobOut, ReportOut

from .conftest import EXAMPLE, FakeEmbedder, FakeScorer
from .test_ingest import _docx

runner = CliRunner()
CONTRA = "The sky is blue over the city today.\nThe sky is not blue over the city today.\n"
SOURCE = "Officials said the sky was not blue over the city today.\n"


@contextlib.contextmanager
def serving(settings: ServeSettings | None = None, *, loaded: bool = True) -> Iterator[TestClient]:
    with TestClient(create_app(settings or ServeSettings())) as client:
        if loaded:
            assert client.app.state.service.wait_loaded(30)
        yield client


@pytest.fixture
def client(fake_pipeline: FakeScorer) -> Iterator[TestClient]:
    with serving() as c:
        yield c


def cli_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


class GatedScorer(FakeScorer):
    """The fake scorer, but each predict waits until ``gate`` is set (the first call, the warm-up, does not)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size=None, progress=None) -> np.ndarray:
        if self.calls:
            self.started.release()
            assert self.gate.wait(30)
        return super().predict(pairs, batch_size=batch_size, progress=progress)


class SlowScorer(FakeScorer):
    """The fake scorer in ``batches`` slow batches, reporting progress after each, as the real one does."""

    def __init__(self, batches: int = 50, seconds: float = 0.05) -> None:
        super().__init__()
        self.batches, self.seconds, self.batches_run = batches, seconds, 0

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size=None, progress=None) -> np.ndarray:
        if not self.calls:  # the warm-up
            return super().predict(pairs)
        self.calls.append(list(pairs))
        for k in range(self.batches):
            time.sleep(self.seconds)
            self.batches_run += 1
            if progress is not None:
                progress(k + 1, self.batches)
        return FakeScorer().predict(pairs)


def use_scorer(monkeypatch: pytest.MonkeyPatch, scorer: FakeScorer) -> FakeScorer:
    monkeypatch.setattr(api, "get_scorer", lambda *args, **kwargs: scorer)
    monkeypatch.setattr(api, "get_embedder", lambda *_: FakeEmbedder())
    return scorer


def poll(client: TestClient, job: dict, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.02)
        response = client.get(f"/api/jobs/{job['id']}")
        assert response.status_code == 200, response.text
        job = response.json()
    return job


# --- the same report as the command line --------------------------------------------------------------------


def test_json_body_answers_exactly_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    (tmp_path / "draft.txt").write_text(CONTRA, encoding="utf-8")
    (tmp_path / "wire.txt").write_text(SOURCE, encoding="utf-8")
    expected = cli_json(tmp_path, monkeypatch, "draft.txt", "--against", "wire.txt", "--also-internal")
    response = client.post(
        "/api/check",
        json={
            "text": CONTRA,
            "name": "draft.txt",
            "sources": [{"name": "wire.txt", "text": SOURCE}],
            "also_internal": True,
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.text == expected
    assert json.loads(response.text)["contradictions"]  # a report with pairs, not two empty ones


def test_upload_reads_files_as_check_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    markdown = "# Weather\n\n*The sky* is blue over the city today.\n\nThe sky is **not** blue over the city today.\n"
    (tmp_path / "draft.md").write_text(markdown, encoding="utf-8")
    _docx(tmp_path / "notes.docx", ["The raids hit eight targets on Wednesday.", "No raids hit targets on Wednesday."])
    expected = cli_json(tmp_path, monkeypatch, "draft.md", "--against", "notes.docx", "--threshold", "0.3")
    files = [
        ("draft", ("draft.md", markdown.encode(), "text/markdown")),
        ("sources", ("notes.docx", (tmp_path / "notes.docx").read_bytes(), "application/octet-stream")),
    ]
    response = client.post("/api/check", files=files, data={"threshold": "0.3"})
    assert response.status_code == 200, response.text
    assert response.text == expected
    report = response.json()
    assert report["documents"] == ["draft.md", "notes.docx"]
    drafted = [c for c in report["claims"] if c["document"] == "draft.md"]
    assert [c["text"] for c in drafted] == [  # read as Markdown: the markup is not part of the claims
        "The sky is blue over the city today.",
        "The sky is not blue over the city today.",
    ]


def test_a_text_field_is_a_draft_and_latin1_uploads_need_their_encoding(client: TestClient) -> None:
    as_field = client.post("/api/check", files={"draft": (None, CONTRA)})
    assert as_field.status_code == 200, as_field.text
    assert as_field.json()["documents"] == ["draft"]
    latin1 = "The café is open today.\nThe café is not open today.\n".encode("latin-1")
    refused = client.post("/api/check", files={"draft": ("cafe.txt", latin1)})
    assert refused.status_code == 422
    assert "cafe.txt: not valid utf-8" in refused.json()["message"]
    read = client.post("/api/check", files={"draft": ("cafe.txt", latin1)}, data={"encoding": "latin-1"})
    assert read.status_code == 200, read.text
    assert read.json()["claims"][0]["text"] == "The café is open today."


def test_the_servers_defaults_apply_unless_a_request_names_the_option(fake_pipeline: FakeScorer) -> None:
    with serving(ServeSettings(defaults=CheckOptions(threshold=0.95, top=1))) as client:
        default = client.post("/api/check", json={"text": CONTRA}).json()
        assert (default["threshold"], len(default["contradictions"])) == (0.95, 0)
        named = client.post("/api/check", json={"text": CONTRA, "threshold": 0.3}).json()
        assert named["threshold"] == 0.3 and len(named["contradictions"]) == 1
        assert client.get("/api/settings").json()["defaults"]["threshold"] == 0.95


def test_every_option_reaches_detect() -> None:
    kwargs = detect_kwargs(CheckOptions(), ServeSettings())
    accepted = inspect.signature(api.detect).parameters
    assert set(kwargs) <= set(accepted)
    pairer_options = {"pairs", "neighbours"}  # given to detect as its pairer
    assert set(CheckOptions.model_fields) - pairer_options <= set(kwargs)
    pairer = detect_kwargs(CheckOptions(pairs="all", neighbours=3), ServeSettings())["pairer"]
    assert (pairer.strategy.value, pairer.k) == ("all", 3)


# --- statuses -----------------------------------------------------------------------------------------------

BAD_REQUESTS = [
    # (content type, body, status, in the message)
    ("application/json", b'{"text": "The sky is blue.",', 400, "malformed JSON"),
    ("application/json", b'["The sky is blue."]', 400, "JSON object"),
    ("application/json", json.dumps({"text": CONTRA, "thresh": 0.3}).encode(), 422, "unknown option 'thresh'"),
    ("application/json", json.dumps({"text": CONTRA, "threshold": 2}).encode(), 422, "threshold"),
    ("application/json", json.dumps({"text": CONTRA, "pairs": "some"}).encode(), 422, "pairs"),
    ("application/json", json.dumps({"sources": [CONTRA]}).encode(), 422, "text"),
    ("application/json", json.dumps({"text": ""}).encode(), 422, "draft: empty"),
    ("application/json", json.dumps({"text": " \n\t "}).encode(), 422, "draft: contains only whitespace"),
    (
        "application/json",
        json.dumps({"text": CONTRA, "name": "a", "sources": [{"name": "a", "text": SOURCE}]}).encode(),
        422,
        "unique",
    ),
    ("text/plain", CONTRA.encode(), 415, "application/json or multipart/form-data"),
]


@pytest.mark.parametrize(("media", "body", "status", "message"), BAD_REQUESTS)
def test_bad_requests_get_json_errors_with_their_status(
    client: TestClient, media: str, body: bytes, status: int, message: str
) -> None:
    for path in ("/api/check", "/api/jobs"):
        response = client.post(path, content=body, headers={"content-type": media})
        assert response.status_code == status, response.text
        error = response.json()
        assert error["status"] == status
        assert message in error["message"]


def test_unknown_options_and_bad_uploads_in_a_form(client: TestClient) -> None:
    unknown = client.post("/api/check", files={"draft": (None, CONTRA)}, data={"treshold": "0.3"})
    assert unknown.status_code == 422 and "unknown option 'treshold'" in unknown.json()["message"]
    binary = client.post("/api/check", files={"draft": ("x.txt", b"\x00\x01\x02 binary")})
    assert binary.status_code == 422 and "binary" in binary.json()["message"]
    no_draft = client.post("/api/check", files={"sources": ("s.txt", SOURCE.encode())})
    assert no_draft.status_code == 422 and "one draft" in no_draft.json()["message"]
    two = client.post("/api/check", files=[("draft", (None, CONTRA)), ("draft", (None, CONTRA))])
    assert two.status_code == 422


def test_texts_over_the_limit_get_413(fake_pipeline: FakeScorer) -> None:
    settings = ServeSettings(max_chars=len(CONTRA) + 10)
    with serving(settings) as client:
        assert client.post("/api/check", json={"text": CONTRA}).status_code == 200
        over = client.post("/api/check", json={"text": CONTRA, "sources": [SOURCE]})
        assert over.status_code == 413
        assert f"limit of {settings.max_chars}" in over.json()["message"]
        huge = client.post(
            "/api/check", files={"draft": ("big.txt", b"a" * (settings.max_body_bytes + 1))}
        )  # refused from its Content-Length, before it is parsed
        assert huge.status_code == 413 and "bytes" in huge.json()["message"]
        chunks = (b" " * 65536 for _ in range(settings.max_body_bytes // 65536 + 2))  # no Content-Length
        streamed = client.post("/api/check", content=chunks, headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and "longer than" in streamed.json()["message"]


def test_health_and_checks_answer_503_until_the_model_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    loading = threading.Event()

    class LoadingScorer(FakeScorer):
        def predict(self, pairs, *, batch_size=None, progress=None):
            assert loading.wait(30)
            return super().predict(pairs, progress=progress)

    use_scorer(monkeypatch, LoadingScorer())
    with serving(loaded=False) as client:
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["status"] == "loading"
        early = client.post("/api/check", json={"text": CONTRA})
        assert early.status_code == 503 and early.headers["retry-after"].isdigit()
        loading.set()
        assert client.app.state.service.wait_loaded(30)
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json()["model"]["name"] == "fake-nli"
        assert client.post("/api/check", json={"text": CONTRA}).status_code == 200


def test_a_model_that_fails_to_load_is_reported_as_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise ModelError("cannot load model /nowhere: no such directory")

    monkeypatch.setattr(api, "get_scorer", broken)
    with serving() as client:
        health = client.get("/health")
        assert health.status_code == 500 and "no such directory" in health.json()["message"]
        assert client.post("/api/check", json={"text": CONTRA}).status_code == 500


def test_a_check_over_the_time_limit_gets_504_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = use_scorer(monkeypatch, SlowScorer(batches=100, seconds=0.05))
    with serving(ServeSettings(timeout=0.5)) as client:
        response = client.post("/api/check", json={"text": CONTRA})
        assert response.status_code == 504, response.text
        assert "limit of 0.5 s" in response.json()["message"]
        deadline = time.monotonic() + 10
        while client.get("/health").json()["running"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/health").json()["running"] == 0
        assert scorer.batches_run < scorer.batches  # stopped at a batch, not run to the end

        job = client.post("/api/jobs", json={"text": CONTRA}).json()
        failed = poll(client, job)
        assert failed["status"] == "failed" and failed["error"]["status"] == 504


def test_a_full_queue_answers_503_with_retry_after_and_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = use_scorer(monkeypatch, GatedScorer())
    with serving(ServeSettings(concurrency=1, queue=1)) as client:
        texts = [CONTRA, CONTRA.replace("city", "harbour")]
        jobs = [client.post("/api/jobs", json={"text": t}) for t in texts]
        assert [j.status_code for j in jobs] == [202, 202]
        assert scorer.started.acquire(timeout=30)  # one runs, one waits: all places taken
        busy = client.post("/api/check", json={"text": CONTRA})
        assert busy.status_code == 503, busy.text
        assert int(busy.headers["retry-after"]) >= 1
        assert client.get(f"/api/jobs/{jobs[1].json()['id']}").json()["stage"] == "waiting for a worker"
        scorer.gate.set()
        for text, job in zip(texts, jobs, strict=True):
            done = poll(client, job.json())
            assert done["status"] == "done"
            assert [c["text"] for c in done["report"]["claims"]] == text.strip().split("\n")
        assert client.post("/api/check", json={"text": CONTRA}).status_code == 200


def test_concurrent_requests_each_get_their_own_report(fake_pipeline: FakeScorer) -> None:
    places = ["city", "harbour", "valley", "airport", "station", "market", "bridge", "castle"]
    with serving(ServeSettings(concurrency=2, queue=len(places))) as client:
        answers: dict[str, dict] = {}

        def ask(place: str) -> None:
            answers[place] = client.post("/api/check", json={"text": CONTRA.replace("city", place)}).json()

        threads = [threading.Thread(target=ask, args=(p,)) for p in places]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert sorted(answers) == sorted(places)
    for place, report in answers.items():
        assert [c["text"] for c in report["claims"]] == CONTRA.replace("city", place).strip().split("\n")


# --- jobs and the page --------------------------------------------------------------------------------------


def test_a_job_reports_progress_then_the_same_report_and_its_html(monkeypatch: pytest.MonkeyPatch) -> None:
    use_scorer(monkeypatch, SlowScorer(batches=8, seconds=0.05))
    with serving() as client:
        started = client.post("/api/jobs", json={"text": CONTRA})
        assert started.status_code == 202
        assert started.headers["location"].endswith(f"/api/jobs/{started.json()['id']}")
        seen = set()
        job = started.json()
        while job["status"] in ("queued", "running"):
            seen.add((job["stage"], job["pairs_total"]))
            time.sleep(0.02)
            job = client.get(f"/api/jobs/{job['id']}").json()
        assert ("scoring pairs", 8) in seen
        assert job["status"] == "done" and job["error"] is None
        assert job["report"] == client.post("/api/check", json={"text": CONTRA}).json()
        html = client.get(job["html_url"])
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert html.text.count('<mark class="claim"') == 2
        assert 'href="#claim-0"' in html.text
        missing = client.get("/api/jobs/no-such-job")
        assert missing.status_code == 404 and "no job" in missing.json()["message"]
        assert client.get("/api/jobs/no-such-job/report.html").status_code == 404


def test_a_script_in_the_draft_stays_text(client: TestClient) -> None:
    draft = "<script>alert('draft')</script>" + CONTRA
    job = poll(client, client.post("/api/jobs", json={"text": draft}).json())
    html = client.get(job["html_url"])
    assert "<script>alert" not in html.text
    assert "&lt;script&gt;alert" in html.text
    assert "script-src" not in html.headers["content-security-policy"]  # and no script could run there anyway
    assert client.post("/api/check", json={"text": draft}).json()["claims"]


def test_the_page_and_its_assets_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert 'id="draft"' in page.text and 'id="check"' in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        response = client.get(asset)
        assert response.status_code == 200 and asset.rsplit("/", 1)[1] in page.text
        assert "http://" not in response.text and "https://" not in response.text
    assert "https://" not in page.text and "http://" not in page.text
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_openapi_describes_both_bodies_and_the_real_answers(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    check = spec["paths"]["/api/check"]["post"]
    assert set(check["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"200", "400", "413", "415", "422", "503", "504"} <= set(check["responses"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["CheckRequest"]["properties"]) == set(CheckRequest.model_fields)
    assert set(CheckOptions.model_fields) < set(schemas["CheckForm"]["properties"])
    for ref in json.dumps(spec).split('"$ref": "#/components/schemas/')[1:]:
        assert ref.split('"')[0] in schemas  # every reference resolves

    report = client.post("/api/check", json={"text": CONTRA}).json()
    fix = "the report's JSON changed: update contradict/serve/schema.py"
    assert set(report) == set(ReportOut.model_fields), fix
    assert set(report["claims"][0]) == set(ClaimOut.model_fields), fix
    assert set(report["contradictions"][0]) == set(ContradictionOut.model_fields), fix
    ReportOut.model_validate(report)
    job = client.post("/api/jobs", json={"text": CONTRA}).json()
    assert set(job) == set(JobOut.model_fields)
    JobOut.model_validate(poll(client, job))


# --- the command ----------------------------------------------------------------------------------------------


def test_serve_refuses_a_busy_port_and_a_missing_model(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(cli, ["serve", "--port", str(port)])
    assert busy.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in busy.output
    missing = runner.invoke(cli, ["serve", "--model", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2, missing.output


@pytest.mark.slow
def test_serve_starts_a_server_on_loopback_that_checks(tmp_path: Path, tiny_model: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "contradict", "serve", "--port", str(port), "--model", str(tiny_model)]
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        server = subprocess.Popen([*command, "--scoring", "fast", "--backend", "torch", "--threshold", "0"], stderr=err)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        report = httpx.post(f"http://127.0.0.1:{port}/api/check", json={"text": CONTRA}, timeout=60).json()
        assert report["threshold"] == 0 and report["pairs_scored"] == 1  # the server's default threshold
        assert len(report["contradictions"]) == 1
    finally:
        server.terminate()
        server.wait(30)
    printed = log.read_text()
    assert f"contradict serve: http://127.0.0.1:{port}/" in printed
    assert "loopback only" in printed
    assert "loaded (fast scoring, torch" in printed


def test_the_example_story_through_the_api(client: TestClient) -> None:
    story = EXAMPLE.read_text(encoding="utf-8")
    report = client.post("/api/check", json={"text": story, "name": EXAMPLE.name}).json()
    assert report["documents"] == [EXAMPLE.name]
    assert report["pairs_scored"] > 0
    for claim in report["claims"]:
        assert story[claim["start"] : claim["end"]] == claim["text"]
