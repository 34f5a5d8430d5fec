"""JSON rendering: one object per report, stable key order, deterministic."""

from __future__ import annotations

import json

from contradict.types import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
