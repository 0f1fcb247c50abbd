"""Ingestion benchmark: posts per second through the real pipeline into
PostgreSQL, beside TextBlob's sentiment alone on the same texts, measured
in the same run, and the import's peak memory.

Usage: python -m bench.ingest --posts 100000 [--posts 10000 ...]
Needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/socialcrm_bench);
that database is dropped and re-created for each size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.twcs_generator import generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socialcrm_bench"
GOAL_RATIO = 0.6
GOAL_PEAK_MB = 300


def _reset_database(url: str, *, create: bool = True) -> None:
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def _quiet_database(url: str) -> None:
    """Drop the bench database and flush PostgreSQL's buffers, so that its
    background work (autovacuum of the fresh tables, checkpoints) does not
    steal the second core from whatever is measured next."""
    _reset_database(url, create=False)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    time.sleep(2)


def _django(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "bench-only-secret-key-" + "x" * 40}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )


def textblob_alone(path: Path) -> float:
    """Posts per second of TextBlob(text).sentiment over every text of the file, in a fresh interpreter."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--textblob-only", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def _textblob_only(path: Path) -> None:
    from textblob import TextBlob

    with open(path, newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    _ = TextBlob("warm up the lexicon").sentiment
    started = time.perf_counter()
    for text in texts:
        _ = TextBlob(text).sentiment
    print(len(texts) / (time.perf_counter() - started))


def import_once(path: Path, url: str) -> tuple[float, int, float]:
    """Import the file into a fresh database in its own process: (seconds, stored, peak MB)."""
    _reset_database(url)
    _django(["migrate", "--noinput", "-v", "0"], url)
    output = _django(["import_posts", str(path), "--format", "twcs", "--channel", "bench"], url).stdout
    seconds = float(re.search(r"Time: ([\d.]+) s", output).group(1))
    stored = int(re.search(r"Stored: ([\d,]+)", output).group(1).replace(",", ""))
    peak = float(re.search(r"Peak memory: ([\d.]+) MB", output).group(1))
    _quiet_database(url)
    return seconds, stored, peak


def run_size(posts: int, url: str, workdir: Path, repeats: int) -> dict:
    path = workdir / f"twcs_{posts}.csv"
    counts = generate(path, posts=posts)
    lengths = _text_lengths(path)
    # Interleaved, so a slow spell of this noisy machine hits both sides alike.
    import_seconds, textblob_rates, peaks = [], [], []
    for _ in range(repeats):
        textblob_rates.append(textblob_alone(path))
        seconds, stored, peak = import_once(path, url)
        import_seconds.append(seconds)
        peaks.append(peak)
    pipeline_rates = [counts["rows"] / seconds for seconds in import_seconds]
    pipeline_rate = statistics.median(pipeline_rates)
    textblob_rate = statistics.median(textblob_rates)
    return {
        "posts": counts["rows"],
        "inbound_share": round(counts["inbound"] / counts["rows"], 3),
        "mean_text_length": lengths,
        "stored": stored,
        "repeats": repeats,
        "pipeline_posts_per_second": round(pipeline_rate),
        "pipeline_runs": [round(rate) for rate in pipeline_rates],
        "textblob_alone_posts_per_second": round(textblob_rate),
        "textblob_runs": [round(rate) for rate in textblob_rates],
        "ratio_to_textblob": round(pipeline_rate / textblob_rate, 3),
        "goal_ratio": GOAL_RATIO,
        "peak_memory_mb": max(peaks),
        "goal_peak_memory_mb": GOAL_PEAK_MB,
    }


def _text_lengths(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    inbound = [len(row["text"]) for row in rows if row["inbound"] == "True"]
    return {
        "all": round(statistics.mean(len(row["text"]) for row in rows), 1),
        "inbound": round(statistics.mean(inbound), 1) if inbound else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, action="append", help="size(s) to run (default 10000 and 100000)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs per size; medians are reported")
    parser.add_argument("--textblob-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.textblob_only:
        _textblob_only(args.textblob_only)
        return
    sizes = args.posts or [10_000, 100_000]
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)

    results = [run_size(size, url, workdir, args.repeats) for size in sizes]
    print(f"{'posts':>9} {'pipeline/s':>11} {'TextBlob/s':>11} {'ratio':>6} {'goal':>5} {'peak MB':>8} {'goal':>5}")
    for row in results:
        ratio_mark = "" if row["ratio_to_textblob"] >= GOAL_RATIO else "  << below goal"
        memory_mark = "" if row["peak_memory_mb"] < GOAL_PEAK_MB else "  << above goal"
        print(
            f"{row['posts']:>9,} {row['pipeline_posts_per_second']:>11,} {row['textblob_alone_posts_per_second']:>11,}"
            f" {row['ratio_to_textblob']:>6.2f} {GOAL_RATIO:>5} {row['peak_memory_mb']:>8.1f} {GOAL_PEAK_MB:>5}"
            f"{ratio_mark}{memory_mark}"
        )
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    previous["ingest"] = results
    args.output.write_text(json.dumps(previous, indent=2))
    print(f"Results written to {args.output}")


if __name__ == "__main__":
    main()
