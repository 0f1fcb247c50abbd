"""Words of the generated world: message templates, slot values and names.

Owns the templates the generator composes posts from: customers' opening
messages by (language, intent, sector), their follow-ups (nudges, details,
thanks), the brands' replies by role, survey comments, and the values that
fill the templates' {slots}. Plain data and one slot filler (Slots); no
database, no randomness of its own (callers pass their random.Random).

Each opening template carries the sentiment label it was written with; the
generator derives polarity from it with noise, so the stored sentiment is
plausible without running the classifier. Written for this generator, not
taken from the evaluation sets under channels_app/understand.
"""

from __future__ import annotations

import random

from cases import demo_texts

LANGUAGE_WEIGHTS = {"en": 80, "es": 7, "fr": 5, "de": 4, "pt": 4}
INTENT_WEIGHTS = {"complaint": 36, "question": 26, "praise": 12, "churn_threat": 6, "sales_lead": 8, "other": 12}
# The sentiment label each intent's openings are written in.
INTENT_LABEL = {
    "complaint": "negative",
    "churn_threat": "negative",
    "question": "neutral",
    "sales_lead": "neutral",
    "other": "neutral",
    "praise": "positive",
}

# (language, intent, sector, text); sector "*" fits every brand.
OPENINGS = [
    # --- English: complaints
    ("en", "complaint", "air", "Flight {flight} to {city} cancelled with no warning and the desk just shrugged"),
    ("en", "complaint", "air", "Stuck at the gate for {hours} hours on {flight}, not a single update from staff"),
    ("en", "complaint", "air", "My bag never arrived in {city}. File ref {ref}, {days} days and still nothing"),
    ("en", "complaint", "air", "You charged me {amount} for a seat I never got on {flight}. Want it back"),
    ("en", "complaint", "air", "Rebooked onto a flight leaving {hours} hours later and lost my connection in {city}"),
    (
        "en",
        "complaint",
        "tel",
        "Internet down again in {city}, third outage this week. Working from home is hopeless",
    ),
    ("en", "complaint", "tel", "Billed {amount} extra this month on the {plan} plan and nobody can explain why"),
    ("en", "complaint", "tel", "Technician was booked for today, took the day off, nobody showed up. Account {ref}"),
    ("en", "complaint", "tel", "No signal at all at home in {city} since {weekday}, paying for nothing"),
    ("en", "complaint", "shop", "Order {order} was due {days} days ago and tracking hasn't moved since"),
    ("en", "complaint", "shop", "The {product} arrived broken and the returns page keeps erroring out"),
    ("en", "complaint", "shop", "Charged twice for order {order}, {amount} each time. Please fix this"),
    ("en", "complaint", "shop", "Waited in for the {product} delivery all day, the driver marked it as 'not home'"),
    ("en", "complaint", "*", "On hold for {hours} hours with customer service and got cut off twice"),
    ("en", "complaint", "*", "Still waiting for the refund of {amount} you promised {days} days ago"),
    # --- English: questions
    ("en", "question", "air", "What is the cabin bag allowance on {fare} fares to {city}?"),
    ("en", "question", "air", "Can I change flight {flight} to a later one online or do I have to call?"),
    ("en", "question", "air", "Is there wifi on the {city} route? Need to work on {flight} tomorrow"),
    ("en", "question", "tel", "How do I move my {plan} contract to my new address in {city}?"),
    ("en", "question", "tel", "Does the {plan} plan include roaming in Europe or is it extra?"),
    ("en", "question", "tel", "Is there a known outage in {city}? Router lights are all orange"),
    ("en", "question", "shop", "Can I change the delivery address for order {order}?"),
    ("en", "question", "shop", "Do you price match if the {product} gets cheaper after I buy it?"),
    ("en", "question", "shop", "When will the {product} be back in stock in the {city} store?"),
    ("en", "question", "*", "How long do refunds usually take to show on a card?"),
    # --- English: praise
    ("en", "praise", "air", "Huge thanks to the crew on {flight} today, they made my kid's first flight magical"),
    ("en", "praise", "air", "Landed early in {city} and the bags were out in ten minutes. Impressed!"),
    ("en", "praise", "tel", "Fibre finally installed in {city} and it's blazing fast, great job from the engineer"),
    ("en", "praise", "tel", "Your chat agent sorted my bill in five minutes. Brilliant service"),
    ("en", "praise", "shop", "The {product} arrived a day early and beautifully packed, love it"),
    ("en", "praise", "shop", "Best return experience ever, refund for order {order} came the same day"),
    ("en", "praise", "*", "Really appreciate how quickly your team helped me yesterday, thank you"),
    # --- English: churn threats
    ("en", "churn_threat", "air", "After {flight} I'm done, booking with {competitor} from now on"),
    ("en", "churn_threat", "tel", "Three outages in a month. Cancelling my {plan} contract and moving to {competitor}"),
    ("en", "churn_threat", "shop", "Third late order in a row, closing my account and shopping at {competitor}"),
    ("en", "churn_threat", "*", "Fix this today or I'm switching to {competitor}. Customer for years and this is it"),
    # --- English: sales leads
    ("en", "sales_lead", "air", "Fed up with {competitor}. What do you charge for a family of four to {city}?"),
    ("en", "sales_lead", "tel", "My {competitor} contract ends next month, what's your best fibre deal in {city}?"),
    ("en", "sales_lead", "shop", "Looking to order 40 {product}s for our office, do you do business accounts?"),
    ("en", "sales_lead", "*", "Thinking of leaving {competitor}, anyone tried the alternatives?"),
    # --- English: other
    ("en", "other", "air", "Sunset over {city} from seat {seat} tonight"),
    ("en", "other", "tel", "Anyone else watching the match on the new TV box?"),
    ("en", "other", "shop", "New {product} day, let's see if it lives up to the reviews"),
    ("en", "other", "*", "Saw your ad on the train this morning, catchy tune"),
    # --- Spanish
    ("es", "complaint", "*", "Llevo {days} días esperando el reembolso de {amount} y nadie me responde"),
    ("es", "complaint", "air", "El vuelo {flight} a {city} lleva {hours} horas de retraso y nadie informa"),
    ("es", "question", "*", "¿Cómo puedo cambiar los datos de mi reserva {ref}?"),
    ("es", "praise", "*", "Muchas gracias por la ayuda de ayer, un servicio excelente"),
    ("es", "churn_threat", "*", "Si no lo solucionan hoy me cambio a {competitor}"),
    ("es", "sales_lead", "*", "Estoy pensando en dejar {competitor}, ¿qué ofertas tienen?"),
    ("es", "other", "*", "Qué buen anuncio el de esta mañana"),
    # --- French
    ("fr", "complaint", "*", "Toujours pas de remboursement de {amount} après {days} jours, c'est inadmissible"),
    ("fr", "complaint", "tel", "Encore une panne internet à {city}, la troisième cette semaine"),
    ("fr", "question", "*", "Comment modifier ma commande {order} avant l'expédition ?"),
    ("fr", "praise", "*", "Merci beaucoup pour votre aide rapide, service impeccable"),
    ("fr", "churn_threat", "*", "Je vais résilier et passer chez {competitor} si rien ne change"),
    ("fr", "sales_lead", "*", "Je quitte {competitor}, quelles sont vos offres en ce moment ?"),
    ("fr", "other", "*", "Belle journée à {city} aujourd'hui"),
    # --- German
    ("de", "complaint", "*", "Seit {days} Tagen warte ich auf die Erstattung von {amount}, keine Antwort"),
    ("de", "complaint", "shop", "Die Bestellung {order} ist immer noch nicht angekommen"),
    ("de", "question", "*", "Wie kann ich meine Lieferadresse für {order} ändern?"),
    ("de", "praise", "*", "Vielen Dank für die schnelle Hilfe, super Service"),
    ("de", "churn_threat", "*", "Wenn das nicht heute gelöst wird, wechsle ich zu {competitor}"),
    ("de", "sales_lead", "*", "Mein Vertrag bei {competitor} läuft aus, was bieten Sie an?"),
    ("de", "other", "*", "Schönes Wetter heute in {city}"),
    # --- Portuguese
    ("pt", "complaint", "*", "Estou há {days} dias à espera do reembolso de {amount} e ninguém responde"),
    ("pt", "complaint", "air", "O voo {flight} para {city} foi cancelado sem aviso nenhum"),
    ("pt", "question", "*", "Como posso alterar a morada de entrega da encomenda {order}?"),
    ("pt", "praise", "*", "Muito obrigado pela ajuda rápida, serviço excelente"),
    ("pt", "churn_threat", "*", "Se não resolverem hoje vou mudar para a {competitor}"),
    ("pt", "sales_lead", "*", "Estou a pensar deixar a {competitor}, que ofertas têm?"),
    ("pt", "other", "*", "Que dia bonito hoje em {city}"),
]

# Customers' follow-ups: (label, text) by language.
NUDGES = {
    "en": [
        ("negative", "Hello?? Still waiting for an answer here"),
        ("negative", "{hours} hours and nothing. Is anyone reading these?"),
        ("negative", "Any update? This is getting ridiculous"),
        ("negative", "Sent everything you asked for, still no reply"),
    ],
    "es": [("negative", "¿Hola? Sigo esperando una respuesta")],
    "fr": [("negative", "Toujours aucune réponse, c'est inadmissible")],
    "de": [("negative", "Hallo? Ich warte immer noch auf eine Antwort")],
    "pt": [("negative", "Olá? Continuo à espera de uma resposta")],
}
DETAILS = {
    "en": [
        ("neutral", "Sure, the reference is {ref}"),
        ("neutral", "Done, sent you a DM with the details"),
        ("neutral", "It's {ref}, booked under my name"),
        ("negative", "Reference {ref}. Please sort this out quickly, I've already lost a day"),
        ("neutral", "Here you go: {ref}. Tried the website too but it errors"),
    ],
    "es": [("neutral", "Claro, la referencia es {ref}")],
    "fr": [("neutral", "Bien sûr, la référence est {ref}")],
    "de": [("neutral", "Klar, die Referenz ist {ref}")],
    "pt": [("neutral", "Claro, a referência é {ref}")],
}
THANKS = {
    "en": [
        ("positive", "Thanks, all sorted!"),
        ("positive", "Got it, thank you for the quick help"),
        ("positive", "Brilliant, appreciate it"),
        ("positive", "Thank you, that's great news"),
    ],
    "es": [("positive", "¡Gracias, todo resuelto!")],
    "fr": [("positive", "Merci, c'est réglé !")],
    "de": [("positive", "Danke, alles erledigt!")],
    "pt": [("positive", "Obrigado, está resolvido!")],
}

# The brand's replies by role: ack (looking into it), ask (needs details from
# the customer), hold (waiting on a third party), resolve, and praise (a thank-you).
REPLIES = {
    "en": {
        "ack": [
            "Hi {first}, sorry about this. We're looking into it now and will update you shortly. ^{agent}",
            "Thanks for flagging this, {first}. Our team is on it. ^{agent}",
            "So sorry for the trouble, {first}! Checking with the team right away. ^{agent}",
        ],
        "ask": [
            "Hi {first}, sorry to hear that. Could you {contact} with your reference so we can check? ^{agent}",
            "We'd like to help, {first}. Please {contact} with your details and we'll take a look. ^{agent}",
            "Sorry for the wait, {first}. Can you {contact} with the reference number? ^{agent}",
        ],
        "hold": [
            "Thanks {first}, we've escalated this to our specialist team and will come back within 48 hours. ^{agent}",
            "We're waiting on our partner to confirm, {first}; we'll update you as soon as we hear. ^{agent}",
        ],
        "resolve": [
            "All done, {first}: the refund of {amount} is on its way, 3-5 working days. ^{agent}",
            "Good news {first}, that's fixed on our side now. Anything else, just shout. ^{agent}",
            "We've sorted this for you, {first}, and added a goodwill credit. Sorry again. ^{agent}",
            "That's been corrected, {first}. Thanks for your patience. ^{agent}",
        ],
        "praise": [
            "Thank you so much, {first}! We'll pass this on to the team. ^{agent}",
            "That's lovely to hear, {first}, thanks for sharing! ^{agent}",
        ],
    },
    "es": {
        "ack": ["Hola {first}, lo sentimos. Lo estamos revisando. ^{agent}"],
        "ask": ["Hola {first}, ¿puedes {contact} con tu referencia? ^{agent}"],
        "hold": ["Gracias {first}, lo hemos escalado y te responderemos en 48 horas. ^{agent}"],
        "resolve": ["Listo {first}, ya está solucionado. ^{agent}"],
        "praise": ["¡Muchas gracias, {first}! ^{agent}"],
    },
    "fr": {
        "ack": ["Bonjour {first}, désolés pour cela. Nous regardons tout de suite. ^{agent}"],
        "ask": ["Bonjour {first}, pouvez-vous {contact} avec votre référence ? ^{agent}"],
        "hold": ["Merci {first}, nous avons transmis à l'équipe spécialisée, retour sous 48 h. ^{agent}"],
        "resolve": ["C'est réglé, {first}. Merci de votre patience. ^{agent}"],
        "praise": ["Merci beaucoup, {first} ! ^{agent}"],
    },
    "de": {
        "ack": ["Hallo {first}, das tut uns leid. Wir schauen uns das sofort an. ^{agent}"],
        "ask": ["Hallo {first}, kannst du uns {contact} mit deiner Referenz? ^{agent}"],
        "hold": ["Danke {first}, wir haben das weitergegeben und melden uns in 48 Stunden. ^{agent}"],
        "resolve": ["Erledigt, {first}. Danke für deine Geduld. ^{agent}"],
        "praise": ["Vielen Dank, {first}! ^{agent}"],
    },
    "pt": {
        "ack": ["Olá {first}, lamentamos. Estamos a verificar. ^{agent}"],
        "ask": ["Olá {first}, podes {contact} com a tua referência? ^{agent}"],
        "hold": ["Obrigado {first}, encaminhámos para a equipa e respondemos em 48 horas. ^{agent}"],
        "resolve": ["Resolvido, {first}. Obrigado pela paciência. ^{agent}"],
        "praise": ["Muito obrigado, {first}! ^{agent}"],
    },
}
# How a reply asks for details: a private message, or an answer to the e-mail.
CONTACT = {
    "en": ("send us a DM", "reply to this e-mail"),
    "es": ("enviarnos un DM", "responder a este correo"),
    "fr": ("nous envoyer un DM", "répondre à cet e-mail"),
    "de": ("eine DM schicken", "auf diese E-Mail antworten"),
    "pt": ("enviar-nos uma DM", "responder a este e-mail"),
}
EMAIL_WRAP = {
    "en": ("Hello,", "Thanks,"),
    "es": ("Hola:", "Saludos,"),
    "fr": ("Bonjour,", "Cordialement,"),
    "de": ("Hallo,", "Viele Grüße"),
    "pt": ("Olá,", "Cumprimentos,"),
}
SURVEY_COMMENTS = {
    5: ["Quick and friendly, thank you!", "Sorted in minutes, great service"],
    4: ["Good help, took a little while", "Fine in the end"],
    3: ["OK, but I had to chase"],
    2: ["Slow, and I had to explain twice"],
    1: ["Nobody actually fixed anything", "Terrible experience"],
}

FIRST_NAMES = {**demo_texts.FIRST_NAMES, "pt": ["João", "Ana", "Pedro", "Beatriz", "Rui", "Inês", "Tiago", "Marta"]}
LAST_NAMES = {**demo_texts.LAST_NAMES, "pt": ["Silva", "Santos", "Ferreira", "Pereira", "Costa", "Oliveira"]}
EMAIL_DOMAINS = demo_texts.EMAIL_DOMAINS

CITIES = ["Lisbon", "Dublin", "Madrid", "Manchester", "Lyon", "Hamburg", "Porto", "Seville", "Leeds", "Bristol"]
PLANS = ["Unlimited 5G", "Fibre 500", "Family Share", "SIM Only 30GB", "Fibre 1000"]
PRODUCTS = {
    "air": ["suitcase", "travel pillow", "gift card"],
    "tel": ["router", "TV box", "SIM card", "phone"],
    "shop": ["air fryer", "sofa", "laptop", "coffee machine", "desk chair", "vacuum cleaner", "kettle"],
}
CURRENCY = {"en": "£", "es": "€", "fr": "€", "de": "€", "pt": "€"}
_REF_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _flight(rng: random.Random, slots: Slots) -> str:
    return f"{slots.flight_prefix} {rng.randint(100, 2999)}"


_FILLERS = {
    "flight": _flight,
    "city": lambda rng, slots: rng.choice(CITIES),
    "ref": lambda rng, slots: "".join(rng.choices(_REF_LETTERS, k=6)),
    "order": lambda rng, slots: f"#{slots.order_prefix}-{rng.randint(100_000, 999_999)}",
    "product": lambda rng, slots: rng.choice(PRODUCTS[slots.sector]),
    "amount": lambda rng, slots: f"{CURRENCY.get(slots.language, '£')}{rng.randint(12, 640)}",
    "days": lambda rng, slots: rng.randint(3, 30),
    "hours": lambda rng, slots: rng.randint(2, 9),
    "plan": lambda rng, slots: rng.choice(PLANS),
    "fare": lambda rng, slots: rng.choice(["Basic", "Classic", "Flex"]),
    "seat": lambda rng, slots: f"{rng.randint(3, 38)}{rng.choice('ABCDEF')}",
    "weekday": lambda rng, slots: rng.choice(demo_texts.WEEKDAYS),
    "competitor": lambda rng, slots: rng.choice(slots.competitors),
}


class Slots(dict):
    """Slot values of one thread, drawn on first use, so a thread pays only for the slots its templates name.

    Use with str.format_map; the same template order draws the same values.
    """

    def __init__(self, rng: random.Random, *, kind: str, language: str, brand, first: str, agent: str) -> None:
        super().__init__(first=first, agent=agent, contact=CONTACT[language][kind == "email"])
        self.rng, self.sector, self.language = rng, brand.sector, language
        self.flight_prefix, self.order_prefix, self.competitors = (
            brand.flight_prefix,
            brand.order_prefix,
            brand.competitors,
        )

    def __missing__(self, key: str):
        value = self[key] = _FILLERS[key](self.rng, self)
        return value


def openings_by_key() -> dict[tuple[str, str, str], list[str]]:
    """Opening templates by (sector, language, intent): the sector's own and the shared ones."""
    pools: dict[tuple[str, str, str], list[str]] = {}
    for sector in PRODUCTS:
        for language, intent, template_sector, text in OPENINGS:
            if template_sector in (sector, "*"):
                pools.setdefault((sector, language, intent), []).append(text)
    return pools
