"""`contradict batch` on the FNC-1 train bodies: the local engine against Ray with 1 and 2 workers.

Usage: python bench/batch_fnc1.py [--limit N] [--runs local1,ray1,ray2,local] [--out-dir DIR]

Each run is a fresh `contradict batch` process on the same input (the first N of the 1,673 articles of
../shared/data/news/fnc1_train_bodies.jsonl; all without --limit): ``local`` (one process, torch's default
threads), ``local1`` (one process, --threads 1: the per-worker baseline), ``ray1``/``ray2`` (--engine ray,
a local Ray cluster, 1 or 2 workers of one thread each). For each: wall time of the process, time to the
first row written (start-up: imports, Ray, model load), documents/s over the whole run and after the first
row (steady), peak memory of the whole process tree (driver, Ray's daemons and workers; summed RSS sampled
every 0.2 s), then whether the reports are identical to the first run's, and a scaling estimate for a
cluster of N machines. Outside CI: minutes to hours on a loaded 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from contradict.evaluation.tasks import default_data_root

RUNS = {
    "local": [],
    "local1": ["--threads", "1"],
    "ray1": ["--engine", "ray", "--workers", "1"],
    "ray2": ["--engine", "ray", "--workers", "2"],
}


@dataclass
class Measured:
    name: str
    rows: int
    wall: float
    first_row: float
    last_row: float
    first_rows: int  # rows there when the first appeared (Ray returns a block of --batch-size at a time)
    peak_mib: float
    exit_code: int
    load: tuple[float, float]  # 1-minute load average at the start and the end of the run

    @property
    def steady_rate(self) -> float:
        """Documents/s after the first rows came back (start-up excluded)."""
        span = self.last_row - self.first_row
        return (self.rows - self.first_rows) / span if span > 0 else float("nan")


def tree_rss_mib(root: int) -> float:
    """Summed resident memory of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total = 0
    for pid in rss:
        p = pid
        while p and p != root:
            p = parents.get(p, 0)
        if p == root:
            total += rss[pid]
    return total / 1024


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as f:
            return sum(1 for line in f if line.endswith(b"\n"))
    except FileNotFoundError:
        return 0


def measure(name: str, source: Path, out: Path) -> Measured:
    out.unlink(missing_ok=True)
    command = ["contradict", "batch", str(source), "--id-column", "body_id", "--out", str(out), *RUNS[name]]
    print(f"$ {' '.join(command)}", flush=True)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, first, last, rows, first_rows = 0.0, float("nan"), float("nan"), 0, 0
    while process.poll() is None:
        peak = max(peak, tree_rss_mib(process.pid))
        now, n = time.perf_counter() - start, count_lines(out)
        if n and n != rows:
            if rows == 0:
                first, first_rows = now, n
            last, rows = now, n
        time.sleep(0.2)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    rows = count_lines(out)
    print(stdout.strip() or stderr.strip()[-2000:], flush=True)
    load = (load_before, os.getloadavg()[0])
    return Measured(name, rows, wall, first, last, first_rows, peak, process.returncode, load)


def reported(row: dict) -> set[tuple[int, int]]:
    return {(c["claim_a"]["id"], c["claim_b"]["id"]) for c in (row["report"] or {}).get("contradictions", [])}


def best(row: dict) -> float:
    return (row["report"] or {}).get("highest_score") or 0.0


def compare(reference: Path, other: Path) -> str:
    def load(path: Path) -> dict[str, dict]:
        return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}

    a, b = load(reference), load(other)
    if set(a) != set(b):
        return f"different ids ({len(set(a) ^ set(b))} not in both)"
    same = sum(a[k] == b[k] for k in a)
    if same == len(a):
        return f"identical ({same}/{len(a)} rows)"
    same_pairs = sum(reported(a[k]) == reported(b[k]) for k in a)
    delta = max(abs(best(a[k]) - best(b[k])) for k in a)
    return (
        f"{same}/{len(a)} rows identical, same reported pairs in {same_pairs}/{len(a)}, max |Δ best score| {delta:.2g}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (default: all 1,673)")
    parser.add_argument("--runs", default="local1,ray1,ray2,local", help=f"comma-separated, of {', '.join(RUNS)}")
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="keep the outputs here (default: a temporary folder)"
    )
    args = parser.parse_args()
    names = args.runs.split(",")
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        sys.exit(f"unknown run(s) {unknown}; available: {', '.join(RUNS)}")
    bodies = default_data_root() / "news" / "fnc1_train_bodies.jsonl"
    if not bodies.is_file():
        sys.exit(f"needs {bodies} (../shared/data beside the repository)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.out_dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "bodies.jsonl"
        lines = bodies.read_text(encoding="utf-8").splitlines(keepends=True)
        source.write_text("".join(lines[: args.limit]), encoding="utf-8")
        load = os.getloadavg()[0]
        print(f"{len(lines[: args.limit])} articles of {bodies}; load average {load:.1f}, {os.cpu_count()} CPUs")
        results = [measure(name, source, folder / f"{name}.jsonl") for name in names]
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
        columns = ["run", "rows", "exit", "wall s", "first row s", "docs/s (whole run)", "docs/s (steady)"]
        columns += ["peak MiB (tree)", "load avg", "reports vs first run"]
        print("| " + " | ".join(columns) + " |")
        print("|" + "---|" * len(columns))
        for m in results:
            versus = (
                "—" if m is results[0] else compare(folder / f"{results[0].name}.jsonl", folder / f"{m.name}.jsonl")
            )
            print(
                f"| {m.name} | {m.rows} | {m.exit_code} | {m.wall:.0f} | {m.first_row:.0f} | {m.rows / m.wall:.3f} "
                f"| {m.steady_rate:.3f} | {m.peak_mib:.0f} | {m.load[0]:.1f}→{m.load[1]:.1f} | {versus} |"
            )
        scaling(results)


def scaling(results: list[Measured]) -> None:
    by_name = {m.name: m for m in results}
    if "ray1" not in by_name:
        return
    one = by_name["ray1"]
    print(
        f"\nscaling: one Ray worker (1 thread) checks {one.steady_rate:.3f} docs/s once started; start-up "
        f"(Ray, actor, model load) {one.first_row:.0f} s."
    )
    if "local1" in by_name:
        base = by_name["local1"]
        print(
            f"  local --threads 1: {base.steady_rate:.3f} docs/s; one Ray worker takes "
            f"{1 / one.steady_rate - 1 / base.steady_rate:+.2f} s per document more (the runs saw different loads: "
            "see the load column)"
        )
    if "ray2" in by_name:
        two = by_name["ray2"]
        efficiency = two.steady_rate / (2 * one.steady_rate)
        print(f"  2 workers on these 2 cores: {two.steady_rate:.3f} docs/s, {efficiency:.0%} of twice one worker")
        print(
            "  estimate for N machines of C cores (one worker per core, the driver only writes rows): "
            f"≈ N × C × {one.steady_rate:.3f} × {efficiency:.2f} docs/s after a start-up of ≈ {two.first_row:.0f} s; "
            f"e.g. 10 machines × 8 cores ≈ {80 * one.steady_rate * efficiency:.1f} docs/s, the 1,673 articles in "
            f"≈ {1673 / (80 * one.steady_rate * efficiency) / 60 + two.first_row / 60:.1f} min"
        )


if __name__ == "__main__":
    main()
