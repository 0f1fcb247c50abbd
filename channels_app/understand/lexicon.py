"""The customer-care lexicon: what counts as evidence of a negative or positive post.

Owns the data only: phrase families, each a list of regular-expression
fragments with one weight and a scope saying where the evidence counts, and
a few marker families (hypothetical, contrast, concession, sales) that carry
no weight but tell the rules where they are. sentiment.py compiles them once
at import and owns the scoring rules; intent.py reads the churn and sales
families. No logic here beyond small helpers that build fragment lists.

Why a care lexicon at all: general-purpose sentiment lexicons (TextBlob's
pattern lexicon, VADER) score *opinion words*. Customers in a care channel
mostly report *events* ("flight Cancelled Flightled, on hold 2 hrs, nobody
answers"), which carry no opinion word and score 0. The families below name
the events, failures and turns of phrase that make a post a complaint in this
domain, plus the few that make one positive (thanks, praise, a fix).

Conventions for fragments (checked at import by sentiment.py):
- Written for text that sentiment.py has normalised: lower case, straight
  apostrophes, leading @mentions and URLs removed, the Twitter-dataset
  artefacts "Cancelled Flightled"/"Late Flightr" folded back ("cancelled",
  "later"). Hashtags keep their "#", so "fail" matches "#fail" too.
- Each fragment is matched at a word start and must end at a word end; write
  stems explicitly ("frustrat\\w*"). Only non-capturing groups.
- Order matters: at one position the first matching fragment wins, so
  longer phrases are listed before the single words they contain (and the
  "neutraliser" family, listed first, swallows phrases such as "lost & found"
  or "good morning" so that their words do not count; the "courtesy_opener"
  and "courtesy_closer" families after it do the same for the formulae of
  e-mails: "Kind regards", "I look forward to hearing from you").

Weights are in "complaint units": 1.0 is enough evidence on its own to call a
post negative (the threshold in sentiment.py), 0.3-0.6 is supporting evidence
that needs company (a duration, "again", "refund"), 1.2-2.0 is emphatic
(insults, churn threats, sarcasm).

Scopes (how context damps a family, see sentiment.py):
- "topic": words that name a subject as much as a problem ("cancelled",
  "refund", "outage", "delay"). Damped inside neutral information questions
  ("will flights be cancelled tomorrow?") and hypotheticals ("what happens
  if my flight is cancelled?").
- "event": reports of something that went wrong ("never arrived", "won't let
  me", "nobody answers"). Damped only in hypotheticals.
- "firm": judgements, sarcasm, churn threats. Never damped.
"""

from dataclasses import dataclass

NEGATIVE = -1
POSITIVE = 1
NEUTRAL = 0


@dataclass(frozen=True, slots=True)
class Family:
    """A family of phrases that are evidence of one thing.

    sign: NEGATIVE or POSITIVE evidence, or NEUTRAL for the neutraliser and
      the markers (no evidence, only a position).
    weight: complaint units per match (see the module docstring).
    scope: "topic", "event" or "firm" (see the module docstring).
    role: a tag the rules look at: "churn", "sarcasm", "ironic", "rhetorical",
      "thanks", "praise", "fix", the markers' "hypothetical", "contrast",
      "concession", "sales", or "" for plain evidence.
    negatable: a negator in the three words before cancels a negative match
      ("no delays", "never lost a bag") and turns a positive one into
      negative evidence ("not helpful", "never fixed").
    """

    name: str
    sign: int
    weight: float
    patterns: tuple[str, ...]
    scope: str = "event"
    role: str = ""
    negatable: bool = False


def _each(heads: str, tail: str = "") -> tuple[str, ...]:
    """One fragment: any of the |-separated heads, then `tail`."""
    return ("(?:" + heads + ")" + tail,)


def _words(*words: str) -> tuple[str, ...]:
    return tuple(words)


# Negators for the three-word negation window (sentiment.py). Apostrophes are
# optional because customers drop them ("dont", "isnt").
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "nothing",
        "hardly",
        "barely",
        "zero",
        "nobody",
        "nor",
        "isn't",
        "isnt",
        "wasn't",
        "wasnt",
        "aren't",
        "arent",
        "weren't",
        "werent",
        "ain't",
        "aint",
        "don't",
        "dont",
        "doesn't",
        "doesnt",
        "didn't",
        "didnt",
        "won't",
        "wont",
        "can't",
        "cant",
        "cannot",
        "couldn't",
        "couldnt",
        "wouldn't",
        "wouldnt",
        "shouldn't",
        "shouldnt",
        "haven't",
        "havent",
        "hasn't",
        "hasnt",
    ]
)

# Openers of an information request, matched at the start of a sentence after
# greetings. A sentence that opens this way (or ends in "?") and carries no
# rhetorical family is a neutral question: "topic" evidence in it is damped.
GREETING = (
    r"(?:(?:dear (?:\w+ ){0,3}?(?:team|support|sirs?|madam|all)|"
    r"hi|hello|hey|hiya|heya|yo|dear|greetings|good (?:morning|afternoon|evening)|quick question|"
    r"question|q|ok|okay|so|um+|uh+|also|and|please|pls|plz|hola|bonjour|hallo|olá|ola|buenos días|"
    r"buenas|guten tag|bom dia|excuse me|just|there|team|guys|all)\b[\s,:;!.-]*)*"
)
INFO_OPENER = (
    r"(?:can|could|may|do|does|did|is|are|was|were|will|would|should|shall|have|has|what|what's|whats|"
    r"when|where|which|who|whom|whose|how|any|anyone know|i'm wondering|im wondering|i was wondering|"
    r"wondering|just wondering|curious|i need to (?:know|change|find|check|book|add|cancel|update)|"
    r"need to know|i'd like to|i would like to|please (?:let me know|advise|confirm|tell me)|"
    r"[¿]|cómo|como|qué|que|cuándo|dónde|est-ce|comment|quand|où|wie|wann|wo|was|kann|können|"
    r"gibt es|quando|onde|posso|pode)\b"
)

FAMILIES: tuple[Family, ...] = (
    # -- Neutralisers: phrases whose words would otherwise count. -------------
    Family(
        "neutraliser",
        NEUTRAL,
        0.0,
        _words(
            r"lost (?:&|and|n|&amp;) found",
            r"crack of dawn",
            r"good (?:morning|afternoon|evening|night|day|luck|to know|question)",
            r"kind of",
            r"sort of",
            r"what kind",
            r"(?:is|that's|thats|that is|which is|this is) why",
            r"no (?:worries|rush|problem at all)",
            r"would love (?:to|it if)",
            r"i'd love (?:to|it if)",
            r"love to know",
            r"best way",
            r"best time",
            r"fine print",
            r"fair enough",
            r"free (?:checked )?bags? policy",
            r"rt",
            r"delayed? (?:bag|baggage) (?:policy|claim form)",
            r"love field",
            r"broken (?:leg|arm|foot|wrist|ankle|hip|bone|toe|finger|nose)",
            r"by mistake|my mistake|my bad|my fault",
            r"i (?:lost|misplaced|forgot|left|broke) my (?:\w+ )?(?:boarding pass|passport|id|phone|wallet|keys|jacket|"
            r"glasses|headphones|ticket|receipt|password|card|charger|book|hat|scarf|umbrella)",
            r"super bowl",
            r"(?:storm|weather|snow|traffic|roads?|forecast|ice|rain|wind)s? (?:\w+ ){0,2}?(?:bad|terrible|awful|"
            r"horrible|"
            r"crazy|insane|nasty|rough)",
        ),
        scope="firm",
    ),
    # -- Courtesy formulae: the politeness of e-mails and long posts. ----------
    # Openers and closers are formulae, not praise: their words ("kind",
    # "best", "appreciate", "quick response", "hope", "great day") must carry
    # no weight, and sentiment.py also drops TextBlob's scores for them, so a
    # complaint that ends "Kind regards" stays a complaint and "Kind regards"
    # alone is neutral. Listed before every family that would count their
    # words. Bare thanks that close a post ("Thanks, Sam", "Cheers", "Many
    # thanks") are thanks-family words; sentiment.py decides when they are a
    # formula (the "closing thanks" rule).
    Family(
        "courtesy_opener",
        NEUTRAL,
        0.0,
        _words(
            r"(?:hi|hello|hey|hiya|greetings) (?:there|team|all|everyone|folks|again)",
            r"dear (?:\w+ ){0,3}?(?:team|support|sirs?|madam|sir or madam|sir/madam|all|colleagues|"
            r"customer (?:service|care|support|relations))",
            r"to whom it may concern",
            r"(?:i )?(?:hope|trust) (?:you|you all|y'all|you guys)(?:'re| are)(?: all)?(?: doing| keeping)? "
            r"(?:well|good|great|ok|okay|safe|fine)",
            r"(?:i )?(?:hope|trust) (?:this|my) (?:e-?mail|message|note|letter) finds you(?: all)? "
            r"(?:well|in good health)",
            r"(?:i )?hope (?:all is|all's|everything is|everything's) (?:well|good|ok|okay)(?: with you)?",
            r"(?:i )?hope (?:you(?:'re| are)|you're)(?: all)? having an? (?:good|great|nice|lovely|wonderful|fab|"
            r"fantastic|pleasant) (?:day|week|weekend|morning|afternoon|evening|one)",
            r"(?:i )?hope you (?:had|have had) an? (?:good|great|nice|lovely|wonderful|restful) (?:day|week|weekend|"
            r"holiday|break|christmas|easter)",
            r"thank(?:s| you)(?: so much| very much)? for (?:your (?:e-?mail|reply|response|message|note|letter)|"
            r"getting back to (?:me|us)|reaching out)",
        ),
        scope="firm",
        role="courtesy",
    ),
    Family(
        "courtesy_closer",
        NEUTRAL,
        0.0,
        _words(
            r"(?:(?:with )?(?:kind(?:est)?|best|warm(?:est)?|many|warm and kind) )?regards",
            r"(?:best|warm(?:est)?|good|kind(?:est)?) wishes|yours (?:sincerely|faithfully|truly)",
            # "All the best", "Sincerely" only as a sign-off, at the end of a line.
            r"(?:all the best|sincerely|faithfully)(?=[,.!]?[ \t]*(?:\n|$))",
            # "Best," on its own line before the name.
            r"best(?<=\nbest)(?=,?[ \t]*(?:\n|$))",
            # Thanks for help not yet given.
            r"(?:thanks?|thank you|many thanks)(?: so much| very much)?(?: again)? in advance"
            r"(?: for (?:any|your|all your|the) (?:help|assistance|support|time|reply|response|information|info|"
            r"advice|understanding|patience|cooperation))?",
            r"thank(?:s| you)(?: so much| very much)? for (?:any|your|all your) (?:help|assistance|support|time|advice)"
            r"(?: and (?:your )?(?:time|patience|understanding|attention))? in advance",
            r"thanks?(?: you)? for (?:any|your) (?:help|info|information|assistance)(?: in advance)?(?=\s*[.!?]*\s*$)",
            r"(?:thanks?|thank you) (?:again )?for looking into "
            r"(?:this|it|that|the matter|my (?:case|complaint|query))",
            # Waiting for an answer is a formula, not praise of one.
            r"(?:i(?:'m| am)? |we(?:'re| are)? )?(?:look|looking) forward to (?:hearing (?:back )?from you|"
            r"your (?:reply|response|answer|email|e-mail|call)|a (?:quick |prompt |speedy |swift )?(?:reply|response|"
            r"resolution|answer))",
            r"(?:(?:i|we)(?:'d| would)|would)(?: really| greatly| very much| much| truly)? appreciate(?: it)?"
            r"(?: (?:a|an|your|any|some)(?: (?:quick|prompt|speedy|swift|fast|timely|urgent|immediate|early))? "
            r"(?:help|assistance|response|reply|answer|update|resolution|call ?back|advice|info|information|support|"
            r"guidance|feedback))?",
            r"(?:(?:i|we)(?:'d| would)|would) be (?:very |most |really |so |extremely )?"
            r"(?:grateful|thankful)(?: (?:for|if)(?: (?:a|an|your|any|some)(?: (?:quick|prompt|speedy|swift|fast|"
            r"timely|urgent|immediate|early))? (?:help|assistance|response|reply|answer|update|resolution|call ?back|"
            r"advice|info|information|support|guidance))?)?",
            r"(?:i )?appreciate any (?:help|advice|assistance|info|information|guidance|suggestions|update|pointers|"
            r"insight)",
            r"(?:any|all|your) (?:help|advice|assistance|info|information|guidance|suggestions)(?: (?:here|on this|"
            r"with this))? (?:would be|will be|is) (?:much |greatly |really |very much |most |gratefully |hugely )?"
            r"appreciated",
            r"(?:(?:i|we) )?(?:hope|hoping)(?: that)? (?:you|someone|somebody|anyone|you guys|u|y'all) (?:can|could|"
            r"will|are able to|is able to) (?:help|assist|advise|sort (?:this|it) out|look into (?:this|it))",
            r"(?:have|enjoy) an? (?:good|great|nice|lovely|wonderful|blessed|fab|fantastic|pleasant) (?:day|week|"
            r"weekend|evening|one|night|morning|afternoon)",
        ),
        scope="firm",
        role="courtesy",
    ),
    # -- Positive phrases that contain negative-looking words. ----------------
    Family(
        "positive_idiom",
        POSITIVE,
        1.0,
        _words(
            r"can(?:'t|not|t) thank (?:you|u|y'all|you guys) enough",
            r"couldn't be (?:happier|more pleased|better)",
            r"could not be (?:happier|more pleased|better)",
            r"can(?:'t|t) complain",
            r"no complaints",
            r"not (?:too |that |so )?bad",
            r"never (?:disappoint\w*|fail\w* to|let\w* (?:me|us) down)",
            r"no (?:problems?|issues?|hassles?|delays?|drama)(?: at all)?(?=[,.!]|\s+(?:and|at all)|\s*$)",
            r"without (?:a |any )?(?:hitch|problem|issue|hassle|delay)s?",
            r"(?:didn't|did not|never) (?:have|had) (?:a |any |to )?(?:single )?(?:problem|issue|wait|delay)s?",
            r"as promised",
            r"credit where (?:it's|its|it is) due",
            r"that's how it's done|thats how its done",
            r"keep (?:it up|up the (?:good|great) work)",
            r"(?:you|u) (?:guys |all )?rock",
            r"made my (?:day|week|trip|morning)",
            r"above and beyond",
            r"worth every (?:penny|cent)",
            r"can(?:'t|not|t) wait",
            r"looking forward",
            r"no (?:change|cancellation) fees?",
            r"ok (?:i'll|i will) admit",
            r"lunch break saved",
            r"(?:got |was |been )?bumped (?:up )?to (?:first|business|premium|comfort|the front|economy plus|"
            r"an upgrade)",
            r"saved (?:me|my|us|the day|our)",
        ),
        scope="firm",
        role="praise",
    ),
    # -- Churn threats: the customer says they are leaving. -------------------
    Family(
        "churn",
        NEGATIVE,
        2.0,
        _each(
            "never|won't|wont|will not|not|no longer|never ever|i'll never|i will never|never going to|never gonna",
            r" (?:\w+ )?(?:fly|flying|flown|fly with|use|using|buy|buying|shop|shopping|order|ordering|book|booking|"
            r"choose|choosing|recommend\w*|trust|go back|come back|coming back|going back|be back|renew\w*|"
            r"stay\w*|sign\w* up)(?: \w+){0,3}? (?:again|anymore|any more|ever again)",
        )
        + _each(
            "never|won't|wont|will not|i'll never|i will never",
            r" (?:be )?(?:fly\w*|us\w*|buy\w*|shop\w*|order\w*|book\w*|recommend\w*|choos\w*)"
            r" (?:with )?(?:you|u|your|this|them|\w+air|aa|ua|delta|united|again)",
        )
        + _words(
            r"never again",
            r"#never\w+",
            r"(?:this|that) (?:was|is) (?:my|our) (?:last|final) (?:\w+ )?(?:flight|trip|time|order|purchase)",
            r"(?:my|our) (?:last|final) (?:\w+ )?(?:flight|trip|time|order) with (?:you|u|y'all)",
            r"last time (?:i|we)(?:'ll| will)? (?:\w+ )?(?:fly|flying|book|booking|use|using|order|ordering|buy|"
            r"buying|shop)",
            r"(?:you(?:'ve| have)?|u) (?:just )?lost (?:a|another|my|our|a loyal|a \w+) (?:\w+ )?(?:customer|client|"
            r"business|flyer|member)",
            r"lost (?:my|our) (?:business|loyalty)",
            r"(?:i'm|im|i am|we're|we are) (?:so )?(?:done|through|finished)(?: with (?:you|u|this|your|y'all|\w+))?",
            r"done with (?:you|u|your|this|y'all)",
            r"(?:take|taking|took) (?:my|our) (?:\w+ )?(?:business|money|account|accounts) (?:elsewhere|"
            r"somewhere else|to)",
            r"(?:moving|move|moved|switching|switched|porting|port|taking) (?:all )?(?:my|our) (?:\w+ )?(?:business|"
            r"accounts?|number|numbers|lines?|money|service)(?: \w+)? (?:to|over)",
            *_each(
                "i'm|im|i am|we're|we are|i'll|i will|we'll|we will|gonna|going to|about to|ready to|time to|"
                "decided to|"
                "have decided to|i have decided to",
                r" (?:\w+ )?(?:(?:cancel\w*|clos\w*|drop\w*|terminat\w*|end\w*) (?:my|our|all my|all our|the|this) "
                r"(?:\w+ ){0,2}?(?:accounts?|service|subscriptions?|membership|plan|contract|card|policy|prime|lines?|"
                r"internet|cable|phone|business)|(?:cancel\w*|switch\w*|quit\w*)(?=\s*[.!,]|\s*$)|"
                r"(?:switch\w*|mov\w*|go\w*|port\w*) (?:over )?to (?:@\w+|another|a different|a competitor|"
                r"the competition)|"
                r"leav\w* (?:you|u|y'all|this airline|for good|for @\w+))",
            ),
            r"(?:deleting|delete|deleted|uninstall\w*) (?:the|your|this|my) (?:\w+ )?app",
            r"@\w+ here (?:i|we) come",
            r"(?:looking at|going with|trying|flying|fly|book|booking|use|using|stick with|sticking with) @\w+ "
            r"(?:instead|from now on|next time|for good)",
            r"(?:i'll|i will|i'd|i would|i'd rather) (?:\w+ )?(?:drive|walk|take the (?:bus|train)|swim) before",
            r"(?:fly|flying|pay more to fly|go with|use) (?:anyone|anybody|any airline|any other \w+) else",
            r"giving up (?:my|our) (?:\w+ )?(?:status|membership|card|account)",
            r"nunca m[aá]s",
            r"jamais plus",
            r"nie wieder",
            r"me cambio a",
            r"je (?:vais|vais aller) (?:chez|ailleurs)",
        ),
        scope="firm",
        role="churn",
    ),
    # Churn vocabulary that also appears in neutral questions ("can I switch
    # to a prepaid plan?", "how do I cancel my subscription?").
    Family(
        "churn_topic",
        NEGATIVE,
        1.5,
        _each(
            "cancel|canceling|cancelling|cancel my|close|closing|drop|dropping|end|ending|terminate|terminating|quit|"
            "quitting",
            r" (?:my|our|all my|all our|the) (?:\w+ ){0,2}?(?:accounts?|service|subscriptions?|membership|plan|"
            r"contract|"
            r"card|policy|prime|lines?|internet|cable|phone)",
        )
        + _words(
            r"switch(?:ing|ed)? (?:over )?to(?! (?:you|u|y'all|your|(?:a |an |the )?(?:window|aisle|earlier|later|"
            r"different|"
            r"another) (?:seat|flight|date|time)))",
            r"switch(?:ing)? (?:carriers|providers|airlines|banks)",
            r"(?:moving|going|switching|leaving) (?:over )?to (?:@\w+|a competitor|the competition|your competitor)",
            r"leaving (?:you|for @\w+|for \w+)",
        ),
        scope="topic",
        role="churn",
    ),
    # -- Sarcasm: praise words used to complain. ------------------------------
    Family(
        "sarcasm",
        NEGATIVE,
        1.5,
        _each("thanks|thank you|thx|ty", r" (?:so much |a lot |again )?for nothing")
        + _each(
            "thanks|thank you|thx",
            r" (?:so much |a lot )?for (?:\w+ )?(?:ruining|losing|leaving|stranding|wasting|cancel\w*|delay\w*|"
            r"charging|"
            r"overcharging|raising|ignoring|bumping|breaking|damaging|misplacing|the runaround|making (?:me|us) wait|"
            r"keeping (?:me|us) (?:on hold|waiting)|hanging up|nothing|screwing|lying|destroying|the (?:lies?|"
            r"runaround|headache|"
            r"hassle|wait|delay|stress|trouble|inconvenience))",
        )
        + _words(
            r"thanks? a (?:lot|bunch|ton)(?! for (?:the|your|all|my|helping))",
            r"(?:great|wonderful|perfect|fantastic|awesome|lovely|brilliant|nice|fun|cool)[,.!]+ (?:another|now|just|"
            r"more|again|so now|and now)",
            r"(?:oh|just|how|so|ah|yay)[,]? (?:great|wonderful|lovely|fantastic|perfect|awesome|brilliant|nice|"
            r"fun)(?=\s*[.!,]|\s*$)",
            r"love (?:waiting|sitting|being (?:stuck|on hold|ignored|charged|lied|treated|stranded)|paying (?:for|"
            r"extra|more)|"
            r"spending (?:\w+ )?(?:hours|my day|the night|my)|standing in line|getting (?:charged|bumped|delayed|"
            r"stuck)|that for me)",
            r"nothing (?:like|says|beats) (?:\w+ ){0,4}?(?:hold|waiting|wait|delay\w*|sitting|hours|minutes|min|mins|"
            r"stuck|tarmac|line)",
            r"so much for",
            r"yeah right",
            r"sure(?:,)? (?:keep|because|why not)",
            r"keep telling (?:me|us|yourself|yourselves)",
            r"(?:your|my|our) call is (?:very )?important",
            r"(?:my|your) (?:ass|foot|butt)",
            r"clearly not",
            r"#not",
            r"what a (?:surprise|shock|shocker|way to)",
            r"because (?:that's|thats|that is) (?:exactly )?what (?:i|we) (?:wanted|needed)",
            r"just what (?:i|we) needed",
            r"(?:nice|good|great) (?:job|work|one|going) (?:\w+ ){0,2}?(?:losing|cancel\w*|delay\w*|"
            r"keeping (?:me|us|everyone|people) (?:\w+ )?(?:waiting|on hold|in the dark|stuck)|leaving|"
            r"ignoring|breaking|"
            r"charging|stranding|overbooking)",
            r"way to (?:ruin|lose|make|screw|treat)",
            r"(?:really|very|so) (?:nice|helpful|cool|professional|classy)[.!]*(?=\s*$)",
            r"love it(?=\s*[\U0001F644\U0001F643\U0001F612])",
            r"bravo(?=[.!\s]*$)",
            r"merci (?:pour rien|bien)(?=[.!\s]*$)",
            r"fun times",
            r"(?:would|'d|it'd|would've|would have) (?:be|been) (?:nice|great|good|helpful|lovely) (?:if|to)",
            r"not(?<=\.\.\.not)(?=[.!\s]*$)",
            r"not(?<=\.\.\. not)(?=[.!\s]*$)",
        ),
        scope="firm",
        role="sarcasm",
    ),
    # A lone praise word closing a post ("rebooked 9 hours later. great."):
    # sarcasm when the post reports any problem, praise otherwise.
    Family(
        "ironic_praise",
        POSITIVE,
        1.0,
        tuple(
            rf"{word}(?<=[.!?,] {word})[.!]*(?=\s*$)"
            for word in [
                "great",
                "perfect",
                "awesome",
                "wonderful",
                "fantastic",
                "brilliant",
                "lovely",
                "nice",
                "cool",
                "fun",
                "super",
                "terrific",
                "excellent",
                "splendid",
                "amazing",
                "outstanding",
                "marvelous",
                "superb",
                "classy",
                "sweet",
                "love it",
                "love that",
                "gotta love it",
                "got to love it",
                "just great",
                "good times",
                "fun times",
                "lovely stuff",
            ]
        ),
        scope="firm",
        role="ironic",
    ),
    # Thanks or praise said on its own after a problem report ("The handle
    # came off. Thanks for that.", "Lost my bag again. Great job."): sarcasm
    # when it fills its sentence and follows a problem, with no fix in the
    # post; thanks or praise otherwise ("Great job on the rebooking", "thanks
    # for that, the agent found my bag"). sentiment.py decides.
    Family(
        "ironic_thanks",
        POSITIVE,
        1.0,
        _words(
            r"(?:thanks?|thank you|cheers|thx)(?: so much| very much| a lot)? for (?:that|this)(?=\s*[.!,;:)]|\s*$)",
            r"(?:great|good|nice|fine|brilliant|fantastic|excellent|top|stellar|amazing|awesome|terrific|"
            r"smashing) (?:job|work|effort|stuff|going|one)",
            r"well done|nicely done",
        ),
        scope="topic",
        role="ironic_after",
        negatable=True,
    ),
    # -- Rhetorical questions: complaints in question form. -------------------
    Family(
        "rhetorical",
        NEGATIVE,
        1.1,
        _words(
            r"ever heard of",
            r"(?:is this|this is|that's|thats) how (?:you|u) (?:\w+ )?(?:treat|run|handle|take care)",
            r"(?:is this|this is|that's|thats) (?:the|what) (?:service|treatment|thanks|respect|i get|we get|"
            r"loyalty gets)",
            r"how is (?:a|an) ",
            r"why (?:is it so|is it that|is it impossible|does it take|do i have to|do you|would (?:i|anyone)|can't|"
            r"cant|"
            r"won't|wont|don't|dont|doesn't|doesnt|isn't|isnt|wasn't|aren't|didn't|did you|are you|on earth|the hell|"
            r"in the world)",
            r"how (?:is|was) (?:it|that|this) (?:possible|fair|ok|okay|acceptable|legal|even|that|allowed)",
            r"how come",
            r"how (?:do|does|did|can|could) (?:you|u|a|an|one|they|anyone|your \w+) (?:\w+ )?"
            r"(?:lose|lost|cancel|overbook|forget|misplace|expect|justify|call|treat|run|not|sleep|get away|manage|"
            r"still|even|leave|keep|charge|have)",
            r"how (?:is|does|do) (?:it|a|an|one) (?:\w+ ){0,3}?(?:take|leave|lose)",
            r"how hard (?:is it|can it be)",
            r"how (?:many|much) (?:more|longer|times)",
            r"how many more",
            r"is (?:anyone|anybody|no one|nobody|someone|there anyone|there anybody) (?:\w+ )?(?:working|there|home|"
            r"listening|"
            r"reading|going|gonna|available|awake|answering|monitoring|in charge|able|actually|at)",
            r"is there (?:any|a) (?:good )?reason",
            r"is this (?:a joke|for real|normal|acceptable|really|seriously|how you|what)",
            r"are (?:you|u) (?:guys )?(?:kidding|serious|joking|for real|even|seriously)",
            r"(?:you(?:'re| are|'ve got to be|have got to be)|u r) kidding",
            r"kidding me",
            r"do (?:you|u) (?:guys |people )?(?:even|actually|really) (?:care|know|read|listen|want|check|have)",
            r"does (?:anyone|anybody) (?:there |at \w+ )?(?:know|care|work|read|answer)",
            r"what (?:is|'s|s) (?:going on|wrong|the point|the deal|happening|up with|the holdup|the hold up|"
            r"taking so long)",
            r"what's going on|whats going on",
            r"what (?:the|in the) (?:hell|heck|f|fuck)",
            r"what (?:am|are) (?:i|we) (?:supposed|paying|meant)",
            r"what (?:kind|sort) of (?:\w+ ){0,2}?(?:is|are|was|company|airline|service|business|operation)",
            r"who (?:thought|decided|designed|is in charge|runs|approved)",
            r"(?:can|could|will|would) (?:you|someone|anyone|somebody|u) (?:please |pls )?(?:explain|tell (?:me|"
            r"us) why)",
            r"(?:can't|cannot|cant|won't|wont) (?:you|u|anyone|someone|somebody|your)",
            r"(?:hello|anyone|anybody|helloooo*|hellooo*)\?+",
            r"(?:seriously|really|srsly|for real|why)\s*[?!]+",
            r"which is it",
            r"what is (?:this|that)(?=[?!.\s]*$)",
            r"(?:do|does|will|can|did) (?:you|u|anyone|anybody|someone) (?:guys |people |even )?ever",
            r"where (?:is |are |'s |s )?(?:my|our) (?:\w+ )?(?:bag|bags|luggage|suitcase|refund|money|package|order|"
            r"stuff|stroller|"
            r"car seat|wheelchair|credit|miles|points|delivery|tech|technician|replacement|reimbursement|check|"
            r"voucher|callback|response|reply)",
            r"where (?:is|are|'s) (?:the|our) (?:pilot|crew|agents?|staff|plane|captain|help|driver)",
        ),
        scope="firm",
        role="rhetorical",
    ),
    # "why ..." in a question is a complaint far more often than not in a care
    # channel; weaker than the explicit forms above.
    Family("why", NEGATIVE, 1.0, _words(r"why"), scope="event", role="rhetorical"),
    # -- Nobody answers, nothing happens. --------------------------------------
    Family(
        "no_response",
        NEGATIVE,
        1.2,
        _words(
            r"(?:nobody|no one|noone|no-one|no body|not a soul|not one person)",
            r"not (?:a single|one) (?:\w+ )?(?:agent|person|human|one|update|word|response|reply|call|email|"
            r"announcement|employee|rep)",
            r"(?:zero|0) (?:\w+ )?(?:info|information|updates?|communication|help|responses?|replies|answers|notice|"
            r"effort|"
            r"care|customer service|compensation|explanation)",
            r"(?:never|hasn't|hasnt|haven't|havent|didn't|didnt|not|have yet to|yet to|"
            r"still haven't) (?:\w+ )?(?:heard|hear) back",
            r"(?:never|didn't|didnt|doesn't|doesnt|don't|dont|won't|wont|hasn't|hasnt|haven't|havent|not|nobody|"
            r"no one) "
            r"(?:\w+ )?(?:responded|respond|responding|replied|reply|replying|answered|answer|answering|"
            r"call(?:ed)? (?:me |us )?back|got back|get back|returned (?:my|our) (?:call|calls|email|emails)|"
            r"followed up|follow up|pick(?:s|ed)? up|picking up)",
            r"(?:hung|hang|hangs|hanging) up",
            r"disconnect\w*",
            r"(?:call|calls|line|phone) (?:\w+ )?(?:dropped|disconnected|drops|cut off)",
            r"dropped (?:my|the|our) call",
            r"transferred (?:\w+ )?(?:times|around|\d+x)",
            r"(?:busy|full) (?:signal|mailbox|voicemail)",
            r"high call volume",
            r"(?:can't|cannot|cant|couldn't|could not|unable to|impossible to|trying to|tried to|no way to|try to) "
            r"(?:\w+ )?(?:get through|reach|get ahold|get a hold|get hold|contact|talk to|speak to|speak with|"
            r"talk with|get in touch|get a human|get anyone|get someone|get an answer|get a response)",
            r"(?:answer|pick up|answering|picking up) (?:the|your|any) (?:phones?|dms?|messages?|emails?|tweets?|"
            r"calls?)",
            r"ignor\w*",
            r"radio silence",
            r"crickets",
            r"(?:no|zero|without|never got an?|never received an?) (?:\w+ )?(?:response|reply|answer|callback|"
            r"call back|word|update|"
            r"updates|info|information|explanation|communication|notice|warning|announcement|apology|acknowledg\w*|"
            r"follow.?up|eta)",
            r"(?:dms?|messages?|emails?|tweets?|complaints?|calls?|claims?) (?:\w+ )?(?:ignored|unanswered|"
            r"go unanswered|"
            r"went unanswered|get no|got no)",
            r"left (?:me|us|them|her|him|everyone|my (?:kid|son|daughter|mom|dad|wife|husband|family|mother|"
            r"father)) (?:\w+ )?(?:stranded|there|waiting|hanging|sitting|alone|on the plane|"
            r"behind|at the|in the|on hold|on read)",
            r"personne ne",
            r"nadie (?:\w+ )?(?:contesta|responde|sabe|viene|ayuda|atiende)",
            r"niemand (?:\w+ )?(?:antwortet|hilft|weiß|kommt|meldet)",
            r"ningu[eé]m (?:\w+ )?(?:responde|explica|atende|ajuda|sabe)",
            r"aucune? (?:information|réponse|repas|nouvelle)",
            r"keine? (?:info|information|antwort|hotel|rückmeldung)",
            r"sin (?:respuesta|información|ropa|internet|servicio|luz|señal)",
            r"sem (?:resposta|motivo|informação|internet|sinal)",
        ),
        scope="event",
    ),
    # -- Waiting, holding, being stuck. ----------------------------------------
    Family(
        "waiting",
        NEGATIVE,
        1.0,
        _words(
            r"still (?:no|not|nothing|waiting|haven't|hasn't|havent|hasnt|have not|has not|don't|doesn't|dont|doesnt|"
            r"can't|cant|cannot|stuck|sitting|missing|broken|down|out|without|delayed|no word|unresolved|pending|"
            r"processing|charging|being|showing|says|shows|on hold|on the (?:phone|tarmac|plane|runway|ground|line)|"
            r"at the (?:gate|airport|counter|desk)|in (?:line|the air|limbo)|haven't|nobody|no one|waiting)",
            r"(?:on|put on|placed on|left on|been on) hold",
            r"hold (?:music|times?|for|queue|line)",
            r"holding (?:for|pattern)",
            r"(?:has|have|'s) been (?:\S+ ){1,3}?for (?:over |almost |nearly )?(?:an?|\d+|two|three|four|five|several)",
            r"(?:been |keep |kept |am |are |were |was |still |currently )?wait(?:ed|ing)? (?:for |on |since |over |"
            r"almost |nearly |"
            r"around |about )?(?:\w+ ){0,2}?(?:\d+|an? |over|hours?|hrs?|days?|weeks?|months?|mins?|minutes?|forever|"
            r"ages)",
            r"waited",
            r"been waiting",
            r"(?:been|keep|kept|still|spent \w+ \w+) trying",
            r"(?:been|i've been|we've been|keep being|keep getting|kept being) told",
            r"(?:was|were|been|i was|we were) told (?:\w+ )?(?:i'd|we'd|it'd|it would|i would|we would|they would|"
            r"it will|"
            r"i will|we will|they'd|they will|someone would|someone will)",
            r"(?:(?:it's|its|it has|has|have|i've|we've|ive|weve|it) )?been (?:\d+|an?|one|two|three|four|five|six|"
            r"over|almost|nearly|"
            r"several|many|more than) (?:\w+ )?(?:hours?|hrs?|days?|weeks?|months?|mins?|minutes?|years?)",
            r"been (?:here|there|sitting|standing|stuck|waiting|on hold) (?:for )?(?:\w+ ){0,2}?(?:\d+|an?|over|"
            r"almost|hours|days)",
            r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|several|many) (?:and a half )?(?:\w+ )?(?:hours?|hrs?|"
            r"minutes?|mins?|days?|weeks?) "
            r"(?:of )?(?:waiting|wait|waits|on hold|sitting|stuck|late|delayed|in line|on the phone|on the tarmac|hold|"
            r"(?:in|at) (?:the )?(?:\w+ )?(?:airport|terminal|gate|lobby|line|queue|counter|desk))",
            r"(?:long|longer|endless|insane|crazy|huge|ridiculous) (?:\w+ )?(?:lines?|waits?|queues?|hold|hold times?)",
            r"(?:line|queue)s? (?:is |was |are |were )?(?:\d+|huge|long|insane|crazy|ridiculous|out the door|around|"
            r"wrapped)",
            r"stuck",
            r"stranded",
            r"trapped",
            r"(?:sat|sitting|sit|stuck|waiting|standing|parked) (?:\w+ ){0,3}?(?:on|at|in) (?:\w+ ){0,2}?(?:tarmac|"
            r"runway|ramp|"
            r"plane|gate|jet ?bridge|taxiway|airport|terminal|ground|line|queue)",
            r"tarmac",
            r"forever",
            r"(?:over|more than|almost|nearly) (?:an?|one|\d+) (?:hours?|hrs?|days?|weeks?|months?)",
            r"overnight",
            r"(?:hours|days|weeks|months) (?:later|now|and counting|on end)",
            r"used to (?:be (?:\w+ ){0,2}?(?:good|great|better|my favou?rite|the best|reliable|decent|awesome|amazing|"
            r"nice)|"
            r"love|like|enjoy|trust)",
            r"and counting",
            r"llevo (?:\w+ ){0,2}?(?:días|dias|horas|semanas|meses)",
            r"seit (?:\w+ ){0,2}?(?:tagen|stunden|wochen|monaten|woche|montag|dienstag|gestern)",
            r"depuis (?:\w+ ){0,2}?(?:lundi|mardi|hier|heures|jours|semaines)",
            r"toujours pas",
            r"já faz",
            r"ainda não",
        ),
        scope="event",
    ),
    # -- Things broke, failed, or would not work. -------------------------------
    Family(
        "failure",
        NEGATIVE,
        1.0,
        _each(
            "doesn't|does not|doesnt|don't|do not|dont|didn't|did not|didnt|won't|will not|wont|isn't|is not|isnt|"
            "aren't|are not|wasn't|was not|wasnt|weren't|can't|cannot|cant|couldn't|could not|never|unable to|"
            "fails? to|"
            "failed to|refuses? to|refused to|wouldn't|would not|still not|not",
            r" (?:\w+ )?(?:work|working|works|load|loading|loads|open|opening|connect|connecting|recline|fold|charge|"
            r"print|"
            r"function|functioning|go through|let (?:me|us)|allow|accept|display|turn on|honou?r|honou?red|match|fit|"
            r"arrive|"
            r"arrived|deliver|delivered|ship|shipped|refund|refunded|refunding|fix|fixed|update|updated|process|"
            r"processed|"
            r"recogni[sz]e|tell (?:me|us|anyone)|told (?:me|us|anyone)|explain|receive|received|reach|log ?in|"
            r"sign ?in|appear|"
            r"check (?:me )?in|book|rebook|hear|make it|show up|showed up|show|showed|move|board|get (?:my|a|an|me|us|"
            r"any|through)|"
            r"got (?:my|a|an|any)|come|came|care|help|helping|helped|inform|notify|notified|apply|applied|credit|"
            r"credited|"
            r"exist|stay|boot|sort(?:ed)? (?:it|this|that|out|things|anything|me|us)|sorted)",
        )
        + _words(
            r"(?:is|are|was|were|been|went|goes|going|keeps going|still|be|has been|have been) (?:all |completely |"
            r"totally )?down",
            r"out of (?:order|service|food|water|snacks|meals|drinks|coffee|stock again)",
            r"(?:app|site|website|system|page|portal|kiosks?|wifi|wi-fi|internet|server|router|modem|box|phone|tv|"
            r"screen|"
            r"entertainment|outlet|outlets|printer|card) (?:\w+ )?(?:is |are |keeps |kept |has been |was |just )?"
            r"(?:down|crash\w*|broken|frozen|freezing|glitch\w*|useless|dead|unusable|dropping|rebooting|restarting)",
            r"(?:keeps?|kept|keep on) (?:on )?(?:getting (?:\w+ )?(?:delayed|cancelled|canceled|worse|bumped|charged|"
            r"dropped|"
            r"disconnected|errors?|kicked|logged|transferred)|dropping|crashing|freezing|rebooting|disconnecting|"
            r"failing|"
            r"changing|happening|asking|telling|saying|sending|charging|putting|giving (?:me )?(?:errors?|"
            r"the runaround)|"
            r"hanging|cancell?ing|delaying|losing|breaking|going down|logging|kicking|showing|pushing|moving|bumping|"
            r"closing|declining|rejecting|timing out|buffering|cutting out|redirecting)",
            r"stopped working",
            r"(?:falling|fell|coming|came|comes|falls) (?:apart|off)|worn (?:out|down)|(?:mia|awol)",
            r"(?:kicked|logged|locked) (?:me |us )?out",
            r"won't (?:let|allow|accept|load)",
            r"crash\w*",
            r"error\w*",
            r"throttl\w*",
            r"(?:has|have|had|'s) been out",
            r"(?:don't|do not|dont|can't|cannot|can not|cant) understand (?:how|why|what)",
            r"(?:doesn't|don't|didn't|can't|won't|isn't|wasn't|aren't|couldn't|doesnt|dont|didnt|cant|wont|isnt) even "
            r"(?:have|has|work|load|answer|respond|reply|apologi[sz]e|acknowledge|try|bother|care|show|let|get|give|"
            r"offer|call|"
            r"tell|look|open|turn|recline|fit|know|check|listen|read|service)",
            r"(?:it|they|he|she|that|which) (?:wasn't|isn't|didn't|did not|was not|is not|never did|doesn't|won't|"
            r"weren't|"
            r"aren't)(?=[.!\s]*$)",
            r"(?:charged|billed|bill|charge|invoice) (?:me |us )?for (?:\w+ ){0,4}?(?:i|we) (?:returned|cancell?ed|"
            r"canceled|"
            r"never|didn't|did not|already)",
            r"different (?:answers?|story|stories|price|prices|thing)|(?:says|said|tells|told me) another",
            r"could (?:be|have been) (?:a lot |much |way |so much )?better",
            r"(?:for |with )?no (?:good )?reason",
            r"without (?:any |a )?(?:reason|explanation|notice|warning|asking|telling|informing|notifying|letting|"
            r"consent|permission|an apology|apolog\w*)",
            r"(?:separated|split up|split apart)",
            r"(?:means?|meant) nothing|meaningless|pointless|what's the point|whats the point",
            r"(?:please |pls )?stop (?:\w+ing|the spam)",
            r"(?:sitting|waiting|standing|stuck) (?:here|around|there)|just sitting",
            r"covered in|stained|vomit|puke|urine",
            r"(?:sold|gave|given|went|assigned|released) (?:\w+ ){0,2}?to (?:someone|somebody) else",
            r"(?:box|package|bag|order|container|envelope) (?:was|is|arrived|came) (?:completely |totally |"
            r"literally )?empty",
            r"fake|counterfeit|knock-?off",
            r"double[- ]?book\w*|(?:two|2|three|3|multiple|duplicate) (?:separate )?charges",
            r"laugh(?:ed|ing) at (?:me|us|my|him|her)|made fun of|mocked",
            r"(?:line|lines|phone|phones|number)s? (?:\w+ ){0,3}?busy",
            r"for nothing",
            r"(?:it's|its|it is|they're|it was|it isn't|still) not here|nowhere to be found",
            r"(?:got|was|been|were|keeps? getting) (?:\w+ )?(?:blocked|suspended|deactivated|locked|frozen|flagged)",
            r"(?:closed|closing|close) (?:my|the) (?:case|ticket|claim|dispute)",
            r"(?:says?|said|begs?) (?:to differ|otherwise)",
            r"(?:\d+x|twice as|three times|way|much|so much) (?:higher|more expensive|as (?:much|high))",
            r"shouldn't|should not|shouldnt|should've|should have|shouldve",
            r"explain(?=\W*$)",
            r"glitch\w*",
            r"bug(?:s|gy)",
            r"freez(?:e|es|ing)",
            r"frozen",
            r"broke(?:n)?",
            r"busted",
            r"power (?:\w+ )?(?:out|outage|cut)",
            r"(?:power|internet|service|cable|signal|wifi|wi-fi|tv|phone|electricity|connection)(?:'s| is| has been|"
            r" been| was|"
            r" were| are| went| keeps| still)? (?:\w+ )?(?:out|off|gone|spotty|dead|unusable|intermittent)",
            r"dead zone",
            r"sos only",
            r"doa",
            r"invalid",
            r"unable to",
            r"slow(?:er|est|ly)?",
            r"dropp(?:ed|ing) (?:calls?|connection|signal|out)",
            r"dropping",
            r"reboots?|rebooting",
            r"disappear\w*",
            r"vanish\w*",
            r"stale|inedible|soggy|undercooked|not edible",
            r"(?:arrived|was|were|is|came) (?:\w+ )?cold",
            r"dirty|filthy|gross|smelly|smelled|smells|stink\w*|sewer|crumbs|sticky|moldy|mould\w*|roach\w*",
            r"no funciona|ne fonctionne|funktioniert nicht|não funciona|não resolve|no sirve|nicht an",
            r"pas de (?:connexion|réseau|internet|service)",
        ),
        scope="event",
        negatable=True,
    ),
    # Outages: a topic of neutral questions too ("is there an outage in 94110?").
    Family(
        "failure_topic",
        NEGATIVE,
        0.9,
        _words(r"outages?", r"blackouts?"),
        scope="topic",
        negatable=True,
    ),
    # "couldn't find it on the site": mild, and common in neutral questions.
    Family(
        "failure_weak",
        NEGATIVE,
        0.5,
        _words(r"(?:can't|couldn't|cannot|cant|couldnt|unable to) (?:\w+ )?find"),
        scope="topic",
    ),
    # "No X": going without something. Topic-scoped because neutral questions
    # ask about it too ("can I fly with no checked bag?").
    Family(
        "deprivation",
        NEGATIVE,
        1.0,
        _words(
            r"(?:no|without|zero|0) (?:\w+ )?(?:internet|power|service|signal|wifi|wi-fi|connection|tv|cable|"
            r"electricity|heat|"
            r"heating|hot water|ac|a/c|air|air conditioning|water|food|legroom|pilot|crew|agents?|staff|gate agent|"
            r"hotel|voucher|vouchers|meal|meals|snacks|drinks|blanket|seat|seats|bag|bags|luggage|ride|shuttle|bars?|"
            r"idea|clue|help|assistance|support|options?|choice|compensation|refund|explanation|soap|toilet paper|"
            r"drivers?|tech|technician|reps?|representative|human|person|employees?|signal|dial tone)",
        ),
        scope="topic",
    ),
    # Burdens the customer had to carry, and blame put on the brand.
    Family(
        "burden",
        NEGATIVE,
        1.0,
        _words(
            r"(?:have|had|having|has|need|needed|forced|made me|make me) to (?:\w+ )?(?:pay|buy|tweet|call back|"
            r"call again|"
            r"wait|sleep|rebook|drive|beg|chase|fight|find out|rent|book (?:another|a new)|take a cab|take an uber|"
            r"cancel|"
            r"repeat|explain (?:again|everything)|start over|do it (?:all )?again|stand|sit)",
            r"(?:you|u|y'all|they|your \w+(?: \w+)?) (?:\w+ )?(?:cancel(?:l?ed)?|delayed|lost|broke|damaged|charged|"
            r"overbooked|"
            r"bumped|stranded|forgot|ruined|misplaced|overcharged|screwed|messed|rebooked|downgraded|moved|gave away|"
            r"gave my|"
            r"changed|switched|swapped|sent|took|kicked|removed|refused|denied|ignored|"
            r"sold my|put (?:us|me)|left (?:us|me)|keep (?:\w+ing))(?!\w)",
            r"(?:sleeping|sleep|slept|spend(?:ing)? the night|spent the night|camping|spent (?:the|my) (?:day|night|"
            r"weekend))"
            r" (?:at|in|on) (?:the )?(?:airport|terminal|gate|floor|\w+ airport|[a-z]{3})",
            r"(?:want|need|like|demand|deserve|owed?|expect) (?:me )?an? (?:\w+ )?(?:explanation|answer|apology|"
            r"response)",
            r"says a lot",
            r"(?:want|need|give me) (?:back )?(?:my|our) (?:\w+ )?(?:bags?|luggage|suitcases?|money|refund|stuff|"
            r"package|order|"
            r"seat|miles|points|deposit)",
            r"(?:you|u|y'all|you guys|they|someone|somebody) (?:really |seriously |desperately )?(?:need|needs) "
            r"(?:more|better|to (?:hire|train|fix|improve|get (?:it|your)|do something|step up|figure|learn|update|"
            r"upgrade))",
            r"(?:\d+|dozens of|hundreds of|a hundred|fifty) (?:\w+ )?(?:people|passengers|customers|"
            r"of us) (?:\w+ )?(?:waiting|in line|"
            r"stuck|stranded|ahead|standing|sitting)",
            r"(?:only |just )?(?:1|one|a single|two|2) (?:\w+ )?(?:agents?|employees?|cashiers?|persons?|reps?|staff|"
            r"tellers?|"
            r"people) (?:working|on duty|at the|for|and \d+)",
            r"pay(?:ing|ed)? (?:for )?(?:\w+ ){0,4}?(?:and|but) (?:got|getting|get|receiving|only get|only getting)",
            r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six) (?:and a half )?(?:hours?|hrs?|minutes?|mins?|days?|"
            r"weeks?) "
            r"(?:to get|for) (?:my |our |the |a |an )?(?:bags?|luggage|suitcases?|gate|jet ?bridge|agent|driver|tech|"
            r"technician|"
            r"crew|pilot|wheelchair|response|reply|callback|refund|answer|food|delivery|order|package|someone|anyone|"
            r"help|"
            r"a human|human|rep|representative)",
        ),
        scope="event",
    ),
    # Negated norms and praise: "not acceptable", "not a fan", "not happy".
    Family(
        "negated_norm",
        NEGATIVE,
        1.2,
        _each(
            "not|isn't|is not|isnt|wasn't|was not|wasnt|hardly|never|aren't|are not|ain't|so not",
            r" (?:\w+ )?(?:acceptable|ok|okay|fair|right|cool|appropriate|normal|reasonable|how you treat|a good look|"
            r"good enough|(?:a |the )?(?:big |huge )?fan|happy|impressed|pleased|amused|satisfied|what i (?:paid|"
            r"asked|ordered)"
            r" for|worth it|worth the)",
        ),
        scope="firm",
    ),
    # -- Disruption: delays, cancellations, missed connections. ----------------
    Family(
        "disruption",
        NEGATIVE,
        1.0,
        _words(
            r"missed (?:my|our|the|a|his|her|their) (?:\w+ )?(?:connection|connecting|flight|flights|meeting|wedding|"
            r"funeral|"
            r"event|appointment|cruise|train|ride|interview|game|concert|birthday)",
            r"cancel(?:l)?(?:ed|ation|ations)|cancl?ed|canceld|cancell?d",
            r"delay(?:ed|s|ing)?|delayd|dely(?:ed|s)?",
            r"divert(?:ed|ion)",
            r"overbook(?:ed|ing)?",
            r"oversold",
            r"bumped",
            r"(?:late|delayed|cancelled|canceled) (?:again|once more|every time)",
            r"timed out",
            r"turned (?:back|around)",
            r"irrops|irregular operations",
            r"cancelad[oa]s?|annul[ée]e?s?|gestrichen|annulliert|storniert",
            r"retras\w*|demora\w*|atras\w*|retard[ée]\w*|verspät\w*",
        ),
        scope="topic",
        negatable=True,
    ),
    # Weaker disruption words, common in neutral posts too ("late checkout", "gate change").
    Family(
        "disruption_weak",
        NEGATIVE,
        0.6,
        _words(
            r"late",
            r"missed",
            r"mechanicals?",
            r"circling|holding pattern",
            r"deplane\w*",
            r"grounded",
            r"(?:gate|time|schedule|flight|seat) chang(?:e|es|ed)",
            r"moved (?:me|us) to",
            r"maintenance",
        ),
        scope="topic",
        negatable=True,
    ),
    # -- Lost, damaged, wrong. --------------------------------------------------
    Family(
        "lost_damaged",
        NEGATIVE,
        1.0,
        _words(
            r"(?:lost|lose|losing|misplaced?|mishandled) (?:my|our|his|her|their|the|a) (?:\w+ ){0,2}?(?:bags?|"
            r"luggage|suitcase|"
            r"stroller|car seat|wheelchair|reservation|booking|package|order|items?|pet|dog|cat|stuff|belongings|"
            r"jacket|"
            r"phone|laptop|ticket|miles|points|money|seat|upgrade)",
            r"lost",
            r"los(?:e|ing)",
            r"missing",
            r"misplac\w*",
            r"mishandl\w*",
            r"damag\w*",
            r"cracks?|dents?",
            r"ripped|torn|cracked|smashed|crushed|bent|soaked|shattered|dented|scratched|destroyed|wrecked|stolen|"
            r"tampered",
            r"(?:sent|shipped|delivered|gave|got|received|put) (?:me |us )?(?:the |a )?wrong",
            r"wrong",
            r"perdid[oa]s?|perdu\w*|verloren|verschwunden|kaputt|beschädigt|déchiré\w*|cassé\w*|no llegó|não chegou",
        ),
        scope="topic",
        negatable=True,
    ),
    # -- Money: charges, fees, refunds. ----------------------------------------
    Family(
        "money",
        NEGATIVE,
        1.1,
        _words(
            r"(?:double|doubly)[ -]?charg\w*|overcharg\w*|charged (?:me |us )?(?:twice|double|two times|2x|again|"
            r"extra|more)",
            r"charg(?:ed|ing|es) (?:me|us|my card|my account|for (?:a|an|the|my) (?:\w+ ){0,2}?(?:that|which|i|we)|"
            r"\$?\d+ (?:to|for))",
            r"(?:extra|hidden|surprise|unexpected|ridiculous|outrageous|insane|junk|bogus) (?:fees?|charges?)",
            r"(?:no|still no|still waiting for|waiting for|waiting on|never got|never received|haven't received|"
            r"haven't gotten|"
            r"haven't got|didn't get|didn't receive|yet to receive|where is|where's|still haven't received|no sign of) "
            r"(?:my |a |the |our |any )?(?:\w+ )?(?:refund|money|reimbursement|credit|compensation|miles|points|"
            r"voucher|check|deposit)",
            r"refunds? (?:\w+ )?(?:still|is still|has been|was denied|denied|pending|processing|never|not|hasn't|"
            r"haven't|policy is a)",
            r"(?:won't|wouldn't|will not|refuse\w* to|refus\w*|denied|deny\w*|declin\w*|reject\w*) (?:\w+ )?(?:to )?"
            r"(?:refund|reimburse|compensate|honou?r|match|help|fix|accept|let)",
            r"refus\w*|denied|deny|denies|declin(?:ed|ing)|rejected",
            r"dispute\w*",
            r"(?:don't|didn't|do not) recogni[sz]e",
            r"higher than (?:last|my|the|usual|normal|before|it should)",
            r"rip(?:ped)?[- ]?off",
            r"scam\w*",
            r"gouge\w*|gouging",
            r"theft|steal\w*|stole",
            r"(?:bill|price|rate|prices|rates|premium|fees?|cost|payment)(?: \w+)? (?:went up|go up|goes up|doubled|"
            r"increased|"
            r"jumped|tripled|skyrocketed|hike)",
            r"(?:price|rate|fee) (?:increase|hike)s?",
            r"rais(?:e|ed|ing) (?:my|our|the) (?:\w+ )?(?:bill|price|rate|fee|prices|rates)",
            r"(?:what am i|what are we|why am i|why are we|what (?:am|are) (?:i|we)) (?:even )?paying (?:for)?",
            r"paid (?:for )?(?:\w+ ){0,4}?(?:and|but) (?:\w+ ){0,2}?(?:got|didn't|did not|doesn't|does not|never|no|"
            r"wasn't|"
            r"isn't|still|they|it was|was)",
            r"took my money",
            r"charg(?:ed|ing) (?:me |us )?(?:a |an |the )?(?:\$?\d+ )?(?:\w+ )?(?:fee|fees|charge)",
            r"(?:want|need|demand|give me|get) (?:my |a |the |our )?(?:\$|money|full refund)",
            r"money back|my money",
            r"reembols\w*|rembours\w*|erstatt\w*",
        ),
        scope="event",
    ),
    # Money words that neutral questions use as much as complaints.
    Family(
        "money_topic",
        NEGATIVE,
        0.4,
        _words(r"refunds?", r"fees?", r"reimburs\w*", r"compensat\w*", r"charged", r"bill"),
        scope="topic",
        negatable=True,
    ),
    # -- Broken promises and repetition. ---------------------------------------
    Family(
        "broken_promise",
        NEGATIVE,
        1.0,
        _words(
            r"(?:no|never)[- ]?(?:show|showed|call|called)(?!\w)",
            r"never (?:came|showed|happened|called|arrived|got|received|shipped|delivered|refunded|responded|replied|"
            r"answered|"
            r"heard|made it|came back|followed up|fixed|connected|honou?red|contacted|emailed|returned|updated|"
            r"showed up|"
            r"came through|materialized|boarded|left)",
            r"(?:hasn't|haven't|hasnt|havent|has not|have not|yet to|still haven't|still hasn't) (?:\w+ )?(?:heard|"
            r"received|"
            r"gotten|got|arrived|shown|come|responded|replied|called|updated|refunded|shipped|moved|changed|been able|"
            r"fixed|"
            r"been (?:fixed|resolved|refunded|processed|credited|delivered|contacted))",
            r"(?:was|were|i was|we were|been|got|being) (?:\w+ )?(?:promised|assured|guaranteed)",
            r"(?:told|asked) (?:me|us) to (?:call|go|wait|come back|try again|check|email|dm|contact)",
            r"(?:said|told (?:me|us)) (?:it|they|you|he|she|we|i) (?:would|will|'d|were going to)",
            r"yet again|once again|again and again|all over again|over and over|time after time",
            r"(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|sixth|nth|umpteenth) (?:\w+ )?(?:time|delay|call|"
            r"attempt|try|"
            r"email|dm|agent|rep|transfer|cancellation|flight in a row|gate change|day in a row)",
            r"(?:\d+|two|three|four|five|six|several|multiple|many) (?:\w+ )?(?:times|calls|attempts|tries|emails|dms|"
            r"agents|"
            r"reps|transfers|cancellations|gate changes|delays)",
            r"every (?:single )?(?:time|day|night|week|flight)|every\. single\. time",
            r"in a row",
            r"no excuse|not an excuse|excuses",
        ),
        scope="event",
    ),
    # Expectations that may or may not have been broken ("supposed to", "we were told").
    Family(
        "promise_topic",
        NEGATIVE,
        0.6,
        _words(r"supposed to", r"promis\w*", r"(?:we|i) (?:were|was) told", r"waiting (?:on|for)", r"empty"),
        scope="topic",
    ),
    # Repetition and elapsed time: supporting evidence only.
    Family(
        "again",
        NEGATIVE,
        0.5,
        _words(
            r"again", r"still", r"(?:it's|its|it has|it's now) been", r"since (?:yesterday|last|this|early|\w+day|\d)"
        ),
        scope="event",
    ),
    # "for 2 hours": how long something went wrong, in most care posts.
    Family(
        "duration_for",
        NEGATIVE,
        0.6,
        _words(
            r"for (?:over |almost |nearly |about |around |more than )?(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|"
            r"six|seven|eight|"
            r"nine|ten|several|many|multiple) (?:and a half |more )?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|wks?|"
            r"months?)",
        ),
        scope="topic",
    ),
    # Durations: a sign of waiting, but only supporting evidence.
    Family(
        "duration",
        NEGATIVE,
        0.35,
        _words(
            r"\d+(?:\.\d+)? ?(?:and a half )?(?:hours?|hrs?|h|minutes?|mins?|m|days?|weeks?|wks?|months?)",
            r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|many|multiple|few) (?:more )?"
            r"(?:hours?|hrs?|days?|weeks?|months?)",
            r"(?:all|whole|entire) (?:day|night|morning|afternoon|evening|weekend|week|flight|trip|month)",
        ),
        scope="topic",
    ),
    # -- Judgements: opinion words TextBlob often misses or dilutes. -----------
    Family(
        "judgement_strong",
        NEGATIVE,
        1.5,
        _words(
            r"worst",
            r"ter+ib+l[ey]|hor+ib+l[ey]|horrendous|atrocious|abysmal|ap+al+ing|dreadful|aw+ful+(?:ly)?",
            r"pathetic|r[ie]dic\w*|un+ac+ep+tabl[ey]|inexcusable|outrageous|absurd|laughable|ludicrous",
            r"cruel|heartless|inhumane|greedy|greed",
            r"non[- ]?existent|(?:expected|expect|deserve|deserved) (?:much )?(?:better|more)",
            r"disgust\w*|disgrace\w*|shameful|shame on|embarrass\w*",
            r"incompeten\w*|unprofessional|useless|rude\w*|condescend\w*|disrespect\w*|insult\w*",
            r"unhelpful|unfriendly|unorganized|disorganized|unresponsive|unreachable|inept|clueless|careless|impolite|"
            r"nasty",
            r"nightmare\w*|garbage|trash|crap\w*|suck(?:s|ed|y)?|sux|wtf|wth|ffs|fml|fuck\w*|f\*+\w*|shit\w*|bs|"
            r"bullshit",
            r"hate\w*|hating|liars?|lying|lied|lies",
            r"#\w*fail\w*|fail(?:ed|s|ing|ure|ures)?",
            r"joke",
            r"clowns?|idiots?|stupid\w*|dumb\w*|moron\w*",
            r"treated (?:like|as) (?:\w+ )?(?:garbage|trash|crap|dirt|cattle|criminals?|animals|a number|second class|"
            r"shit)",
            r"(?:deal with it|not my problem|not our problem|not my fault|tough luck)",
            r"(?:screw(?:ed|ing)?|mess(?:ed|ing)?) (?:\w+ )?(?:up|over)",
            r"dropped the ball",
            r"let (?:me|us) down",
            r"down the drain",
            r"do better",
            r"get (?:it|your act|your \w+) together",
            r"(?:rolled|rolling|rolls) (?:her|his|their) eyes|eye ?roll\w*",
            r"pésim[oa]|pesim[oa]|vergüenza|vergonzos[oa]|vergonha|que vergonha|inadmissible|inacceptable|scandal\w*|"
            r"honte|"
            r"nul(?:le)?|frechheit|skandal|katastroph\w*|unmöglich|péssim[oa]|horrível|lamentable|fatal",
        ),
        scope="firm",
        negatable=True,
    ),
    # Imperative demands: the customer tells the brand to fix what went wrong
    # ("Sort it out", "Fix it", "make it right"). "Do better" and "get it
    # together" are stronger, in judgement_strong.
    Family(
        "demand",
        NEGATIVE,
        1.0,
        _words(
            r"(?:please|pls|plz) (?:\w+ )?(?:fix|respond|answer|call|get back|look into|refund|do something|resolve|"
            r"reply)",
            r"fix (?:this|it|your|the|my)",
            r"need (?:this|it|my \w+|them) fixed",
            r"make (?:it|this|things) right",
            r"sort (?:it|this|that|things|this mess|the mess|yourselves|yourself|your (?:\w+ )?\w+) out",
            r"sort out (?:this|the|your) mess",
            r"get (?:it|this|that) (?:sorted|fixed|resolved)",
            r"(?:step|up|raise|lift) your game|pull your (?:socks|finger) (?:up|out)|shape up|do your (?:job|jobs)",
        ),
        scope="firm",
        negatable=True,
    ),
    # Judgements of medium strength, frustration, mistreatment.
    Family(
        "judgement",
        NEGATIVE,
        1.0,
        _words(
            r"frustrat\w*|dis+ap+oint\w*|annoy\w*|infuriat\w*|furious|livid|angry|upset|pissed|irritat\w*|aggravat\w*",
            r"unhappy|dissatisf\w*|unsatisf\w*|poor(?:ly)?|bad|worse|lousy|subpar|sub-par|mediocre|shoddy|sloppy",
            r"uncomfortabl\w*|cramped|unusable|unclean|broken down|run down|outdated|overpriced",
            r"unreliable|inconsisten\w*|inconvenien\w*|hassle|headache|ruin\w*|miserable|stress\w*|sad|unfair|unjust",
            r"mess|messy|disaster\w*|chaos|chaotic|circus|zoo|hell|fiasco|debacle|farce|shambles|madness",
            r"fed up|sick (?:of|and tired)|tired of|had enough|enough is enough|at (?:my|our) wits",
            r"incorrect(?:ly)?|confus\w*|misleading|mislead|misinform\w*|deceptive|false advertising",
            r"yell\w*|scream\w*|shout(?:ed|ing) at|snapped at|hostile|aggressive",
            r"shrug\w*|attitude|hiding|hid|abandon\w*|neglect\w*",
            r"starving|starved|hungry|thirsty|sweating|dehydrated|exhausted",
            r"unbelievabl\w*|smh|ugh+|argh+|grr+|sigh|wow(?=[.!?]*\s*$)",
            r"come on|c'mon|cmon",
            r"mad",
            r"help\s*!+|sos",
        ),
        scope="firm",
        negatable=True,
    ),
    # Problem words that neutral questions use too ("I have an issue with my booking").
    Family(
        "trouble",
        NEGATIVE,
        0.7,
        _words(
            r"problems?|issues?|trouble|struggl\w*", r"complain\w*|complaint", r"explain", r"seriously", r"mistakes?"
        ),
        scope="topic",
        negatable=True,
    ),
    # Intensity words that go either way ("hold times are insane", "delivered
    # in 4 hours. insane"): supporting evidence only.
    Family("intensity", NEGATIVE, 0.5, _words(r"insane(?:ly)?|crazy|unreal|wild|nuts"), scope="firm"),
    # Requests for help: support only, neutral questions ask for help too.
    Family(
        "request_help",
        NEGATIVE,
        0.4,
        _words(
            r"(?:please|pls|plz) (?:\w+ )?(?:help|advise|assist|dm|contact)",
            r"(?:need|want|needs|require) (?:some |your )?(?:help|assistance|answers|someone|a human|to speak|to talk)",
            r"(?:take|have) a look",
            r"look into",
            r"can(?:'t|not|t) believe",
            r"really\?",
        ),
        scope="topic",
    ),
    # -- Positive evidence. ----------------------------------------------------
    # A fix or a recovery: with thanks or praise, it turns the problem told before it into backstory.
    Family(
        "fix",
        POSITIVE,
        1.0,
        _words(
            r"(?:issue|problem|it|everything|all)s? (?:is |was |are |were |has been |have been |"
            r"got )?(?:all )?(?:resolved|fixed|solved|sorted)",
            r"fixed|resolved|sorted(?: (?:it|things|me|everything))?(?: out)?|solved|restored",
            r"back (?:up|on|online|in business|to normal|working)",
            r"working (?:again|now|fine|perfectly|great)",
            r"found (?:my|our|it|the|them|her|his)",
            r"came through",
            r"(?:got|get|getting|gets) (?:me|us|my \w+|it) (?:home|there|on|back|rebooked|a seat|seated|to|into|onto|"
            r"through|out|"
            r"an?|the)",
            r"(?:rebooked|re-booked|accommodated) (?:me|us)",
            r"(?:refund(?:ed|ing)|reimburs(?:ed|ing)|credit(?:ed|ing)) (?:me|us|my|the)",
            r"(?:caught|stopped|blocked|flagged) (?:a |the )?(?:\w+ )?(?:fraud\w*|charge|transaction|scam)",
            r"(?:delivered|returned) (?:it |my \w+ )?(?:to my|to our|to the hotel|this morning|same day|within)",
            r"waived",
            r"(?:taken|took|take|takes) care of (?:me|us|it|my|everything)",
            r"made (?:it|things) right",
            r"made (?:\w+ ){0,4}?(?:easier|better|bearable|smoother|so easy|painless|possible)",
            r"made (?:my|the|our) (?:connection|flight)",
            r"worked out",
            r"kept (?:us|me|everyone) (?:\w+ )?(?:updated|informed|posted|in the loop|laughing|smiling|entertained|"
            r"calm|safe|"
            r"comfortable)",
            r"(?:quick|fast|speedy|prompt|rapid|swift) (?:\w+ )?(?:response|reply|fix|turnaround|resolution|help|"
            r"action|rebooking|"
            r"refund|dm reply)",
            r"redeemed (?:yourselves|yourself)",
            r"all (?:good|set) now|good to go|up and running",
            r"(?:on|onto) (?:the|an) (?:next|earlier) flight",
            r"resuelt\w*|solucion\w*|resolvid\w*|résolu\w*|gelöst|funciona|läuft wieder|einwandfrei|arreglad\w*|"
            r"problema resolvido",
        ),
        scope="firm",
        role="fix",
        negatable=True,
    ),
    # Thanks: positive, unless the post reports a problem and no fix (politeness or sarcasm).
    # Thanks that close a post after a question, a problem or an e-mail body
    # are a formula (sentiment.py, "closing thanks").
    Family(
        "thanks",
        POSITIVE,
        1.0,
        _words(
            r"thank(?:s|ing|ful)?(?: you)?(?: (?:so|very) much)?",
            r"(?:many|big|huge|massive|special) thanks|cheers",
            r"thx|thnx|thanx|tysm|tyvm|ty",
            r"(?:much )?appreciat\w*|grateful|gratitude",
            r"kudos|shout ?outs?|props (?:to|for)|hats off",
            r"gracias|merci|danke|dank je|obrigad[oa]|grazie|bedankt",
        ),
        scope="firm",
        role="thanks",
        negatable=True,
    ),
    # Praise: damped inside questions ("what's the best deal?").
    Family(
        "praise",
        POSITIVE,
        1.0,
        _words(
            r"lov(?:e|ed|es|ing)|awesome|amazing|excellent|fantastic|wonderful|best|brilliant|superb|outstanding|"
            r"incredibl[ey]",
            r"stellar|phenomenal|exceptional|perfect\w*|lifesaver|life saver|10/10|5 stars|five stars|rockstars?|"
            r"rock stars?",
            r"top[- ]notch|first[- ]class service|5[- ]star|five[- ]star|class act|on point|pleasure|a\+",
            r"heroe?s?|legends?|angels?|impress\w*|delight\w*|thrill\w*|enjoy\w*|great|bravo|congrat\w*",
            r"happy|glad|pleased|beautiful|gorgeous|stunning|smooth(?:est|er|ly)?|comfortabl\w*|comfy|comfiest",
            r"helpful|friendly|kind(?:est|ness|ly)?|pleasant|courteous|polite|professional(?:ism)?|efficient|attentive",
            r"accommodating|gracious|generous|caring|sweet|fab|favou?rite|recommend\w*|yay|woo+|woohoo|hooray|a treat",
            r"worth it",
            r"(?:way|much|so much|far|a lot|even) better|better than (?:ever|expected|my old|the old|any|\w+ (?:other|"
            r"else))",
            r"hooked|blown away|pleasantly surprised|a breeze|breeze|convenient|entertain\w*|hilarious|funny",
            r"(?:went|goes|go|going) out of (?:his|her|their|your|the) way|tipped extra",
            r"excelente|parfait|perfekt|genial|amable|gentil\w*|wunderbar|toll|muy bien|très bien|sehr gut|muito bom|"
            r"ótimo",
        ),
        scope="topic",
        role="praise",
        negatable=True,
    ),
    # Mild praise ("good", "easy", "on time", "free").
    Family(
        "praise_mild",
        POSITIVE,
        0.6,
        _words(
            r"good|nice(?:st)?|cool|fun|easy|easiest|easily|effortless|seamless|hassle[- ]free|no[- ]hassle|"
            r"quick(?:ly|est)?",
            r"fast(?:est)?|speedy|on time|early|ahead of schedule|free|upgraded|excit\w*|fresh|clean|spacious|tasty|"
            r"delicious",
            r"super|rápid\w*|rapide|schnell\w*",
        ),
        scope="topic",
        role="praise",
        negatable=True,
    ),
)

# -- Markers: no evidence themselves, they tell the rules where they are. -------
# Listed last so that, where a phrase above starts at the same word, the
# phrase wins.
MARKERS: tuple[Family, ...] = (
    # A hypothetical or general question ("what happens if...", "what's your
    # policy on..."): evidence after one, in a question, is damped.
    Family(
        "hypothetical",
        NEUTRAL,
        0.0,
        _words(
            r"if|whether|in case|incase|in the event|what happens|what if|should (?:my|the|a|our|i|we)",
            r"suppose|supposing|assuming|hypothetically|policy|policies|in general|usually|typically|normally|"
            r"generally",
            r"si|falls|se",
        ),
        role="hypothetical",
    ),
    # A contrast: when the two sides disagree, what follows the last one is
    # what the customer means ("the crew was lovely but no one told us why").
    # Concessive "though"/"although" is left out: there the main clause comes first.
    Family("contrast", NEUTRAL, 0.0, _words(r"but|however|unfortunately|sadly|except"), role="contrast"),
    # A concession ("despite the delay the crew was amazing"): the problem
    # right after it is conceded, not complained about.
    Family("concession", NEUTRAL, 0.0, _words(r"despite|in spite of|even with|regardless of"), role="concession"),
    # Purchase intent, read by intent.py (sales_lead): the customer says they
    # mean to buy, or asks for a price for a group, a business or a volume.
    Family(
        "sales",
        NEUTRAL,
        0.0,
        _words(
            r"looking (?:to|into) (?:\w+ )?(?:buy|purchase|add|book|open|get|sign up|switch|upgrade|order|lease|rent|"
            r"bring|"
            r"start|set up|charter|join)",
            r"looking for (?:a |an |some )?(?:\w+ )?(?:plan|deal|quote|pricing|price|offer|package|provider|carrier|"
            r"bank|card|"
            r"laptop|option|discount|phone)s?",
            r"interested in",
            r"(?:want|wanna|would like|'d like|planning|plan|hoping|ready|need) to (?:\w+ )?(?:buy|purchase|sign up|"
            r"subscribe|"
            r"upgrade|order|add|open (?:a|an)|book (?:a group|for \d+|\d+)|switch to you|join|lease|charter|"
            r"sign (?:up|on))",
            r"thinking (?:of|about) (?:getting|buying|switching from|signing|upgrading|adding|booking|joining|opening|"
            r"ordering|trying|moving to you)",
            r"considering (?:getting|buying|booking|switching from|signing|upgrading|adding|your|an? )",
            r"switch\w* (?:over )?(?:from @?\w+|to (?:you|u|y'all|your))",
            r"(?:dm|send|email|give) (?:me |us )?(?:a )?(?:pricing|quote|price list|rates)",
            r"(?:pricing|quote) for",
            r"(?:group|corporate|business|bulk|volume|wholesale|enterprise) (?:fares?|rates?|pricing|discounts?|"
            r"accounts?|"
            r"program|plans?|internet|travel|checking|booking|lines?|phones?)",
            r"(?:for|with) (?:our|my) (?:\w+ )?(?:team|company|office|business|employees|staff|coworking space|"
            r"boutique|"
            r"firm|clients)",
            r"(?:team|group|party|office) of (?:~|about |around )?\d+",
            r"need \d+ (?:\w+ )?(?:laptops|lines|seats|tickets|phones|licen[cs]es|units|computers|rooms)",
            r"(?:add|adding|open|opening) (?:\d+|a|an|another) (?:new )?(?:lines?|accounts?)",
            r"sign.?up (?:bonus|offer|promo)",
            r"(?:what|any|which) (?:\w+ )?(?:promos?|promotions|deals|offers|specials) (?:do you|are|would|can|for|"
            r"right|coming)",
            r"best deal",
            r"upgrade offers?",
            r"who (?:should|do|can) (?:i|we) (?:contact|talk to|speak to|speak with|reach out to)",
            r"new customer",
        ),
        role="sales",
    ),
)

# Emoji and emoticons, scanned separately (they need no word boundary).
NEGATIVE_EMOJI = "\U0001f621\U0001f620\U0001f92c\U0001f624\U0001f629\U0001f62b\U0001f622\U0001f62d\U0001f61e\U0001f614\u2639\U0001f641\U0001f615\U0001f44e\U0001f4a9\U0001f926\U0001f612\U0001f611\U0001f644\U0001f643\U0001f616\U0001f623\U0001f63e\U0001f494\U0001f635\U0001f971"  # noqa: E501
POSITIVE_EMOJI = "\U0001f60a\U0001f600\U0001f603\U0001f604\U0001f601\U0001f606\U0001f60d\U0001f970\U0001f618\u2764\u2665\U0001f495\U0001f496\U0001f499\U0001f49c\U0001f9e1\U0001f49b\U0001f49a\U0001f44d\U0001f44f\U0001f64c\U0001f389\U0001f973\u2728\u2b50\U0001f31f\U0001f4af\U0001f60e\U0001f917\u263a\U0001f642\U0001f525"  # noqa: E501
# Sarcasm markers among the negative emoji: they flip praise in the same post.
SARCASM_EMOJI = "\U0001f644\U0001f643\U0001f612\U0001f611"
NEGATIVE_EMOTICONS = (":(", ":-(", ":/", ":-/", ">:(", ":'(", "-_-")
POSITIVE_EMOTICONS = (":)", ":-)", ":d", ":-d", "<3", "=)", ";)", ";-)", "(:")
EMOJI_WEIGHT = 1.0
# Quotation marks: customers quote what they were told or sold ("being
# located", "unlimited", "on time"). Counted in sentiment.py, not matched as a
# family, so that the quoted words stay visible to the lexicon.
SCARE_QUOTES_WEIGHT = 0.5
POSITIVE_EMOJI_WEIGHT = 0.8
