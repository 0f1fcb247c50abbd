"""Closing remarks (channels_app.understand.closing): a "thanks!" closes, a request does not.

Each message goes through the real sentiment and intent steps first, as in
ingestion, so the pair is judged the way the pipeline judges it.
"""

import pytest

from channels_app.understand import analyze_sentiment, classify_intent
from channels_app.understand.closing import is_closing_remark


def closing(text: str) -> bool:
    return is_closing_remark(text, classify_intent(text, analyze_sentiment(text).label))


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeAirCare thanks!",
        "@AcmeAirCare Thank you so much, all sorted now 🙏",
        "ok cheers",
        "That worked, thx",
        "Got it, have a good weekend",
        "@AcmeAirCare perfect, bag arrived this morning. You guys are great!",
        "Muchas gracias, ya está resuelto",
        "Merci beaucoup !",
        "Vielen Dank, hat funktioniert",
        "Obrigado pela ajuda",
        "Thanks Sam, brilliant service as always https://t.co/x1",
    ],
)
def test_a_short_thanks_or_praise_is_a_closing_remark(text):
    assert closing(text)


@pytest.mark.parametrize(
    "text",
    [
        "thanks but it's still broken",
        "Thanks. When will the refund reach my card?",
        "thank you, can you also change my seat to an aisle?",
        "Thanks for nothing, I'm switching to SkyJet",
        "cheers, however the app still logs me out every hour",
        "Gracias pero todavía no tengo mi maleta",
        "Merci mais toujours pas de remboursement",
        "Danke, aber das Paket ist immer noch nicht da",
        "Obrigado mas ainda não recebi o reembolso",
        "My flight was cancelled and nobody answers the phone",
        "thanks for the reply. I paid twice for my seat upgrade on AC12 and the second charge has not"
        " been refunded after three weeks of waiting and calling your team",
    ],
)
def test_a_request_a_complaint_or_a_turn_is_not_a_closing_remark(text):
    assert not closing(text)
