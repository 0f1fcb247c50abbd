"""The care sentiment classifier (channels_app.understand.sentiment).

Pins three things. The figures: precision and recall of the negative label on
the held-out evaluation set of real posts, for our classifier and for TextBlob
alone, asserted at the level measured minus a small margin so they cannot
silently get worse (run with -s to see the report; the same figures on the
development set are printed for information). The behaviours the care
lexicon exists for, each with a test named after it. And the contract:
polarity/subjectivity are TextBlob's own, the label is a SentimentLabel value,
and the whole "understand" step costs about what TextBlob alone costs.

No database.
"""

import json
from pathlib import Path

import pytest
from textblob import TextBlob

from cases.choices import SentimentLabel
from channels_app.understand import analyze_sentiment
from channels_app.understand.evaluate import (
    best_textblob_threshold,
    care_labels,
    confusion_table,
    score,
    textblob_labels,
)

EVAL_PATH = Path(__file__).parent / "data" / "sentiment_eval.jsonl"
DEV_PATH = Path(__file__).resolve().parents[2] / "channels_app" / "understand" / "dev_posts.jsonl"

# Measured on the evaluation set (docs/UNDERSTANDING.md: recall 0.843,
# precision 0.934), minus a margin of 0.02.
EVAL_NEGATIVE_RECALL_FLOOR = 0.82
EVAL_NEGATIVE_PRECISION_FLOOR = 0.91
# Ours must beat TextBlob alone (negative when polarity < 0) on recall by this much.
RECALL_LEAD_OVER_TEXTBLOB = 0.30

NEGATIVE = SentimentLabel.NEGATIVE.value
NEUTRAL = SentimentLabel.NEUTRAL.value
POSITIVE = SentimentLabel.POSITIVE.value


def _load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _figures(name: str, rows: list[dict]):
    texts = [row["text"] for row in rows]
    gold = [row["sentiment"] for row in rows]
    ours = score(gold, care_labels(texts))
    alone = score(gold, textblob_labels(texts))
    threshold, best = best_textblob_threshold(texts, gold)
    print(f"\n{name} set, {len(rows)} posts")
    print(ours.row("care classifier"))
    print(alone.row("TextBlob alone (polarity < 0)"))
    print(best.row(f"TextBlob best (polarity < {threshold:g})"))
    print(confusion_table(ours))
    return ours, alone


# -- Figures -------------------------------------------------------------------


def test_negative_label_holds_its_precision_and_recall_on_the_evaluation_set():
    # The evaluation set is the point of the exercise: a missing file fails.
    if not EVAL_PATH.exists():
        pytest.fail(f"evaluation set missing: {EVAL_PATH}")
    rows = _load(EVAL_PATH)
    assert rows, "evaluation set is empty"

    ours, alone = _figures("evaluation", rows)

    assert ours.negative_recall >= EVAL_NEGATIVE_RECALL_FLOOR
    assert ours.negative_precision >= EVAL_NEGATIVE_PRECISION_FLOOR
    assert ours.negative_recall >= alone.negative_recall + RECALL_LEAD_OVER_TEXTBLOB


def test_development_set_figures_are_reported():
    ours, alone = _figures("development", _load(DEV_PATH))

    # Tuned on this set, so only a loose floor: it is here to be read.
    assert ours.negative_recall >= 0.9
    assert ours.negative_precision >= 0.9
    assert ours.negative_recall > alone.negative_recall


# -- Behaviours ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@united flight 1547 Cancelled Flightled, on hold 2 hrs, nobody answers",
        "@AmericanAir still waiting for my refund. it's been 7 weeks",
        "@comcast no internet since 6am, no ETA on the outage page",
        "@JetBlue bag never showed up at BOS, claim filed 3 days ago",
    ],
)
def test_complaint_with_no_sentiment_word_is_negative(text):
    assert TextBlob(text).sentiment.polarity >= 0  # TextBlob sees nothing wrong...
    assert analyze_sentiment(text).label == NEGATIVE  # ...the care lexicon does


@pytest.mark.parametrize(
    "text",
    [
        "@AmericanAir thanks for nothing",
        "@united great, another delay. 4th flight in a row",
        "@Verizon love waiting on hold for an hour",
        "@comcast thanks for raising my bill without telling me",
        "@Spectrum wow so great to pay for cable that freezes every night 🙄",
        "@united rebooked on a flight 9 hours later than my original. great.",
    ],
)
def test_sarcasm_is_negative(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "@DoorDash not happy. the restaurant was closed and you still charged me",
        "@comcast not impressed. at all.",
        "@united the agent was not helpful at all",
        "@SouthwestAir not a fan of the new boarding policy",
    ],
)
def test_negated_praise_is_negative(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "@united what time does the check-in counter open at LAX for the 6am flight?",
        "@JetBlue will flights out of BOS be Cancelled Flightled tomorrow because of the storm?",
        "@Verizon does the unlimited plan include hotspot?",
        "@Delta how do I add my known traveler number to an existing booking?",
        "@comcast is there an outage in zip 94110?",
    ],
)
def test_neutral_information_question_is_neutral(text):
    assert analyze_sentiment(text).label == NEUTRAL


@pytest.mark.parametrize(
    "text",
    [
        "@united what happens if my flight is cancelled?",
        "@AmericanAir if my bag is delayed, what am I allowed to buy?",
        "@ATT if there's an outage in my area, do I get a credit on my bill?",
    ],
)
def test_hypothetical_question_is_neutral(text):
    assert analyze_sentiment(text).label == NEUTRAL


@pytest.mark.parametrize(
    "text",
    [
        "@united why is it so hard to get a refund for a flight YOU cancelled?",
        "@AmericanAir is anyone working today? 3 hours on hold",
        "@USAirways how do you lose a pilot??",
    ],
)
def test_rhetorical_complaint_question_is_negative(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "@Verizon thanks for the quick fix, service is back up 👍",
        "@Delta lost my bag yesterday, found and delivered this morning. thanks",
        "@DoorDash ok you redeemed yourselves, full refund + credit. thanks",
        "@united I was mad about the delay but you got me on the earlier flight. much appreciated",
    ],
)
def test_thanks_after_a_fix_is_positive(text):
    assert analyze_sentiment(text).label == POSITIVE


@pytest.mark.parametrize(
    "text",
    [
        "@Delta Hello, just wanted to let you know my bag arrived damaged on DL 1892. Thanks.",
        "@united thanks for the 3am hotel shuttle that never showed up",
    ],
)
def test_thanks_in_a_complaint_does_not_make_it_positive(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    ["@united i'm done. switching to @Delta for good", "@AmericanAir never flying AA again. never."],
)
def test_churn_threat_is_negative(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "@SouthwestAir no delays, no problems, great flight",
        "@Verizon 12 years with you and never had a dropped call",
        "@united despite the delay the crew was amazing",
    ],
)
def test_negated_or_conceded_problem_is_not_a_complaint(text):
    assert analyze_sentiment(text).label != NEGATIVE


@pytest.mark.parametrize("text", ["", "   ", "@united", "https://t.co/abc", "👍"])
def test_degenerate_posts_get_a_label(text):
    assert analyze_sentiment(text).label in SentimentLabel.values


# -- Contract ------------------------------------------------------------------


def test_polarity_and_subjectivity_equal_textblobs():
    texts = [row["text"] for row in _load(DEV_PATH)] + ["", "not bad at all!!", "WORST. AIRLINE. EVER. 😡"]
    for text in texts:
        sentiment = analyze_sentiment(text)
        expected = TextBlob(text).sentiment
        assert sentiment.polarity == pytest.approx(expected.polarity, abs=1e-12), text
        assert sentiment.subjectivity == pytest.approx(expected.subjectivity, abs=1e-12), text
        assert -1.0 <= sentiment.polarity <= 1.0
        assert 0.0 <= sentiment.subjectivity <= 1.0


def test_sentiment_is_an_immutable_value():
    sentiment = analyze_sentiment("@united thanks!")
    with pytest.raises(AttributeError):
        sentiment.label = NEGATIVE  # type: ignore[misc]
