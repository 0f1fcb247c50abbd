"""Intent of one customer post: what the customer wants from the brand.

Owns classify_intent(text, sentiment_label) -> an Intent value. Rules over the
phrase families of lexicon.py, first match wins:

1. churn_threat: the customer says they are leaving: "switching to @Delta",
   "never flying you again", "last time I book with you", "deleting the
   app" (family "churn", counted whatever the sentiment). Phrases that also
   occur in plain questions ("cancel my subscription", "switch to", family
   "churn_topic") count only when the post is negative: "how do I cancel my
   subscription?" is a question, "cancelling my service, switching to fiber"
   a threat.
2. sales_lead: the customer says they mean to buy, or asks for a price for a
   group, a business or a volume (family "sales"): "looking to add 3 lines",
   "interested in your 1gig plan", "thinking about getting the card", "group
   fares", "need 15 laptops", "DM me pricing", "switching from Verizon". A
   bare price question ("what are your prices for internet only?") is a
   question: a lead states an intention.
3. complaint or question, for a negative post: a question when the post opens
   with a request (its first sentence ends in a single "?": "where is my bag?
   it's been 4 days"), a complaint otherwise. "??", "?!" and interjections
   ("seriously?") are exasperation, not a request. Greetings on their own
   ("Hi,", "Dear Acme Air team,", "Hope you are well.") are not the first
   sentence: an e-mail opens with what follows them.
4. praise, for a positive post.
5. question, for a neutral post that asks something ("?" or an opener such as
   "can I", "how do I", "is there"); other otherwise.

Why this order: losing a customer costs most and is rare, so a churn threat
outranks everything; a lead is revenue and must not drown in the question
queue; sentiment then tells complaints from praise, and only neutral posts
fall through to question/other. Pure function; it reuses the scan that
analyze_sentiment() made of the same text, so after it it costs almost nothing.
"""

import re

from cases.choices import Intent, SentimentLabel
from channels_app.understand.lexicon import GREETING
from channels_app.understand.sentiment import Scan, scan

_SENTENCE_EDGES = " \t\n,.;:!-"
# A sentence that is only a greeting: "Hi,", "Hello team", "Good morning".
_GREETING_ONLY = re.compile(GREETING)
# "seriously?", "really??", "hello?": at most two words before the "?".
_INTERJECTION = re.compile(r"\s*(?:[\w']+[\s,]*){0,2}\?")


def _opens_with_request(text: str, first_sentence_start: int, second_sentence_start: int) -> bool:
    """The first sentence is a genuine question: a single "?", more than an interjection."""
    sentence = text[first_sentence_start:second_sentence_start].rstrip()
    if not sentence.endswith("?") or sentence.endswith(("??", "?!", "!?")):
        return False
    return _INTERJECTION.fullmatch(sentence) is None


def _first_sentence(post: Scan) -> int | None:
    """Index of the first sentence that says something: greetings ("Hi,", "Dear Acme team,") are skipped."""
    openers = [(start, end) for start, end, _, family in post.cues if family.role == "courtesy"]
    text, sentences = post.text, post.sentences
    if len(sentences) == 1 and not openers:  # most posts; a lone greeting is no request either
        return 0
    for index, (start, _, _) in enumerate(sentences):
        end = sentences[index + 1][0] if index + 1 < len(sentences) else len(text)
        body = text[start:end].strip(_SENTENCE_EDGES)
        if not body or _GREETING_ONLY.fullmatch(body):
            continue
        body_start = text.index(body, start)
        if any(s <= body_start and body_start + len(body) <= e for s, e in openers):
            continue
        return index
    return None


def classify_intent(text: str, sentiment_label: str) -> str:
    """The Intent value of `text`, given its sentiment label (see the module docstring)."""
    post = scan(text)
    negative = sentiment_label == SentimentLabel.NEGATIVE
    names = {family.name for _, _, _, family in post.cues}
    if "churn" in names or (negative and "churn_topic" in names):
        return Intent.CHURN_THREAT.value
    if "sales" in names:
        return Intent.SALES_LEAD.value
    if negative:
        first = _first_sentence(post)
        if first is None:
            return Intent.COMPLAINT.value
        sentences = post.sentences
        following = sentences[first + 1][0] if first + 1 < len(sentences) else len(post.text)
        request = _opens_with_request(post.text, sentences[first][0], following)
        return Intent.QUESTION.value if request else Intent.COMPLAINT.value
    if sentiment_label == SentimentLabel.POSITIVE:
        return Intent.PRAISE.value
    asks = any(question or opener for _, question, opener in post.sentences)
    return Intent.QUESTION.value if asks else Intent.OTHER.value
