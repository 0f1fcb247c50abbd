"""Lead creation rules (leads.rules): which post becomes a lead and why. No database."""

from leads.rules import LeadMatch, LeadVocabulary, PostFacts, lead_match

AIRLINE = LeadVocabulary.build(
    brand_terms=["@AcmeAir", "Acme Air", "SkyMiles Plus"],
    competitor_terms=["Globex Airways", "Globex", "Initech Air"],
)


def inbound(text, intent="other", sentiment="neutral"):
    return PostFacts(text=text, direction="inbound", intent=intent, sentiment_label=sentiment)


def test_a_sales_lead_intent_is_a_purchase_intent_lead():
    post = inbound("Looking to book group fares for 12 people to Lisbon in June, who do I talk to?", "sales_lead")

    assert lead_match(post, AIRLINE) == LeadMatch("purchase_intent", "")


def test_a_purchase_intent_lead_records_the_competitor_it_names():
    post = inbound("Thinking about switching from Globex Airways, which plan has lounge access?", "sales_lead")

    assert lead_match(post, AIRLINE) == LeadMatch("purchase_intent", "Globex Airways")


def test_a_purchase_intent_lead_may_name_the_brand():
    post = inbound("Interested in the SkyMiles Plus card for my whole family", "sales_lead", "positive")

    assert lead_match(post, AIRLINE) == LeadMatch("purchase_intent", "")


def test_a_complaint_about_a_competitor_is_a_competitor_complaint_lead():
    post = inbound("Globex lost my bag AGAIN, third time this year. Absolutely useless.", "complaint", "negative")

    assert lead_match(post, AIRLINE) == LeadMatch("competitor_complaint", "Globex")


def test_a_churn_threat_against_a_competitor_is_a_lead_with_the_term_as_configured():
    post = inbound("never flying INITECH AIR again after tonight's 6 hour delay", "churn_threat", "negative")

    assert lead_match(post, AIRLINE) == LeadMatch("competitor_complaint", "Initech Air")


def test_a_negative_question_about_a_competitor_is_a_lead():
    post = inbound("why does globex airways keep cancelling the 7am to Boston?", "question", "negative")

    assert lead_match(post, AIRLINE) == LeadMatch("competitor_complaint", "Globex Airways")


def test_a_complaint_that_names_the_brand_too_is_no_lead():
    post = inbound("Acme Air is even worse than Globex, 2 hours on hold today", "complaint", "negative")

    assert lead_match(post, AIRLINE) is None


def test_a_complaint_mentioning_the_brand_handle_is_no_lead():
    post = inbound("@acmeair you're as bad as Globex now, my flight is delayed again", "complaint", "negative")

    assert lead_match(post, AIRLINE) is None


def test_a_complaint_naming_no_competitor_is_no_lead():
    post = inbound("Worst airport experience of my life, 3 hours at security", "complaint", "negative")

    assert lead_match(post, AIRLINE) is None


def test_praise_of_a_competitor_is_no_lead():
    post = inbound("Globex crew were amazing today, upgraded my mum for her birthday!", "praise", "positive")

    assert lead_match(post, AIRLINE) is None


def test_a_neutral_mention_of_a_competitor_is_no_lead():
    post = inbound("Globex Airways announced a new route to Porto this morning", "other", "neutral")

    assert lead_match(post, AIRLINE) is None


def test_the_brands_own_posts_are_never_leads():
    brand_reply = PostFacts(
        text="Sorry to hear Globex let you down! Our group desk can help: DM us.",
        direction="outbound",
        intent="sales_lead",
        sentiment_label="negative",
    )

    assert lead_match(brand_reply, AIRLINE) is None


def test_a_competitor_name_inside_another_word_does_not_match():
    post = inbound("The globexpress shuttle bus was filthy and late", "complaint", "negative")

    assert lead_match(post, AIRLINE) is None


def test_without_competitor_terms_no_complaint_is_a_lead():
    bare = LeadVocabulary.build(brand_terms=["Acme Air"], competitor_terms=[])
    post = inbound("Globex lost my bag AGAIN", "complaint", "negative")

    assert lead_match(post, bare) is None


def test_a_post_naming_an_exclusion_is_no_lead_whatever_its_intent():
    vocabulary = LeadVocabulary.build(
        brand_terms=["Acme Air"], competitor_terms=["Globex"], exclusions=["Globex Airways stock", "job"]
    )

    assert (
        lead_match(inbound("Globex Airways stock is in freefall, awful news", "complaint", "negative"), vocabulary)
        is None
    )
    assert lead_match(inbound("Looking for a job as cabin crew, who is hiring?", "sales_lead"), vocabulary) is None
    assert lead_match(
        inbound("Globex lost my bag and will not answer", "complaint", "negative"), vocabulary
    ) == LeadMatch("competitor_complaint", "Globex")
    # Whole words: "jobs" is not the exclusion "job".
    assert lead_match(inbound("Which plan for my jobs site's team of 12?", "sales_lead"), vocabulary) == LeadMatch(
        "purchase_intent", ""
    )
