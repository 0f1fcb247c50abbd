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
import re
from pathlib import Path

import pytest
from textblob import TextBlob

from cases.choices import SentimentLabel
from channels_app.understand import analyze_sentiment
from channels_app.understand import lexicon as lx
from channels_app.understand.evaluate import (
    best_textblob_threshold,
    care_labels,
    confusion_table,
    score,
    textblob_labels,
)
from channels_app.understand.sentiment import _LEXICON, _split_top_level, normalize

EVAL_PATH = Path(__file__).parent / "data" / "sentiment_eval.jsonl"
DEV_PATH = Path(__file__).resolve().parents[2] / "channels_app" / "understand" / "dev_posts.jsonl"

# Measured on the evaluation set (docs/UNDERSTANDING.md: recall 0.843,
# precision 0.934), minus a margin of 0.02. With the courtesy rules precision
# is 0.929 (one post, explained in the docs): the floor is kept, not lowered.
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


# -- Courtesy formulae, closing thanks, sarcastic thanks, demands ------------------

MEDICATION_BAG = "My bag never came off the belt at BCN. It has all my medication in it. Where is it?"
# Complaints that carry just enough evidence to be negative: a formula that
# counted as praise would tip them.
COMPLAINTS = [MEDICATION_BAG, "The driver never showed up.", "My suitcase arrived with a big dent in it."]


@pytest.mark.parametrize("complaint", COMPLAINTS)
def test_the_complaint_the_formulae_are_added_to_is_negative_on_its_own(complaint):
    assert analyze_sentiment(complaint).label == NEGATIVE


@pytest.mark.parametrize("complaint", COMPLAINTS)
@pytest.mark.parametrize(
    "closer",
    [
        "\n\nI would appreciate a quick response.",
        "\n\nKind regards,\nSam",
        "\n\nBest regards,\nSam Jones",
        "\n\nWarm regards, Anna",
        "\n\nBest,\nSam",
        "\n\nAll the best,\nTom",
        "\n\nYours sincerely,\nSam Jones",
        " Thanks in advance.",
        "\n\nThank you for your help in advance.",
        "\n\nMany thanks,\nSam",
        "\n\nCheers,\nSam",
        "\n\nCheers",
        " Thanks, Sam",
        "\n\nThank you for your time.",
        "\n\nI look forward to hearing from you.",
        " Looking forward to your reply.",
        " Appreciate any help.",
        " Any help would be greatly appreciated.",
        " I would be grateful for a prompt reply.",
        " Hope you can help.",
        " Have a great day!",
    ],
)
def test_courtesy_closer_does_not_turn_a_complaint_into_praise(complaint, closer):
    assert analyze_sentiment(complaint + closer).label == NEGATIVE


@pytest.mark.parametrize("complaint", COMPLAINTS)
@pytest.mark.parametrize(
    "opener",
    [
        "Hi there,\n\n",
        "Dear Acme Air team,\n\n",
        "Hope you are well. ",
        "Dear Sir or Madam,\nI hope this email finds you well.\n",
        "Thank you for your reply. ",
    ],
)
def test_courtesy_opener_does_not_soften_a_complaint(complaint, opener):
    assert analyze_sentiment(opener + complaint + "\n\nKind regards,\nSam").label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "Kind regards",
        "Best regards,\nSam",
        "Hope you are well.",
        "Dear Acme Air team,",
        "Thanks in advance",
        "I look forward to hearing from you.",
    ],
)
def test_courtesy_formula_alone_is_neutral(text):
    assert analyze_sentiment(text).label == NEUTRAL


@pytest.mark.parametrize(
    "text",
    [
        "Hi, what's the baggage allowance? Thanks!",
        "@united can I bring my cat in the cabin? thank you",
        "Hello, does the unlimited plan include roaming in Canada? Many thanks",
        "What time does check-in open for the 6am flight to Lisbon? Cheers",
        "@Verizon is 5G available in Boise yet? Thanks for your help",
        "Dear Acme Air team,\n\nCould you tell me whether my booking includes a meal?\n\nKind regards,\nSam",
        "Hope you are well. Is there a student discount on the annual plan? Best regards, Lee",
    ],
)
def test_thanks_closing_a_question_is_neutral(text):
    assert analyze_sentiment(text).label == NEUTRAL


@pytest.mark.parametrize(
    "text",
    [
        "I'm flying to Boston on the 12th with my dog, she will be in the cabin.\n\nBest regards,\nSam",
        "Please find my booking reference below: XK93LM.\n\nThanks,\nPriya",
        "I'm flying to Boston on the 12th with my dog. She is a small terrier. Her carrier is soft-sided. Thanks!",
    ],
)
def test_sign_off_of_a_neutral_e_mail_is_not_praise(text):
    assert analyze_sentiment(text).label == NEUTRAL


@pytest.mark.parametrize(
    "text",
    [
        "thanks for sorting my refund so fast!",
        "Many thanks for sorting my refund so fast!",
        "Cheers for sorting my refund so quickly, really appreciated",
        "@AcmeAir arrived 20 min early! thank you",
        "the agent on the phone stayed with me for an hour until everything was rebooked. thank you Darnell!",
        "Your agent found my bag and had it delivered to my hotel.\n\nThank you so much,\nSam",
        "Hi there,\n\nJust wanted to say the crew on AC123 were amazing with my kids.\n\nKind regards,\nSam",
        "@united thanks so much!",
    ],
)
def test_genuine_thanks_for_something_done_stays_positive(text):
    assert analyze_sentiment(text).label == POSITIVE


@pytest.mark.parametrize(
    "text",
    [
        "The handle came off and there's a huge crack down the side. Thanks for that. Sort it out.",
        "The suitcase arrived with a huge crack down the side. Thanks for that.",
        "Two hours on hold and then they hung up. Thanks a bunch.",
        "Delivered to the wrong address again. Cheers for that.",
        "You lost my bag on a direct flight. Great job.",
        "My package was left in the rain and everything is soaked. Well done.",
        "@AcmeAir your app crashed at checkout and charged me anyway. nice one",
        "@united delayed 3 hours and no one told us anything. Thanks for that, United.",
    ],
)
def test_thanks_or_praise_on_its_own_after_a_complaint_is_sarcasm(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "Great job on the rebooking, you got us home a day early.",
        "The crew were lovely and we landed early. Well done!",
        "Thanks for that, the agent found my bag and it's on its way to my hotel.",
        "The gate agent in Denver went out of her way to rebook me. Great job!",
        "@united the crew did a great job with the medical emergency on our flight",
        "@Delta flight was delayed 2 hours but the crew kept us updated the whole time. great job",
    ],
)
def test_thanks_or_praise_without_a_complaint_before_it_is_not_sarcasm(text):
    assert analyze_sentiment(text).label == POSITIVE


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeAir sort it out",
        "@ATT third outage this week. sort your network out",
        "The wifi has been down since Monday. Fix it.",
        "@AcmeAir the kiosk ate my boarding pass. get it sorted",
        "Third delay this month. Do better.",
        "@AcmeAir get it together",
    ],
)
def test_imperative_demand_is_negative(text):
    assert analyze_sentiment(text).label == NEGATIVE


@pytest.mark.parametrize("text", ["", "   ", "@united", "https://t.co/abc", "👍"])
def test_degenerate_posts_get_a_label(text):
    assert analyze_sentiment(text).label in SentimentLabel.values


# -- Contract ------------------------------------------------------------------


def test_polarity_and_subjectivity_equal_textblobs():
    texts = [row["text"] for row in _load(DEV_PATH)] + [
        "",
        "not bad at all!!",
        "WORST. AIRLINE. EVER. 😡",
        MEDICATION_BAG + "\n\nKind regards,\nSam",  # formulae leave the label, not the polarity
        "Best regards,\nSam",
    ]
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


def test_lexicon_scanner_finds_what_a_plain_ordered_alternation_finds():
    # The scanner is a trie of the lexicon, rearranged for speed: it must
    # match exactly the spans that the lexicon's fragments, tried in order,
    # would.
    fragments = [part for family in lx.FAMILIES + lx.MARKERS for p in family.patterns for part in _split_top_level(p)]
    plain = re.compile(r"(?<![\w@])(?:" + "|".join(fragments) + r")(?!\w)")
    texts = [normalize(row["text"]) for row in _load(DEV_PATH)]
    texts += ["waited 2 hrs, 3rd time, 10/10 would not fly again", "24/7 support my ass. 45 min on hold #fail"]
    for text in texts:
        assert [m.span() for m in _LEXICON.scanner.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_family_of_a_match_does_not_depend_on_what_was_seen_before():
    # family_at remembers answers per phrase; a phrase whose family depends on
    # its context ("great" closing a post is irony) must not be remembered.
    texts = [normalize(row["text"]) for row in _load(DEV_PATH)]
    texts += [normalize("That was great. " + text) + " great." for text in texts[:50]]
    for _ in range(2):
        for text in texts:
            for match in _LEXICON.scanner.finditer(text):
                first = next(f for f, regex, _ in _LEXICON.per_family if regex.match(text, match.start()))
                assert _LEXICON.family_at(text, *match.span()) is first, (text, match.group())
