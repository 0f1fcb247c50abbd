"""Listening rules in the engagement classification: product terms, exclusions, languages (pure)."""

import pytest

from cases.choices import EngagementType
from channels_app.pipeline.classify import ChannelVocabulary, ListeningTerms


@pytest.fixture
def vocabulary():
    return ChannelVocabulary.build(
        brand_handles=["AcmeAirCare"],
        brand_terms=["Acme Air"],
        competitor_terms=["Globex Airways"],
        product_terms=["SkyMiles Plus"],
        exclusions=["acme anvil", "road runner"],
        languages=["en", "es"],
    )


def engagement(vocabulary, text, *, language=None, **flags):
    return vocabulary.engagement_type(
        text=text,
        is_direct=flags.get("is_direct", False),
        in_reply_to_handle=flags.get("in_reply_to_handle", ""),
        replies_to_brand_post=flags.get("replies_to_brand_post", False),
        language=language,
    )


def test_a_product_term_names_the_brand_so_the_post_is_proactive(vocabulary):
    assert engagement(vocabulary, "My SkyMiles Plus points vanished after the upgrade", language="en") == (
        EngagementType.PROACTIVE
    )


def test_a_post_with_an_exclusion_is_neither_proactive_nor_progressive(vocabulary):
    assert engagement(vocabulary, "Acme Air? No, the Acme anvil from the cartoon", language="en") == EngagementType.NONE
    assert engagement(vocabulary, "Globex Airways and the Road Runner, a classic", language="en") == (
        EngagementType.NONE
    )


def test_a_post_addressed_to_the_brand_stays_reactive_despite_an_exclusion_or_language(vocabulary):
    assert engagement(vocabulary, "@AcmeAirCare my acme anvil order never came", language="en") == (
        EngagementType.REACTIVE
    )
    assert engagement(vocabulary, "Mein Koffer ist weg", language="de", is_direct=True) == EngagementType.REACTIVE


def test_a_post_in_a_language_outside_the_rules_is_not_heard(vocabulary):
    assert engagement(vocabulary, "Acme Air hat meinen Koffer verloren", language="de") == EngagementType.NONE
    assert engagement(vocabulary, "Acme Air perdió mi maleta", language="es") == EngagementType.PROACTIVE
    assert engagement(vocabulary, "Acme Air lost my bag", language="en-GB") == EngagementType.PROACTIVE


def test_an_undetected_language_is_heard(vocabulary):
    assert engagement(vocabulary, "Acme Air!!", language="") == EngagementType.PROACTIVE


def test_without_a_language_given_the_vocabulary_detects_it_from_the_text(vocabulary):
    german = "Acme Air hat meinen Koffer verloren und ich bin sehr wütend, das ist nicht gut"
    assert engagement(vocabulary, german) == EngagementType.NONE


def test_without_languages_every_language_is_heard():
    vocabulary = ChannelVocabulary.build(brand_handles=[], brand_terms=["Acme Air"], competitor_terms=[])
    assert engagement(vocabulary, "Acme Air hat meinen Koffer verloren", language="de") == EngagementType.PROACTIVE


def test_rules_merge_their_terms_and_one_rule_without_languages_listens_in_all():
    merged = ListeningTerms.merge(
        [
            (["Acme Air"], ["SkyMiles Plus"], ["Globex Airways"], ["acme anvil"], ["en"]),
            (["acme air", "AcmeJet"], [], [], ["road runner"], []),
        ]
    )

    assert merged.brand_terms == ("Acme Air", "acme air", "AcmeJet")
    assert merged.exclusions == ("acme anvil", "road runner")
    assert merged.languages == ()
    assert ListeningTerms.merge([([], [], [], [], ["en", "pt-BR"])]).languages == ("en", "pt")
