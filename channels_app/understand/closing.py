"""Closing remarks: a customer's "thanks!" or "all sorted, bye" that asks for nothing.

Owns is_closing_remark(text, intent). Helpdesks that treat every customer
message as a new request reopen resolved cases and start response clocks on
a thank-you (a known defect of several); a closing remark does neither: the
case stays resolved, no next-response clock starts. It is still stored and
shown on the timeline.

A message is a closing remark when it asks for nothing and says little:
- it has no question mark and its intent is praise or other (a complaint,
  a question, a churn threat or a sales lead is a request, whatever else it
  says);
- either it is praise (a compliment after the case is done is a closing
  word), or it contains a thanks/closing cue in one of the languages the
  pipeline detects (en, es, fr, de, pt) and is short: at most
  MAX_CLOSING_WORDS words once @handles, links and emoji are removed;
- it has no "but"/"still"/"however"-style turn ("thanks but it's still
  broken" is a new request), nor a request opener ("can you", "please").
Pure function; cheap (two regular expressions over a short text).
"""

import re

from cases.choices import Intent

MAX_CLOSING_WORDS = 14

_CUE = re.compile(
    r"\b(?:thanks?|thank\s+you|thx|tks|ty|tyvm|cheers|much\s+appreciated|appreciate\s+it|"
    r"all\s+(?:good|sorted|set|fixed)|(?:that|it)\s+(?:worked|works)|works\s+now|sorted\s+now|"
    r"problem\s+solved|got\s+it|perfect|brilliant|awesome|great\s+stuff|no\s+worries|bye|have\s+a\s+(?:good|nice)\s+\w+|"
    r"gracias|muchas\s+gracias|perfecto|genial|"
    r"merci|parfait|"
    r"danke|vielen\s+dank|super|"
    r"obrigad[oa]|valeu|perfeito)\b",
    re.IGNORECASE,
)
# A turn or a request: the message wants something after all.
_REQUEST = re.compile(
    r"\b(?:but|still|however|although|though|except|can\s+you|could\s+you|would\s+you|please|pls|plz|"
    r"when\s+will|why|how|help|pero|todav[ií]a|mais|toujours|aber|immer\s+noch|noch\s+nicht|mas|ainda)\b",
    re.IGNORECASE,
)
_NOISE = re.compile(r"(?:@\w+|https?://\S+|#\w+|[^\w\s'])", re.UNICODE)


def is_closing_remark(text: str, intent: str) -> bool:
    """True when an inbound message only closes the conversation (see the module docstring)."""
    if "?" in text or intent not in (Intent.PRAISE, Intent.OTHER):
        return False
    if _REQUEST.search(text):
        return False
    if intent == Intent.PRAISE:
        return True
    words = _NOISE.sub(" ", text).split()
    return bool(_CUE.search(text)) and len(words) <= MAX_CLOSING_WORDS
