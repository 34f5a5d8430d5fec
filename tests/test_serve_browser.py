"""The page of `contradict serve` in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) against a real uvicorn server on 127.0.0.1 with the fake scorer: paste the example story, press Check,
read the highlighted report. Skips only where the browser or its driver is missing (.ci/run installs them)."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM_FLAGS

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import contradict  # noqa: E402
from contradict.cli.serve import listen  # noqa: E402
from contradict.serve import ServeSettings, create_app  # noqa: E402

from .conftest import EXAMPLE, FakeEmbedder, FakeScorer  # noqa: E402
from .test_serve import CONTRA, SlowScorer, use_scorer  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(DRIVER is None, reason="chromedriver is not installed (apt-get install chromium-driver)"),
]
FLAGS = (*CHROMIUM_FLAGS, "--window-size=1100,1400")
HIGHLIGHT = (255, 214, 214)  # mark.claim background in the report's CSS


@contextlib.contextmanager
def live_server(settings: ServeSettings | None = None) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, in a thread; yields its URL once the model is loaded."""
    sock = listen("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(settings or ServeSettings()), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "health", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def check_in_page(browser: webdriver.Chrome, url: str, draft: str, threshold: str = "") -> None:
    """Open the page, paste ``draft`` (typed, as a paste lands), set the threshold and press Check."""
    browser.get(url)
    wait = WebDriverWait(browser, 60)
    wait.until(expected_conditions.element_to_be_clickable((By.ID, "check")))
    box = browser.find_element(By.ID, "draft")
    box.send_keys(draft)
    assert box.get_attribute("value") == draft
    if threshold:
        browser.find_element(By.ID, "threshold").send_keys(threshold)
    browser.find_element(By.ID, "check").click()


def wait_for_report(browser: webdriver.Chrome, seconds: float = 60) -> None:
    WebDriverWait(browser, seconds).until(expected_conditions.visibility_of_element_located((By.ID, "result")))
    WebDriverWait(browser, seconds).until(
        lambda d: d.execute_script(
            "const doc = document.getElementById('report').contentDocument;"
            "return doc !== null && doc.querySelector('h1') !== null;"
        )
    )


def test_the_page_checks_the_example_story(
    fake_pipeline: FakeScorer, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    from PIL import Image

    story = EXAMPLE.read_text(encoding="utf-8")
    expected = contradict.detect(contradict.Document("draft", story), scorer=FakeScorer(), embedder=FakeEmbedder())
    assert expected.contradictions
    first = expected.contradictions[0]
    involved = {c.id for pair in expected.contradictions for c in (pair.claim_a, pair.claim_b)}

    with live_server() as url:
        check_in_page(browser, url, story)
        wait_for_report(browser)
        summary = browser.find_element(By.ID, "summary").text
        assert summary.startswith(f"{len(expected.contradictions)} contradiction(s) at threshold 0.5")
        browser.switch_to.frame("report")
        try:
            marks = browser.find_elements(By.CSS_SELECTOR, "mark.claim")
            assert {int(m.get_attribute("data-claim")) for m in marks} == involved
            pair = browser.find_element(By.ID, "pair-1")
            assert f"score {first.score:.2f}" in pair.text
            assert first.claim_a.text in pair.text and first.claim_b.text in pair.text
            links = pair.find_elements(By.TAG_NAME, "a")
            anchors = [a.get_attribute("href").rsplit("#", 1)[1] for a in links]
            assert anchors == [f"claim-{first.claim_a.id}", f"claim-{first.claim_b.id}"]
            for anchor in anchors:  # each pair links to both spans in the document
                assert browser.find_element(By.ID, anchor).tag_name == "mark"
            links[0].click()  # follow the link to the first span: the page scrolls to it
            span = browser.find_element(By.ID, anchors[0])
            assert browser.execute_script("return document.querySelector(':target') === arguments[0]", span)
        finally:
            browser.switch_to.default_content()
        shot = tmp_path / "serve.png"
        assert browser.save_screenshot(str(shot))

    pixels = Image.open(shot).convert("RGB").getdata()
    assert sum(1 for p in pixels if p == HIGHLIGHT) > 500  # the highlighted spans are painted


def test_a_long_check_shows_progress_and_a_script_in_the_draft_stays_text(
    monkeypatch: pytest.MonkeyPatch, browser: webdriver.Chrome
) -> None:
    use_scorer(monkeypatch, SlowScorer(batches=30, seconds=0.1))
    draft = "<script>document.title='pwned'</script>" + CONTRA
    with live_server() as url:
        check_in_page(browser, url, draft, threshold="0.3")
        WebDriverWait(browser, 30).until(lambda d: "scoring pairs: " in d.find_element(By.ID, "progress-text").text)
        assert "of 30 model calls" in browser.find_element(By.ID, "progress-text").text
        wait_for_report(browser)
        assert browser.title == "contradict"
        browser.switch_to.frame("report")
        try:
            assert browser.execute_script("return document.title") == "Contradiction report"
            assert "<script>document.title='pwned'</script>" in browser.find_element(By.TAG_NAME, "body").text
            assert len(browser.find_elements(By.CSS_SELECTOR, "mark.claim")) == 2
        finally:
            browser.switch_to.default_content()
