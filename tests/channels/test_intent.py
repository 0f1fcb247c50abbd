"""Intent rules (channels_app.understand.intent), one test per rule and per precedence.

The rules: churn_threat > sales_lead > complaint/question (negative posts) >
praise (positive) > question/other (neutral). Each rule gets realistic posts;
precedence tests put two rules in one post. No database.
"""

import json
from pathlib import Path

import pytest

from cases.choices import Intent
from channels_app.understand import analyze_sentiment, classify_intent

DEV_PATH = Path(__file__).resolve().parents[2] / "channels_app" / "understand" / "dev_posts.jsonl"


def intent_of(text: str) -> str:
    return classify_intent(text, analyze_sentiment(text).label)


@pytest.mark.parametrize(
    "text",
    [
        "@united i'm done. switching to @Delta for good. 20 yrs of loyalty down the drain",
        "@AmericanAir never flying AA again. never.",
        "@SkyJet last time i book with you. cheap tickets aren't worth this",
        "@comcast cancelling my service. switching to fiber the day it's available",
        "@DoorDash deleting the app. @UberEats here I come",
        "@BankofAmerica closing all my accounts and moving to a credit union",
        "@Spectrum if this outage isn't fixed by tomorrow I'm cancelling. I mean it",
        "@VirginAmerica used to love you guys. this trip has me looking at @AlaskaAir instead",
    ],
)
def test_a_customer_saying_they_leave_is_a_churn_threat(text):
    assert intent_of(text) == Intent.CHURN_THREAT


@pytest.mark.parametrize(
    "text",
    [
        "@Sprint can I keep my number if I switch to a prepaid plan?",
        "@Netflix how do I cancel my subscription?",
    ],
)
def test_cancel_or_switch_in_a_plain_question_is_not_a_churn_threat(text):
    assert intent_of(text) == Intent.QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "@Verizon looking to add 3 lines for my kids, are there family discounts right now?",
        "@NetLinkISP interested in your 1gig plan for our coworking space, can someone reach out?",
        "@JetBlue thinking about getting the JetBlue card, does it come with free checked bags?",
        "@BestBuy need 15 laptops for a small business, do you do volume pricing?",
        "@united we're planning a group trip for 25 people to Hawaii. who do I talk to about group fares?",
        "@TMobile thinking of switching from Verizon, 4 lines. what promos do you have?",
        "@AcmeAir chartering a plane for a wedding party of ~60, can someone DM me pricing?",
    ],
)
def test_a_customer_who_means_to_buy_is_a_sales_lead(text):
    assert intent_of(text) == Intent.SALES_LEAD


def test_a_bare_price_question_is_a_question_not_a_lead():
    assert intent_of("@Spectrum what are your prices for internet only, no TV?") == Intent.QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "@united flight 1547 Cancelled Flightled, on hold 2 hrs, nobody answers",
        "@AmericanAir ur website charged me twice for the same ticket",
        "@JetBlue really? you cancel and the only option is 2 days later? #unacceptable",
        "@SouthwestAir why does it take 45 minutes to get bags at HOU?? plane's been parked forever",
        "@BankofAmerica Hello, there's a charge on my statement I don't recognize. How do I dispute it?",
    ],
)
def test_a_negative_report_is_a_complaint(text):
    assert intent_of(text) == Intent.COMPLAINT


@pytest.mark.parametrize(
    "text",
    [
        "@Delta where is my bag? it's been 4 days.",
        "@AcmeAir can someone help? my booking disappeared and I fly tomorrow",
        "@united why is it so hard to get a refund for a flight YOU cancelled?",
    ],
)
def test_a_negative_post_that_opens_with_a_request_is_a_question(text):
    assert intent_of(text) == Intent.QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "My bag never came off the belt at BCN. It has all my medication in it. Where is it?\n\n"
        "I would appreciate a quick response.",
        "My bag never came off the belt at BCN. Where is it?\n\nKind regards,\nSam",
        "The handle came off and there's a huge crack down the side. Thanks for that. Sort it out.",
        "Dear Acme Air team,\n\nMy bag has been missing for 4 days. Where is it?\n\nMany thanks,\nSam",
    ],
)
def test_a_complaint_with_courtesy_formulae_or_sarcastic_thanks_is_a_complaint(text):
    assert intent_of(text) == Intent.COMPLAINT


@pytest.mark.parametrize(
    "text",
    [
        "Hi,\n\nWhere is my refund? It's been six weeks and nobody answers.",
        "Dear Acme Air team,\nWhere is my bag? It's been 4 days.",
        "Hi there,\n\nWhere is my refund? It's been six weeks.\n\nKind regards,\nSam",
    ],
)
def test_a_greeting_before_a_request_does_not_hide_the_request(text):
    assert intent_of(text) == Intent.QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "Hi, what's the baggage allowance? Thanks!",
        "Dear Acme Air team,\n\nCould you tell me whether my booking includes a meal?\n\nKind regards,\nSam",
    ],
)
def test_a_question_that_closes_with_thanks_is_a_question_not_praise(text):
    assert intent_of(text) == Intent.QUESTION


@pytest.mark.parametrize("text", ["Kind regards", "Please find my booking reference below: XK93LM.\n\nThanks,\nPriya"])
def test_a_sign_off_alone_or_after_a_statement_is_other(text):
    assert intent_of(text) == Intent.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "@JetBlue shout out to the crew on flight 623. best flight I've had in years",
        "@Verizon thanks for the quick fix, service is back up 👍",
    ],
)
def test_a_positive_post_is_praise(text):
    assert intent_of(text) == Intent.PRAISE


@pytest.mark.parametrize(
    "text",
    [
        "@united what terminal does UA 88 depart from at Newark?",
        "@Chase how do I set up a travel notice on my debit card?",
        "@comcast can you DM me the link for the install form",
    ],
)
def test_a_neutral_post_that_asks_is_a_question(text):
    assert intent_of(text) == Intent.QUESTION


@pytest.mark.parametrize("text", ["@AmericanAir on my way to Dallas for work", "@Walmart just picked up my groceries"])
def test_a_neutral_statement_is_other(text):
    assert intent_of(text) == Intent.OTHER


# -- Precedence ----------------------------------------------------------------


def test_churn_threat_outranks_sales_lead():
    text = "@Verizon done with your prices. porting my number to @TMobile, interested in their family plan"
    assert intent_of(text) == Intent.CHURN_THREAT


def test_churn_threat_outranks_complaint():
    text = "@united lost my bag for the 3rd time this year. never flying united again"
    assert intent_of(text) == Intent.CHURN_THREAT


def test_sales_lead_outranks_complaint():
    text = "@comcast the installer was 3 hours late, but we're interested in adding TV. what's the price?"
    assert analyze_sentiment(text).label == "negative"
    assert intent_of(text) == Intent.SALES_LEAD


def test_sentiment_decides_between_complaint_and_praise():
    text = "@united the crew was great"
    assert classify_intent(text, "positive") == Intent.PRAISE
    assert classify_intent(text, "negative") == Intent.COMPLAINT


def test_intent_works_without_a_prior_sentiment_call():
    # classify_intent reuses the scan analyze_sentiment made of the same text;
    # called alone, on a text never scanned, it must scan it itself.
    assert classify_intent("@Delta never flying you again, and I mean never", "negative") == Intent.CHURN_THREAT
    assert classify_intent("@Target do you price match with Amazon?", "neutral") == Intent.QUESTION


def test_every_intent_is_an_intent_value():
    rows = [json.loads(line) for line in DEV_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = [intent_of(row["text"]) for row in rows]
    assert set(predicted) <= set(Intent.values)
    accuracy = sum(p == row["intent"] for p, row in zip(predicted, rows, strict=True)) / len(rows)
    print(f"\nintent accuracy on the development set: {accuracy:.3f} (n={len(rows)})")
    assert accuracy >= 0.9
