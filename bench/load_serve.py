"""Load test of `contradict serve` (run by hand, not in CI): N concurrent clients × M requests mixing normal,
oversized and malformed bodies against a server this script starts on 127.0.0.1.

Usage: python bench/load_serve.py [--clients 6] [--requests 8] [--concurrency 1] [--queue 4] [--threads N]
                                  [--max-chars 20000] [--seconds 600] [--model DIR]

Prints requests per second, p50/p95 latency of the normal requests, the answers by status (how many 503s), whether
every normal request got its own correct report (compared with a direct `contradict.detect` call in this process
on the same text), and the server's resident memory after loading and at its peak. Every normal request carries
a name of its own, so a report sent to the wrong request is caught by its `documents`. A 503 is retried after its
Retry-After (at most 10 s), so a normal request ends with a report unless the time budget runs out. Nothing
leaves this machine: the server listens on loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

import contradict
from contradict.cli.serve import listen
from contradict.pipeline.nli import Backend

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no progress bars from the direct checks
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"
OPTIONS = {"threshold": 0.0, "top": 5}  # every report lists pairs, so that scores are compared too
DRAFTS = 12  # distinct drafts: windows of the example story
SENTENCES = 6  # sentences per draft
MAX_RETRY_WAIT = 10.0


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # of normal requests answered 200
    retries: int = 0
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    unanswered: int = 0


def drafts() -> list[str]:
    """Windows of the example story's sentences: short enough for a quick check, each with its own pairs."""
    sentences = [s for s in re.split(r"(?<=[.!?”])\s+", STORY.read_text(encoding="utf-8")) if len(s.split()) > 4]
    step = max(1, (len(sentences) - SENTENCES) // DRAFTS)
    return [" ".join(sentences[i * step : i * step + SENTENCES]) for i in range(DRAFTS)]


def expected_reports(texts: list[str], model: str | None) -> list[dict]:
    """Each draft checked directly with the library, as the server checks it (backend auto is torch there)."""
    return [
        contradict.detect(contradict.Document("draft", t), model=model, backend=Backend.torch, **OPTIONS).to_dict()
        for t in texts
    ]


def same_report(got: dict, want: dict, name: str) -> str | None:
    """None when ``got`` is ``want`` for a draft named ``name`` (scores to 1e-4); else what differs."""
    if got.get("documents") != [name]:
        return f"documents {got.get('documents')} instead of [{name!r}]"
    claims = [(c["text"], c["start"], c["end"]) for c in got["claims"]]
    if claims != [(c["text"], c["start"], c["end"]) for c in want["claims"]]:
        return "other claims"
    pairs = [(c["claim_a"]["id"], c["claim_b"]["id"], c["score"]) for c in got["contradictions"]]
    wanted = [(c["claim_a"]["id"], c["claim_b"]["id"], c["score"]) for c in want["contradictions"]]
    if len(pairs) != len(wanted) or any(
        (a, b) != (wa, wb) or abs(s - ws) > 1e-4 for (a, b, s), (wa, wb, ws) in zip(pairs, wanted, strict=True)
    ):
        return f"other pairs: {pairs} instead of {wanted}"
    return None


def peak_and_current_rss_mib(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


async def client(
    k: int, url: str, args: argparse.Namespace, texts: list[str], want: list[dict], tally: Tally, stop_at: float
) -> None:
    rng = random.Random(k)
    async with httpx.AsyncClient(base_url=url, timeout=args.timeout + 30) as http:
        for i in range(args.requests):
            if time.monotonic() > stop_at:
                tally.unanswered += args.requests - i
                return
            kind = rng.choices(("normal", "oversized", "malformed"), weights=(70, 15, 15))[0]
            d = rng.randrange(len(texts))
            name = f"client{k}-request{i}-draft{d}"
            if kind == "normal":
                body = json.dumps({"text": texts[d], "name": name, **OPTIONS}).encode()
            elif kind == "oversized":
                body = json.dumps({"text": "The sky is blue. " * (args.max_chars // 17 + 1), "name": name}).encode()
            else:
                body = json.dumps({"text": texts[d], "name": name})[:-7].encode()
            while True:
                started = time.perf_counter()
                response = await http.post("/api/check", content=body, headers={"content-type": "application/json"})
                seconds = time.perf_counter() - started
                tally.statuses[response.status_code] += 1
                if response.status_code == 503 and time.monotonic() < stop_at:
                    tally.retries += 1
                    await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), MAX_RETRY_WAIT))
                    continue
                break
            expected_status = {"normal": 200, "oversized": 413, "malformed": 400}[kind]
            if response.status_code != expected_status:
                tally.wrong.append(f"{name} ({kind}): {response.status_code} {response.text[:120]}")
            elif kind == "normal":
                tally.latencies.append(seconds)
                problem = same_report(response.json(), want[d], name)
                if problem:
                    tally.wrong.append(f"{name}: {problem}")
                else:
                    tally.correct += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def run(args: argparse.Namespace) -> int:
    texts = drafts()
    print(f"expected reports: checking {len(texts)} drafts of {SENTENCES} sentences directly …", flush=True)
    want = expected_reports(texts, args.model)
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()  # the server binds it again; a loopback port freed this instant stays free
    command = [sys.executable, "-m", "contradict", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--concurrency", str(args.concurrency), "--queue", str(args.queue)]
    command += ["--max-chars", str(args.max_chars), "--timeout", str(args.timeout)]
    command += ["--model", args.model] if args.model else []
    command += ["--threads", str(args.threads)] if args.threads else []
    log = Path(args.log)
    with log.open("w") as err:
        server = subprocess.Popen(command, stderr=err, stdout=err)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            while True:
                if server.poll() is not None:
                    print(f"the server exited ({server.returncode}); see {log}")
                    return 1
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        loaded_peak, loaded_rss = peak_and_current_rss_mib(server.pid)
        print(f"server ready in {time.monotonic() - started:.1f} s ({' '.join(command[2:])})", flush=True)
        tally = Tally()
        begin = time.monotonic()
        stop_at = begin + args.seconds
        await asyncio.gather(*(client(k, url, args, texts, want, tally, stop_at) for k in range(args.clients)))
        wall = time.monotonic() - begin
        peak, now = peak_and_current_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    answered = sum(tally.statuses.values())
    normal = len(tally.latencies)
    print(f"{args.clients} clients × {args.requests} requests, server {' '.join(command[8:])}: {wall:.1f} s")
    print(
        f"  answers {answered} ({answered / wall:.2f}/s, retries of 503 included): "
        + ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    )
    print(f"  503 (queue full, retried after Retry-After): {tally.statuses[503]}")
    print(
        f"  normal requests answered 200: {normal} ({normal / wall:.2f}/s), "
        f"latency p50 {percentile(tally.latencies, 0.5):.2f} s, p95 {percentile(tally.latencies, 0.95):.2f} s"
    )
    print(
        f"  own correct report (same as a direct detect call): {tally.correct} of {normal}; "
        f"wrong answers: {len(tally.wrong)}; not sent (time budget): {tally.unanswered}"
    )
    for line in tally.wrong[:10]:
        print(f"    {line}")
    print(
        f"  server RSS: {loaded_rss:.0f} MiB after loading, {now:.0f} MiB at the end, peak {peak:.0f} MiB "
        f"(peak while loading {loaded_peak:.0f} MiB); server log: {log}"
    )
    return 0 if not tally.wrong and server.returncode in (0, -15) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--requests", type=int, default=8, help="per client")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--queue", type=int, default=4)
    parser.add_argument("--max-chars", type=int, default=20_000)
    parser.add_argument("--timeout", type=float, default=120.0, help="the server's --timeout")
    parser.add_argument("--seconds", type=float, default=600.0, help="stop sending new requests after this")
    parser.add_argument("--model", default=None)
    parser.add_argument("--threads", type=int, default=None, help="the server's --threads")
    parser.add_argument("--log", default="/tmp/contradict-load-serve.log")
    args = parser.parse_args()
    if args.clients * args.requests > 1000:
        parser.error("at most 1000 requests in all")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
