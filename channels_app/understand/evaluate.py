"""Measure the sentiment and intent classifiers on a labelled JSONL file.

Owns the figures reported in docs/UNDERSTANDING.md and asserted by
tests/channels/test_sentiment.py: precision and recall of the negative label,
3-class accuracy and the confusion matrix, for our classifier and for TextBlob
alone (negative when polarity < 0). Reads files only; no database.

Usage:
    python -m channels_app.understand.evaluate PATH [--misses] [--intent] [--timing]

Each line of PATH is {"text": ..., "sentiment": "negative|neutral|positive"}
and, optionally, "intent". --misses lists the misclassified posts; --timing
compares the cost of the whole understand step (sentiment + language +
intent) with TextBlob(text).sentiment on the same texts.
"""

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from textblob import TextBlob
from textblob.en import sentiment as pattern_sentiment

from channels_app.understand.intent import classify_intent
from channels_app.understand.language import detect_language
from channels_app.understand.sentiment import analyze_sentiment

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class Scores:
    """Figures of one classifier on one labelled set."""

    total: int
    negative_precision: float
    negative_recall: float
    accuracy: float
    confusion: dict[tuple[str, str], int]  # (gold, predicted) -> count

    def row(self, name: str) -> str:
        return (
            f"{name:<34} neg P={self.negative_precision:.3f} R={self.negative_recall:.3f} "
            f"acc={self.accuracy:.3f} (n={self.total})"
        )


def load(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(gold: Iterable[str], predicted: Iterable[str]) -> Scores:
    pairs = list(zip(gold, predicted, strict=True))
    confusion = Counter(pairs)
    true_negative = confusion[("negative", "negative")]
    predicted_negative = sum(1 for _, p in pairs if p == "negative")
    gold_negative = sum(1 for g, _ in pairs if g == "negative")
    return Scores(
        total=len(pairs),
        negative_precision=true_negative / predicted_negative if predicted_negative else 0.0,
        negative_recall=true_negative / gold_negative if gold_negative else 0.0,
        accuracy=sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0,
        confusion=dict(confusion),
    )


def care_labels(texts: Iterable[str]) -> list[str]:
    return [analyze_sentiment(text).label for text in texts]


def textblob_labels(texts: Iterable[str], negative_below: float = 0.0, positive_above: float = 0.0) -> list[str]:
    """TextBlob alone: negative when polarity < negative_below, positive when > positive_above."""
    labels = []
    for text in texts:
        polarity = pattern_sentiment(text)[0]
        if polarity < negative_below:
            labels.append("negative")
        elif polarity > positive_above:
            labels.append("positive")
        else:
            labels.append("neutral")
    return labels


def best_textblob_threshold(texts: list[str], gold: list[str]) -> tuple[float, Scores]:
    """The negative threshold on TextBlob's polarity that maximises F1 of the negative label."""
    polarities = [pattern_sentiment(text)[0] for text in texts]
    best = (0.0, score(gold, textblob_labels(texts)))
    best_f1 = -1.0
    for threshold in (-0.3, -0.2, -0.1, -0.05, 0.0, 0.01, 0.05, 0.1, 0.15, 0.2):
        predicted = [
            "negative" if p < threshold else ("positive" if p > max(threshold, 0) else "neutral") for p in polarities
        ]
        scores = score(gold, predicted)
        p, r = scores.negative_precision, scores.negative_recall
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best_f1:
            best, best_f1 = (threshold, scores), f1
    return best


def confusion_table(scores: Scores) -> str:
    lines = ["gold \\ predicted " + " ".join(f"{label:>9}" for label in LABELS)]
    for gold in LABELS:
        cells = " ".join(f"{scores.confusion.get((gold, predicted), 0):>9}" for predicted in LABELS)
        lines.append(f"{gold:<17} {cells}")
    return "\n".join(lines)


def timing_ratio(texts: list[str], rounds: int = 20) -> tuple[float, float, float]:
    """Cost per post of the understand step and of TextBlob alone, in microseconds, and their ratio.

    The two run in alternating rounds over all `texts` and the best round of
    each counts: on a shared machine the best round is the one least
    disturbed by other work, and alternating keeps both in the same state.
    """

    def understand() -> None:
        for text in texts:
            sentiment = analyze_sentiment(text)
            detect_language(text)
            classify_intent(text, sentiment.label)

    def textblob_alone() -> None:
        for text in texts:
            _ = TextBlob(text).sentiment

    best = {understand: float("inf"), textblob_alone: float("inf")}
    for run in best:  # warm up: lazy loading, compiled patterns
        run()
    for _ in range(rounds):
        for run in best:
            started = time.perf_counter()
            run()
            best[run] = min(best[run], time.perf_counter() - started)
    ours, alone = (best[run] / len(texts) * 1e6 for run in (understand, textblob_alone))
    return ours, alone, ours / alone


def report(
    rows: list[dict], *, misses: bool = False, intent: bool = False, out: Callable[[str], None] = print
) -> Scores:
    """Print the figures for `rows`; return our classifier's scores."""
    texts = [row["text"] for row in rows]
    gold = [row["sentiment"] for row in rows]
    ours_labels = care_labels(texts)
    ours = score(gold, ours_labels)
    alone = score(gold, textblob_labels(texts))
    threshold, best = best_textblob_threshold(texts, gold)
    out(ours.row("care classifier"))
    out(alone.row("TextBlob alone (polarity < 0)"))
    out(best.row(f"TextBlob best (polarity < {threshold:g})"))
    out(confusion_table(ours))
    if intent and all("intent" in row for row in rows):
        predicted = [classify_intent(text, label) for text, label in zip(texts, ours_labels, strict=True)]
        correct = sum(1 for row, p in zip(rows, predicted, strict=True) if row["intent"] == p)
        out(f"intent accuracy {correct / len(rows):.3f} (n={len(rows)})")
        if misses:
            for row, p in zip(rows, predicted, strict=True):
                if row["intent"] != p:
                    out(f"  intent {row['intent']:>12} -> {p:<12} {row['text']}")
    if misses:
        for text, g, p in zip(texts, gold, ours_labels, strict=True):
            if g != p:
                out(f"  {g:>8} -> {p:<8} {text}")
    return ours


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--misses", action="store_true", help="list misclassified posts")
    parser.add_argument("--intent", action="store_true", help="also score intents when the file has them")
    parser.add_argument("--timing", action="store_true", help="compare the cost with TextBlob alone")
    args = parser.parse_args(argv)
    rows = load(args.path)
    report(rows, misses=args.misses, intent=args.intent)
    if args.timing:
        ours, alone, ratio = timing_ratio([row["text"] for row in rows])
        print(f"understand step {ours:.1f} us/post, TextBlob(text).sentiment {alone:.1f} us/post, ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
