"""Language of one customer post, by counting function words.

Owns detect_language(). It answers one of KNOWN ("en", "es", "fr", "de",
"pt", "it", "nl": ISO 639-1) or "" when unsure; routing uses the answer to pick
a queue or canned responses, so "" (a person decides) is better than a guess.

Method: @mentions, URLs and hashtags are dropped (handles and brand tags say
nothing about the language of the sentence); each remaining word adds a point
to every language whose short list of very frequent, mostly distinctive words
contains it (articles, pronouns, prepositions, auxiliaries, and for English the
commonest words of customer care); letters only one or two of the languages
use (ñ ¿ ¡, ã õ, ß, ç, è ê, ij) add a point more. The language with most points
wins if it has at least MIN_POINTS and beats the runner-up by MARGIN;
otherwise the answer is "". A channel's own language field (X's "lang") wins
whenever it is one of KNOWN.

Costs a split and a dictionary look-up per word: a few microseconds.
Not for: languages outside KNOWN (they come back "" or, rarely, as a
neighbour), or posts of one or two words with no function word.
"""

import re

KNOWN = ("en", "es", "fr", "de", "pt", "it", "nl")
MIN_POINTS = 1
MARGIN = 1

_FUNCTION_WORDS = {
    "en": (
        "the a an and or but of to in on at for with from by is are was were be been am i you he she it we they "
        "my your our their me us him her them this that these those what why how when where who which not no "
        "do does did don't didn't can can't could would will won't should have has had just still now again "
        "i'm it's i've i'll you're there here please thanks thank get got flight flights bag bags hours hrs "
        "customer service help hold delayed cancelled canceled today tomorrow yesterday worst best love great "
        "never ever any some time seat gate agent phone call plane fly flying airline airport trip ticket "
        "refund order package internet bill account card app website"
    ),
    "es": (
        "el la los las un una unos unas y o pero de del al en con por para es son está están estoy fue ser "
        "mi mis tu su sus nuestro yo usted ustedes nosotros ellos qué cómo cuándo dónde porque muy más ya "
        "no sí hay tengo tiene hace desde sin nadie nunca también gracias vuelo maleta servicio hola llevo "
        "días horas ayer hoy mañana puedo se me lo le"
    ),
    "fr": (
        "le la les un une des et ou mais de du au aux en dans avec pour par sur est sont être été suis je "
        "vous il elle nous ils elles mon ma mes ton ta votre vos notre nos leur ce cette ces qui que quoi "
        "comment quand où pourquoi ne pas plus très aucun aucune toujours déjà merci vol bagage bonjour "
        "depuis heures jours avez avons ai a fait"
    ),
    "de": (
        "der die das den dem des ein eine einen einem einer und oder aber von zu im mit für auf aus bei "
        "ist sind war waren bin bist sein ich du er sie es wir ihr mein meine meinen mich mir dein "
        "unser euer nicht kein keine keinen noch schon sehr wie wann wo warum was wer seit danke hallo "
        "flug koffer kann können habe hat haben wird werden stunden tagen auch nur"
    ),
    "pt": (
        "o a os as um uma uns umas e ou mas de do da dos das em no na nos nas com por para pelo pela é são "
        "está estão estou foi ser eu você vocês ele ela nós eles meu minha meus minhas seu sua nosso não "
        "sim já muito mais ainda também obrigado obrigada voo mala atendimento olá bom dia como quando "
        "onde porque ninguém nada faz horas dias"
    ),
    "it": (
        "il lo la i gli le un una uno e o ma di del della dei degli delle in nel nella con per su è sono "
        "era essere io tu lui lei noi voi loro mio mia miei tuo suo nostro non sì già molto più ancora "
        "anche grazie volo bagaglio ciao buongiorno perché come quando dove chi che ho hai ha abbiamo "
        "ore giorni nessuno niente"
    ),
    "nl": (
        "de het een en of maar van naar in op met voor door bij uit is zijn was waren ben ik jij je u hij "
        "zij wij we mijn jouw uw ons onze niet geen nog al heel wel ook dank bedankt vlucht koffer "
        "hallo goedemorgen waarom hoe wanneer waar wat wie heb hebt heeft hebben wordt worden uur dagen "
        "niemand niets"
    ),
}

# Letters that point to one or two languages (lower case).
_LETTER_HINTS = {
    "ñ": ("es",),
    "¿": ("es",),
    "¡": ("es",),
    "ã": ("pt",),
    "õ": ("pt",),
    "ç": ("pt", "fr"),
    "ß": ("de",),
    "ä": ("de",),
    "ö": ("de",),
    "ü": ("de",),
    "è": ("fr", "it"),
    "ê": ("fr", "pt"),
    "â": ("fr", "pt"),
    "î": ("fr",),
    "û": ("fr",),
    "œ": ("fr",),
    "ì": ("it",),
    "ò": ("it",),
}

_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _code, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _code)

_HINT_LETTERS = re.compile("[" + "".join(_LETTER_HINTS) + "]")
_PUNCTUATION = ".,!?;:\"()[]{}*\u2026\u00bf\u00a1-\u2013\u2014/\\|~`'\u00ab\u00bb\u201c\u201d\u2018\u2019"


def detect_language(text: str, hint: str = "") -> str:
    """ISO 639-1 code of `text` among KNOWN, or "" when unsure.

    `hint` is the channel's own language field (X's "lang", e.g. "en" or
    "pt-BR"); it wins when its primary subtag is one of KNOWN, and is
    ignored otherwise ("und", "zxx", languages we do not detect).
    """
    if hint:
        primary = hint.strip().lower().replace("_", "-").split("-", 1)[0]
        if primary in KNOWN:
            return primary
    lowered = text.replace("\u2019", "'").lower()
    points: dict[str, int] = {}
    for token in lowered.split():
        if token[0] in "@#" or token.startswith(("http", "www.")):
            continue  # handles, tags and links say nothing about the sentence
        codes = _WORD_LANGUAGES.get(token)
        if codes is None:
            codes = _WORD_LANGUAGES.get(token.strip(_PUNCTUATION))
            if codes is None:
                continue
        for code in codes:
            points[code] = points.get(code, 0) + 1
    if not lowered.isascii():
        for letter in _HINT_LETTERS.findall(lowered):
            for code in _LETTER_HINTS[letter]:
                points[code] = points.get(code, 0) + 1
    if "ij" in lowered:
        points["nl"] = points.get("nl", 0) + 1
    if not points:
        return ""
    ranked = sorted(points.items(), key=lambda item: item[1], reverse=True)
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best >= MIN_POINTS and best - runner_up >= MARGIN:
        return best_code
    return ""
