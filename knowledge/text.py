"""Words of customer texts and articles, as ranking and gap clustering compare them.

Owns the tokenizer: lowercase words, with @mentions, URLs and e-mail
addresses dropped (a mention of the brand would match every post), English
stop words and chat filler ("hi", "thanks", "please") removed, and a light
suffix stemmer so "crashes", "crashing" and "crash" are one term. Pure
functions: no database, no Django.

The stemmer is deliberately small (plural -s/-es/-ies, -ing, -ed, a final
-e, doubled consonants): Porter would need NLTK, which is not a dependency
of ours, and short support questions gain little from more.
"""

from __future__ import annotations

import re

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|@\w+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are aren't as at be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't during each
    few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't
    my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's
    these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd
    we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's will
    with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
    also just get got still yet ever even now one two us im ive dont cant wont didnt doesnt isnt
    hi hello hey dear thanks thank thx ty please pls plz help anyone guys folks team support
    ok okay yes yeah need want know tell way today much many something anything someone anyone
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def words(text: str) -> list[str]:
    """The meaningful words of a text, lowercased, in order (stop words and noise removed)."""
    cleaned = _NOISE.sub(" ", text.lower().replace("\u2019", "'"))
    found = []
    for word in _WORD.findall(cleaned):
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOP_WORDS or len(word) < 2 or (word.isdigit() and len(word) < 3):
            continue
        found.append(word)
    return found


_VOWELS = set("aeiouy")


def stem(word: str) -> str:
    """A light English stem: "crashes", "crashing", "crashed" -> "crash"; "refunds" -> "refund"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        # "need", "bring" and "seeing" keep their ending: what is left must hold a vowel and
        # three letters, and not end in "e".
        if word.endswith(suffix) and len(base) >= 3 and _VOWELS & set(base) and not base.endswith("e"):
            word = base
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS | {"s", "l"}:
        word = word[:-1]  # "resett" -> "reset", "stopp" -> "stop"
    elif len(word) > 4 and word.endswith("ll") and word[-3] in _VOWELS:
        word = word[:-1]  # "cancell" -> "cancel"
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]  # "change" and "chang(ing)" meet
    return word


def tokens(text: str) -> list[str]:
    """The stemmed terms of a text, in order, repeats kept."""
    return [stem(word) for word in words(text)]
