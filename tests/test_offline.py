"""contradict check works with every network route pointed nowhere (no hub access at run time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_check_runs_with_hub_and_proxies_pointed_nowhere(tmp_path: Path, tiny_model: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "The sky is blue over the city today.\nThe sky is not blue over the city today.\n", encoding="utf-8"
    )
    nowhere = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_ENDPOINT": nowhere,
        "HTTP_PROXY": nowhere,
        "HTTPS_PROXY": nowhere,
        "ALL_PROXY": nowhere,
        "NO_PROXY": "",
        "HF_HOME": str(tmp_path / "hf-home"),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "contradict",
            "check",
            str(draft),
            "--model",
            str(tiny_model),
            "--threshold",
            "0",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["claims"]) == 2 and len(report["contradictions"]) == 1
