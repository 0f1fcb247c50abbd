"""Which terms a post names (alerts.terms): whole words, any case, exclusions, the brand's total."""

from alerts.terms import TOTAL, TermMatcher

MATCHER = TermMatcher(
    brand_terms=["Acme Air", "@AcmeAir"],
    product_terms=["SkyMiles"],
    competitor_terms=["Globex Airways"],
    exclusions=["acme anvil"],
)


def test_a_term_matches_as_a_whole_phrase_in_any_case():
    assert MATCHER.match("ACME AIR lost my bag again at Heathrow") == {"Acme Air", TOTAL}
    assert MATCHER.match("skymiles points vanished from my account") == {"SkyMiles", TOTAL}


def test_a_term_inside_a_longer_word_does_not_match():
    assert MATCHER.match("Acme Airlines of Ohio is a different company") == set()


def test_a_handle_matches_with_its_at_sign():
    assert MATCHER.match("@AcmeAir why is flight 214 delayed?") == {"@AcmeAir", TOTAL}


def test_an_excluded_phrase_silences_the_post():
    assert MATCHER.match("Acme Air? no, the acme anvil from the cartoon") == set()


def test_a_competitor_counts_on_its_own_but_not_in_the_brand_total():
    assert MATCHER.match("Globex Airways cancelled every flight today") == {"Globex Airways"}
    assert MATCHER.match("Switched from Globex Airways to Acme Air") == {"Globex Airways", "Acme Air", TOTAL}


def test_overlapping_terms_both_count():
    matcher = TermMatcher(brand_terms=["Acme", "Acme Air"])

    assert matcher.match("Acme Air is down") == {"Acme", "Acme Air", TOTAL}


def test_topics_list_the_total_and_every_term():
    assert MATCHER.topics == [TOTAL, "@AcmeAir", "Acme Air", "Globex Airways", "SkyMiles"]
