"""Sentiment of one customer post: TextBlob's scores plus a care-tuned label.

Owns analyze_sentiment() and the Sentiment value it returns. polarity and
subjectivity are TextBlob's (its pattern lexicon), unchanged but for clamping;
the label is decided here, from those scores *and* the care lexicon in
lexicon.py, because TextBlob alone calls most real complaints neutral
("on hold 2 hrs, nobody answers" has no opinion word). The label leaves out
courtesy formulae, TextBlob's scores for their words included ("Kind regards"
is not praise); the polarity returned is TextBlob's all the same.
docs/UNDERSTANDING.md explains the rules and the measured figures.

Pure functions: no database, no network, no corpora. Everything is compiled
at import; a call costs one pass of TextBlob's pattern engine, one regex scan
of the care lexicon and a few dictionary look-ups.
"""

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from textblob.en import sentiment as pattern_sentiment

from cases.choices import SentimentLabel
from channels_app.understand import lexicon as lx

# The label values, looked up once (an enum member lookup per post is not free).
_NEGATIVE = SentimentLabel.NEGATIVE.value
_NEUTRAL = SentimentLabel.NEUTRAL.value
_POSITIVE = SentimentLabel.POSITIVE.value
# Evidence needed to call a post negative / positive, in complaint units.
NEGATIVE_THRESHOLD = 1.0
POSITIVE_THRESHOLD = 0.75

# TextBlob's polarity joins the evidence at these rates: a polarity of -0.67
# ("terrible") is a complaint on its own, +0.9 ("great!") is praise.
TEXTBLOB_NEGATIVE_RATE = 1.25
TEXTBLOB_POSITIVE_RATE = 0.8

# How much context damps evidence (see the scopes in lexicon.py).
INFO_QUESTION_DAMPING = 0.4
HYPOTHETICAL_DAMPING = 0.2
# A concession ("despite the delay") covers the next few words.
CONCESSION_REACH = 25
BEFORE_CONTRAST = 0.6
AFTER_CONTRAST = 1.3
# Praise in a post that reports a problem and no fix is politeness or sarcasm.
PRAISE_IN_COMPLAINT = 0.25
# A problem told as backstory to a fix that is being thanked for.
PROBLEM_BEFORE_FIX = 0.35
# Thanks or praise on their own ("Thanks for that.", "Great job.") are sarcasm
# after at least this much problem (family ironic_thanks).
IRONY_AFTER_PROBLEM = 0.5
# From this many sentences before them, closing thanks are a sign-off.
LONG_POST_SENTENCES = 3
# "!!", "??", "?!": they make a complaint more certain, never create one.
EMPHASIS_BONUS = 0.3


@dataclass(frozen=True, slots=True)
class Sentiment:
    polarity: float
    subjectivity: float
    label: str


# -- Compilation of the lexicon ------------------------------------------------


def _split_top_level(fragment: str) -> list[str]:
    """Split a fragment on the "|" that are outside any group or class."""
    parts, depth, in_class, escaped, current = [], 0, False, False, []
    for char in fragment:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _expand_leading_group(fragment: str) -> list[str]:
    """ "(?:a|b) x" -> ["a x", "b x"]; "(?:a )?x" -> ["a x", "x"]; else [fragment].

    Same matches in the same order of preference, but each piece now starts
    with a literal character and can go to its first-character bucket.
    """
    if not fragment.startswith("(?:"):
        return [fragment]
    depth, end = 0, -1
    for position, char in enumerate(fragment):
        if char == "\\":
            continue
        if char == "(" and fragment[position - 1 : position] != "\\":
            depth += 1
        elif char == ")" and fragment[position - 1 : position] != "\\":
            depth -= 1
            if depth == 0:
                end = position
                break
    if end < 0:
        return [fragment]
    alternatives = _split_top_level(fragment[3:end])
    rest = fragment[end + 1 :]
    if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
        pieces = [alternative + rest[1:] for alternative in alternatives] + [rest[1:]]
    elif rest[:1] in ("", " ") or rest[:1].isalnum() or rest[:1] in "(\\[":
        pieces = [alternative + rest for alternative in alternatives]
    else:
        return [fragment]
    if any(not piece for piece in pieces):
        return [fragment]
    return [expanded for piece in pieces for expanded in _expand_leading_group(piece)]


_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789#'@ -¿áéíóúàèçñöüäâêãõß")
# Below this many alternatives a trie node is written out flat; below this
# depth it branches on the next character.
_FLAT_NODE = 3
_TRIE_DEPTH = 6


def _literal_head(body: str) -> str:
    """The first character of `body` if it is a plain, unquantified literal."""
    if body and body[0] in _LITERAL and body[1:2] not in ("?", "*", "+", "{"):
        return body[0]
    return ""


def _trie(fragments: list[str], depth: int = 0) -> str:
    """One regex for `fragments` (in order of preference), written as a trie.

    Fragments sharing a first character go under one branch, so at each
    position the engine follows one path instead of trying hundreds of
    alternatives (a flat alternation of the lexicon costs several times more).
    Preference is kept exactly: fragments that do not start with a literal
    split the list into segments, and segments keep their order; inside a
    segment the branches start with different characters, so at most one of
    them can match. Fragments that start with a digit ("\\d+ hours", "24/7")
    and those that cannot never match at the same place, so where the only
    fragments without a literal start are "\\d" ones, the two groups are
    written apart, each in its order: one segment each instead of a dozen.
    """
    expanded = [piece for fragment in fragments for piece in _expand_leading_group(fragment)]
    if len(expanded) <= _FLAT_NODE or depth >= _TRIE_DEPTH:
        return "|".join(expanded)
    heads = [_literal_head(piece) for piece in expanded]
    if all(head or piece.startswith("\\d") for head, piece in zip(heads, expanded, strict=True)):
        digits = [piece for head, piece in zip(heads, expanded, strict=True) if not head or head.isdigit()]
        if digits and len(digits) < len(expanded):
            others = [piece for head, piece in zip(heads, expanded, strict=True) if head and not head.isdigit()]
            return "|".join(_segments(others, depth) + _segments(digits, depth))
    return "|".join(_segments(expanded, depth))


def _segments(expanded: list[str], depth: int) -> list[str]:
    """The alternatives of a trie node: one branch per first character, in segments (see _trie)."""
    segments: list[tuple[bool, dict[str, list[str]] | list[str]]] = []
    for fragment in expanded:
        head = _literal_head(fragment)
        if not segments or segments[-1][0] != bool(head):
            segments.append((bool(head), {} if head else []))
        if head:
            segments[-1][1].setdefault(head, []).append(fragment[1:])
        else:
            segments[-1][1].append(fragment)
    alternatives = []
    for literal, content in segments:
        if literal:
            for head, children in content.items():
                alternatives.append(re.escape(head) + "(?:" + _trie(children, depth + 1) + ")")
        else:
            alternatives.extend(content)
    return alternatives


def _literal_prefix(fragment: str) -> str:
    """The plain characters a fragment must start with ("delay(?:ed)?" -> "delay")."""
    prefix = []
    for position, char in enumerate(fragment):
        if char not in _LITERAL or fragment[position + 1 : position + 2] in ("?", "*", "+", "{"):
            break
        prefix.append(char)
    return "".join(prefix)


def _anchored(body: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])(?:" + body + r")(?!\w)")


_KEY = 3  # characters of a match used to pick the families that may have made it
_LOOK_AROUND = ("(?=", "(?!", "(?<=", "(?<!")


def _without_look_around(fragment: str) -> str:
    """`fragment` with its lookahead and lookbehind assertions removed: a regex that matches more."""
    kept, position, length = [], 0, len(fragment)
    while position < length:
        if fragment.startswith(_LOOK_AROUND, position):
            depth, in_class = 0, False
            while position < length:
                char = fragment[position]
                if char == "\\":
                    position += 2
                    continue
                if in_class:
                    in_class = char != "]"
                elif char == "[":
                    in_class = True
                elif char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth == 0:
                        break
                position += 1
            position += 1
            continue
        step = 2 if fragment[position] == "\\" else 1
        kept.append(fragment[position : position + step])
        position += step
    return "".join(kept)


class _Lexicon:
    """The compiled lexicon: one scanner, and a way to name what it matched.

    The scanner is a trie of every fragment, without groups: capturing groups
    make every branch attempt save and restore marks, which doubles the cost
    of a scan. Which family matched is found afterwards by asking, in lexicon
    order, the families with a fragment that can start like the match; the
    first to match there is the one the scanner's alternation preferred.

    That answer depends only on the matched words, unless a fragment that
    looks around (lookahead/lookbehind: "great" closing a post is irony) can
    match exactly those words: where it can, the answer depends on what is
    around them. So the answer is remembered per matched phrase ("on hold",
    "delayed", "thanks"), a vocabulary-sized table that serves every post,
    except for the few phrases a look-around fragment, its assertions
    removed, can match ("great", "best"); those are recomputed each time.
    """

    def __init__(self, families: tuple[lx.Family, ...]) -> None:
        everything, self.per_family, looking_around = [], [], {}
        for family in families:
            fragments = [part for pattern in family.patterns for part in _split_top_level(pattern)]
            prefixes = set()
            for fragment in fragments:
                if re.compile(fragment).groups:
                    raise ValueError(f"capturing group in lexicon fragment {fragment!r}")
                everything.append(fragment)
                for piece in _expand_leading_group(fragment):
                    prefix = _literal_prefix(piece)[:_KEY]
                    prefixes.add(prefix)
                    # A closing "(?!\w)" repeats the anchoring: every match passes it.
                    bare = piece.removesuffix("(?!\\w)")
                    if any(look in bare for look in _LOOK_AROUND):
                        looking_around.setdefault(prefix, []).append(re.compile(_without_look_around(piece)))
            self.per_family.append((family, _anchored("|".join(fragments)), frozenset(prefixes)))
        self.scanner = _anchored(_trie(everything))
        self.looking_around = {prefix: tuple(regexes) for prefix, regexes in looking_around.items()}
        self.candidates: dict[str, tuple[tuple, tuple]] = {}
        self.by_phrase: dict[str, lx.Family | None] = {}  # None: depends on the context

    def _candidates(
        self, key: str
    ) -> tuple[tuple[re.Pattern[str], ...], tuple[tuple[lx.Family, re.Pattern[str]], ...]]:
        """For a match starting with `key`: the look-around fragments (assertions removed) that
        could match it, and the families that could have made it, in lexicon order."""
        found = self.candidates.get(key)
        if found is None:

            def compatible(prefix: str) -> bool:
                return key[: len(prefix)] == prefix[: len(key)]

            found = (
                tuple(
                    regex for prefix, regexes in self.looking_around.items() if compatible(prefix) for regex in regexes
                ),
                tuple((family, regex) for family, regex, prefixes in self.per_family if any(map(compatible, prefixes))),
            )
            self.candidates[key] = found  # bounded: keys are a few characters of lexicon matches
        return found

    def family_at(self, text: str, start: int, end: int) -> lx.Family:
        phrase = text[start:end]
        family = self.by_phrase.get(phrase)
        if family is not None:
            return family
        looking_around, candidates = self._candidates(phrase[:_KEY])
        for family, regex in candidates:
            if regex.match(text, start):
                if phrase not in self.by_phrase and len(self.by_phrase) < 100_000:
                    context_free = not any(fragment.fullmatch(phrase) for fragment in looking_around)
                    self.by_phrase[phrase] = family if context_free else None
                return family
        raise AssertionError("lexicon scanner matched where no family does")  # pragma: no cover


_LEXICON = _Lexicon(lx.FAMILIES + lx.MARKERS)


_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "\u2026": "..."})
_URL = re.compile(r"https?://\S+|www\.\S+")
_LEADING_MENTIONS = re.compile(r"^(?:\s*(?:\.?@\w+|rt\b:?)[\s,:]*)+")
# The public airline-tweet corpus replaced "cancel" by "Cancelled Flight" and
# "late" by "Late Flight" inside words ("Cancelled Flightled", "Late Flightr");
# posts copied from it still carry that. Fold the word back.
_ARTEFACT = re.compile(r"\b(?:(cancel)led flight|(late) flight)(?=[a-z])")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_INFO = re.compile(r"\s*" + lx.GREETING + lx.INFO_OPENER)
_EMOJI = re.compile("[" + lx.NEGATIVE_EMOJI + lx.POSITIVE_EMOJI + "]")
_EMOTICON = re.compile(
    r"(?<![\w:;])(?:" + "|".join(map(re.escape, lx.NEGATIVE_EMOTICONS + lx.POSITIVE_EMOTICONS)) + r")(?![\w)(])"
)
_NEGATION_BREAKS = frozenset(["but", "and", "how", "so", "because", "that", "which", "who", "when", "if", "or"])


def normalize(text: str) -> str:
    """Lower-case text with URLs, leading @mentions and corpus artefacts removed."""
    if not text.isascii():
        text = text.translate(_TRANSLATE)
    text = text.lower()
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if text.lstrip()[:1] in ("@", "r", "."):
        text = _LEADING_MENTIONS.sub("", text)
    if " flight" in text:
        text = _ARTEFACT.sub(lambda m: m.group(1) or m.group(2), text)
    return text


def _negated(text: str, start: int, floor: int) -> bool:
    """A negator among the three words before `start`, in the same clause."""
    words = text[max(floor, start - 30) : start].split()
    for word in reversed(words[-3:]):
        if word[-1] in ",;:.!?":
            return False
        if word in lx.NEGATORS:
            return True
        if word in _NEGATION_BREAKS:
            return False
    return False


class Scan(NamedTuple):
    """What one pass over a post finds; intent.py reads it too.

    text: the normalised post. sentences: (start, is_question, opens_as_request)
    per sentence. cues: (start, end, sentence index, family) per lexicon
    match, markers included, in text order.
    """

    text: str
    sentences: tuple[tuple[int, bool, bool], ...]
    cues: tuple[tuple[int, int, int, lx.Family], ...]


# The pipeline asks for the sentiment and then the intent of the same post:
# keep the last scan so the intent costs nothing. One entry, so repeated texts
# are not a cache that would flatter a benchmark.
_last_scan: tuple[str, Scan] | None = None


def scan(original: str) -> Scan:
    """Normalise `original`, split it into sentences and find its lexicon cues."""
    global _last_scan
    last = _last_scan
    if last is not None and last[0] == original:
        return last[1]
    text = normalize(original)
    sentences, starts = [], []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        starts.append(start)
        sentences.append((start, "?" in text[max(start, end - 3) : end], _INFO.match(text, start, end) is not None))
    cues = []
    family_at = _LEXICON.family_at
    for match in _LEXICON.scanner.finditer(text):
        start, end = match.span()
        cues.append((start, end, bisect_right(starts, start) - 1, family_at(text, start, end)))
    result = Scan(text=text, sentences=tuple(sentences), cues=tuple(cues))
    _last_scan = (original, result)
    return result


@dataclass(slots=True)
class _Evidence:
    negative: float = 0.0
    positive: float = 0.0
    care_negative: float = 0.0  # negative lexicon evidence counted in full (undamped)
    positive_in_statements: float = 0.0  # positive lexicon evidence outside questions
    asks: bool = False  # some sentence is a question
    thanks: bool = False
    praise: bool = False
    fix: bool = False
    sarcasm: bool = False
    # Spans of courtesy formulae (and of thanks that are one): TextBlob's
    # scores for the words in them are left out of the label too.
    formulae: list[tuple[int, int]] | None = None


# What may follow thanks that close a post: "again", what they are for when it
# is help still to come ("for your help", "for your time and patience"), and
# a signature of up to four words ("Sam", "Sam Jones, Acme Ltd"). Two steps,
# each linear in the length of the post: no nested repetition to backtrack
# through on a crafted post.
_SIGN_OFF_LEAD = re.compile(
    r"[\s,.!:;~)-]*(?:again\b[\s,.!]*)?"
    r"(?:for (?:all )?(?:your|the|any) (?:kind )?(?:help|time|assistance|support|patience|understanding|"
    r"attention|consideration|advice|info|information|cooperation)(?: and (?:your )?\w+)?\b)?"
)
_SIGNATURE = re.compile(r"[\w\s#&'./,!:;~()-]*")
_SIGNATURE_WORDS = 4
_WORD = re.compile(r"[a-z]+")
# Words that may open a sarcastic "Great job." without changing it ("oh, well done",
# "@AcmeAir great job"), and how many may follow it in its sentence ("Well done, guys.").
_IRONY_LEAD = frozenset(["oh", "so", "and", "well", "just", "really", "wow", "yeah", "ah"])
_IRONY_TAIL_WORDS = 2


def _sentence_end(post: Scan, sentence: int) -> int:
    sentences = post.sentences
    return sentences[sentence + 1][0] if sentence + 1 < len(sentences) else len(post.text)


def _is_closing(post: Scan, index: int, end: int) -> bool:
    """The cue at `index`, the post's last evidence, closes it: nothing after it but a sign-off, something before."""
    text = post.text
    if _WORD.search(text, 0, post.cues[index][0]) is None:  # the whole post is thanks
        return False
    signature = text[_SIGN_OFF_LEAD.match(text, end).end() :]
    return len(signature.split()) <= _SIGNATURE_WORDS and _SIGNATURE.fullmatch(signature) is not None


def _fills_sentence(post: Scan, sentence: int, start: int, end: int) -> bool:
    """The cue is its sentence ("Thanks for that.", "Oh, well done, guys.")."""
    text = post.text
    lead = text[post.sentences[sentence][0] : start].replace(",", " ").split()
    if any(word not in _IRONY_LEAD and word[0] != "@" for word in lead):
        return False
    return len(_WORD.findall(text, end, _sentence_end(post, sentence))) <= _IRONY_TAIL_WORDS


def _weigh(post: Scan) -> _Evidence:
    """Add up the lexicon evidence of a scanned post, in its context."""
    evidence = _Evidence(asks=any(question for _, question, _ in post.sentences))
    text = post.text
    rhetorical, hypotheticals, concessions, last_contrast = set(), [], [], -1
    ironic = 0.0
    for start, _, sentence, family in post.cues:
        role = family.role
        if role == "rhetorical":
            rhetorical.add(sentence)
        elif role == "hypothetical":
            hypotheticals.append(start)
        elif role == "contrast":
            last_contrast = start
        elif role == "concession":
            concessions.append(start)
    # [negative, positive] evidence before and after the last contrast word.
    before, after = [0.0, 0.0], [0.0, 0.0]
    # Evidence so far, in text order: what the closing and ironic rules look back at.
    problem_so_far = positive_so_far = 0.0
    fix_so_far = False
    formulae: list[tuple[int, int]] = []
    ironic_after: list[tuple[float, bool, list[float]]] = []  # (weight, follows a problem, side)
    last_evidence = max((i for i, cue in enumerate(post.cues) if cue[3].sign != lx.NEUTRAL), default=-1)

    for index, (start, end, sentence, family) in enumerate(post.cues):
        if family.sign == lx.NEUTRAL:
            if family.role == "courtesy":
                formulae.append((start, end))
            continue
        sentence_start, is_question, opener = post.sentences[sentence]
        role = family.role
        if (
            role == "thanks"
            and index == last_evidence
            and _is_closing(post, index, end)
            and _closing_thanks_is_formula(post, sentence, start, problem_so_far, positive_so_far, fix_so_far)
        ):
            formulae.append((start, end))
            continue
        factor = 1.0
        if family.sign == lx.POSITIVE and family.scope == "topic" and is_question:
            # Praise words in a question describe what is asked about ("what's
            # the best deal?", "does it come with free bags?").
            factor = INFO_QUESTION_DAMPING
        elif family.scope != "firm" and (is_question or opener):
            if any(sentence_start <= h < start for h in hypotheticals):
                factor = HYPOTHETICAL_DAMPING
            elif family.scope == "topic" and opener and sentence not in rhetorical:
                factor = INFO_QUESTION_DAMPING
        if concessions and family.sign == lx.NEGATIVE and any(0 < start - c <= CONCESSION_REACH for c in concessions):
            factor *= HYPOTHETICAL_DAMPING
        weight = family.weight * factor
        side = before if start < last_contrast else after
        negated = family.negatable and _negated(text, start, sentence_start)
        if family.sign == lx.NEGATIVE:
            if negated:  # "no delays", "never lost a bag"
                continue
            side[0] += weight
            if factor >= 1.0:
                evidence.care_negative += weight
                problem_so_far += weight
            if role == "sarcasm":
                evidence.sarcasm = True
        elif negated:  # "not helpful", "never fixed", "no thanks"
            side[0] += weight
            evidence.care_negative += weight
            problem_so_far += weight
        elif role == "ironic":
            ironic += weight
        elif role == "ironic_after" and _fills_sentence(post, sentence, start, end):
            follows_problem = problem_so_far >= IRONY_AFTER_PROBLEM and problem_so_far > positive_so_far
            ironic_after.append((weight, follows_problem, side))
        else:
            side[1] += weight
            positive_so_far += weight
            if not is_question:
                evidence.positive_in_statements += weight
            if role == "thanks":
                evidence.thanks = True
            elif role == "fix":
                evidence.fix = fix_so_far = True
            else:  # praise, and ironic_after that is not on its own
                evidence.praise = True
    for weight, follows_problem, side in ironic_after:
        if follows_problem and not evidence.fix:  # "the handle came off. thanks for that."
            side[0] += weight
            evidence.care_negative += weight
            evidence.sarcasm = True
        else:  # "great job on the rebooking", "thanks for that, the agent found my bag"
            side[1] += weight
            evidence.positive_in_statements += weight
            evidence.praise = True
    # A contrast between opposite sides ("lovely crew but no one told us why",
    # "I was mad about the delay but you got me on the next flight"): what
    # follows the contrast is what the customer means.
    if (before[0] and after[1]) or (before[1] and after[0]):
        before = [value * BEFORE_CONTRAST for value in before]
        after = [value * AFTER_CONTRAST for value in after]
    evidence.negative = before[0] + after[0]
    evidence.positive = before[1] + after[1]
    if ironic:
        if evidence.negative > evidence.positive and not evidence.fix:  # "rebooked 9 hours later. great."
            evidence.negative += ironic
            evidence.care_negative += ironic
            evidence.sarcasm = True
        else:
            evidence.positive += ironic
            evidence.positive_in_statements += ironic
            evidence.praise = True
    if formulae:
        evidence.formulae = formulae
    return evidence


def _closing_thanks_is_formula(
    post: Scan, sentence: int, start: int, problem: float, positive: float, fixed: bool
) -> bool:
    """Thanks that close a post are a formula, not praise, when they follow...

    - a question or a request: thanks for the answer to come ("what's the
      baggage allowance? Thanks!");
    - a problem report with no fix: politeness ("my bag never arrived.
      Thanks, Sam"); sarcasm has its own families;
    - an e-mail body or a long post with nothing positive in it: a sign-off
      ("Please find my reference below.\n\nThanks,\nPriya").
    After a fix or praise ("found my bag. thanks!") and in a short post that
    reports something neutral ("stayed on the phone with me until everything
    was rebooked. thank you Darnell!") they are thanks.
    """
    sentences = post.sentences
    if sentences[sentence][2] or any(question or opener for _, question, opener in sentences[:sentence]):
        return True
    if problem >= NEGATIVE_THRESHOLD and problem >= positive and not fixed:
        return True
    if positive:
        return False
    text = post.text
    line_start = text.rfind("\n", 0, start) + 1
    own_line = line_start > 0 and not text[line_start:start].strip()
    return own_line or sentence >= LONG_POST_SENTENCES


def _add_emoji(evidence: _Evidence, original: str, text: str) -> None:
    negative = positive = 0
    if not original.isascii():
        for char in _EMOJI.findall(original):
            if char in lx.NEGATIVE_EMOJI:
                negative += 1
                evidence.sarcasm |= char in lx.SARCASM_EMOJI
            else:
                positive += 1
    if ":" in text or ";" in text or "<3" in text or "=)" in text or "-_-" in text:
        for emoticon in _EMOTICON.findall(text):
            if emoticon in lx.NEGATIVE_EMOTICONS:
                negative += 1
            else:
                positive += 1
    if negative:
        evidence.negative += lx.EMOJI_WEIGHT * min(negative, 2)
        evidence.care_negative += lx.EMOJI_WEIGHT
    if positive:
        evidence.positive += lx.POSITIVE_EMOJI_WEIGHT * min(positive, 2)
        evidence.praise = True


def _without_formulae(polarity: float, assessments: list, text: str, formulae: list[tuple[int, int]]) -> float:
    """TextBlob's polarity without the words of courtesy formulae ("Kind regards", "Best,").

    TextBlob's polarity is the mean of its assessments, one per known word
    (with its modifiers: "very kind"), in text order. A word of a formula is
    found among them by its rank among the occurrences of that word in the
    text (the third "kind" of the post), and its assessment is left out.
    """
    if not assessments:
        return polarity
    marked, ranks, spans = set(), {}, iter(formulae)
    start, end = next(spans)
    for match in _WORD.finditer(text):
        word, position = match.group(), match.start()
        rank = ranks.get(word, 0)
        ranks[word] = rank + 1
        while position >= end:  # the spans are in text order: one pass over both
            start, end = next(spans, (math.inf, math.inf))
        if position >= start:
            marked.add((word, rank))
    ranks.clear()
    kept = []
    for words, score, *_ in assessments:
        dropped = False
        for word in words:
            rank = ranks.get(word, 0)
            ranks[word] = rank + 1
            dropped = dropped or (word, rank) in marked
        if not dropped:
            kept.append(score)
    return sum(kept) / len(kept) if kept else 0.0


def _label(original: str, polarity: float, assessments: list) -> str:
    post = scan(original)
    evidence = _weigh(post)
    if evidence.formulae:
        polarity = _without_formulae(polarity, assessments, post.text, evidence.formulae)
    _add_emoji(evidence, original, post.text)
    if post.text.count('"') >= 2:
        evidence.negative += lx.SCARE_QUOTES_WEIGHT

    negative, positive = evidence.negative, evidence.positive
    if polarity < 0:
        negative += TEXTBLOB_NEGATIVE_RATE * -polarity
    elif evidence.positive_in_statements or not evidence.asks:
        positive += TEXTBLOB_POSITIVE_RATE * polarity
    else:  # TextBlob's positive words are probably the ones inside the question
        positive += TEXTBLOB_POSITIVE_RATE * INFO_QUESTION_DAMPING * polarity

    if evidence.fix and (evidence.thanks or evidence.praise) and not evidence.sarcasm:
        negative *= PROBLEM_BEFORE_FIX
    elif evidence.sarcasm:
        positive = 0.0
    elif evidence.care_negative >= max(NEGATIVE_THRESHOLD, evidence.positive):
        positive *= PRAISE_IN_COMPLAINT
    if negative >= NEGATIVE_THRESHOLD * 0.5 and any(mark in post.text for mark in ("??", "!!", "?!", "!?")):
        negative += EMPHASIS_BONUS

    if negative >= NEGATIVE_THRESHOLD and negative >= positive:
        return _NEGATIVE
    if positive >= POSITIVE_THRESHOLD and positive > negative:
        return _POSITIVE
    return _NEUTRAL


def analyze_sentiment(text: str) -> Sentiment:
    """TextBlob's polarity and subjectivity, and the care label of `text`."""
    score = pattern_sentiment(text)
    polarity, subjectivity = score
    polarity = min(1.0, max(-1.0, float(polarity)))
    subjectivity = min(1.0, max(0.0, float(subjectivity)))
    return Sentiment(polarity=polarity, subjectivity=subjectivity, label=_label(text, polarity, score.assessments))
