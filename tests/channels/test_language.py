"""Language detection (channels_app.understand.language).

Pins the supported languages on realistic posts, that a channel's own
language field wins when we know the code, that @mentions, URLs and hashtags
do not count, that "" comes back when the text gives too little to go on,
and that it is fast. No database.
"""

import pytest

from channels_app.understand import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("@united my bag never showed up and nobody answers the phone", "en"),
        ("@united worst airline. period.", "en"),
        ("@AmericanAir Vuelo cancelado, tres horas en el teléfono y nadie contesta. Pésimo servicio", "es"),
        ("@Delta Hola, ¿se puede llevar una silla de ruedas plegable como equipaje de mano?", "es"),
        ("@Delta Vol retardé de 5 heures à Atlanta, aucune information, aucun repas. Inadmissible.", "fr"),
        ("@Orange_France Bonjour, comment résilier l'option TV de mon abonnement ?", "fr"),
        ("@united Flug gestrichen, kein Hotel, keine Info. Stehe seit 4 Stunden am Schalter in Newark", "de"),
        ("@Telekom_hilft Wie kann ich meinen Vertrag auf eine andere Adresse umziehen?", "de"),
        ("@AmericanAir Voo atrasado 4 horas em Miami e ninguém explica nada. Que vergonha", "pt"),
        ("@Vivo Bom dia, como faço para mudar meu plano para um com mais internet?", "pt"),
        ("@Alitalia il volo è in ritardo di due ore e nessuno ci dice niente", "it"),
        ("@KLM mijn koffer is niet aangekomen en niemand neemt de telefoon op", "nl"),
    ],
)
def test_detects_the_language_of_a_post(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize(("hint", "code"), [("en", "en"), ("pt-BR", "pt"), ("ES", "es"), ("fr_CA", "fr")])
def test_a_known_channel_hint_wins(hint, code):
    assert detect_language("Gracias por el excelente servicio en el vuelo a Lima", hint) == code


@pytest.mark.parametrize("hint", ["und", "zxx", "qme", "ja", ""])
def test_an_unknown_or_undetermined_hint_is_ignored(hint):
    assert detect_language("Gracias por el excelente servicio en el vuelo a Lima", hint) == "es"


def test_mentions_urls_and_hashtags_are_ignored():
    # Handles and links full of Spanish and German words; the sentence is English.
    text = "@vuelos_de_la_casa @die_der_das https://example.com/el/la/los/las #elvuelo thanks for the help with my bag"
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "@united @Delta",
        "https://t.co/abc123 #travel",
        "👍👍🙏",
        "12345 !!!",
        "ok",
        "Lima",
    ],
)
def test_unsure_is_empty(text):
    assert detect_language(text) == ""
