"""The "understand" step of ingestion: sentiment, language and intent of a post.

Re-exports the three functions the pipeline calls; each lives in its own
module (sentiment.py, language.py, intent.py), with the care lexicon as data
in lexicon.py. Pure functions: no database, no network.
"""

from channels_app.understand.intent import classify_intent as classify_intent
from channels_app.understand.language import detect_language as detect_language
from channels_app.understand.sentiment import Sentiment as Sentiment
from channels_app.understand.sentiment import analyze_sentiment as analyze_sentiment
