"""The HTML report in a real headless browser (Debian's Chromium): highlights render, scripts in the
draft stay text. Skipped where Chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import contradict
from contradict.render import render_html
from tests.conftest import CHROMIUM_FLAGS

from .conftest import FakeEmbedder, FakeScorer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
HIGHLIGHT = (255, 214, 214)  # mark.claim background in the report's CSS
DRAFT = (
    "<script>document.title='pwned'</script>The sky is blue over the city today.\n"
    "Cats sat on the warm mat all afternoon.\nThe sky is not blue over the city today.\n"
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def test_report_renders_highlights_and_never_runs_draft_scripts(tmp_path: Path) -> None:
    from PIL import Image

    report = contradict.detect(
        contradict.Document("draft.txt", DRAFT), scorer=FakeScorer(), embedder=FakeEmbedder(), threshold=0.3
    )
    assert report.contradictions
    page = tmp_path / "report.html"
    page.write_text(render_html(report, {"draft.txt": DRAFT}), encoding="utf-8")

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "<title>Contradiction report</title>" in dom.stdout  # the draft's script did not run
    involved = {c.id for pair in report.contradictions for c in (pair.claim_a, pair.claim_b)}
    assert dom.stdout.count('<mark class="claim"') == len(involved) >= 2
    assert "&lt;script&gt;" in dom.stdout

    shot = tmp_path / "report.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,900", page.as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-500:]
    pixels = Image.open(shot).convert("RGB").getdata()
    assert sum(1 for p in pixels if p == HIGHLIGHT) > 500  # the highlighted spans are painted
