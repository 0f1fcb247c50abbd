"""A deterministic generator of twcs-format files for the ingestion benchmark.

Threads of one customer post, usually a brand reply, sometimes follow-ups
and a closing word, with realistic airline, telecom and retail texts
composed from varied templates and slot values. Same seed, same file.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

BRANDS = ["AcmeAirCare", "SkyJetHelp", "NetLinkSupport", "ShopNowHelp"]
FLIGHTS = ["AC512", "AC88", "SJ1203", "AC7", "SJ40", "AC2291", "SJ77", "AC301"]
CITIES = ["Denver", "Dublin", "Lisbon", "JFK", "Heathrow", "Manchester", "Chicago", "Madrid", "Atlanta", "Boston"]
THINGS = ["router", "modem", "phone", "order", "parcel", "laptop", "TV box", "refund", "voucher", "bag"]
HOURS = ["2 hours", "45 min", "3 hrs", "an hour", "90 minutes", "4 hours", "all morning", "two days"]

OPENERS = [
    "flight {flight} cancelled and nobody at the desk in {city} can rebook me",
    "been on hold for {hours} and still no answer. this is ridiculous",
    "my {thing} still hasn't arrived, ordered 2 weeks ago. order #{number}",
    "why is it so hard to get a refund for a flight you cancelled??",
    "internet down again in {city}, third time this week #fail",
    "what's the checked bag allowance on basic fares to {city}?",
    "do you have wifi on {flight}? need to work on the flight",
    "shoutout to the crew on {flight}, absolutely brilliant service today",
    "thanks for sorting my seat so quickly, really appreciate it",
    "charged twice for the same {thing}, need this fixed asap",
    "lost my bag on {flight}, tag {number}, nobody answers the phone",
    "the app crashes every time I try to check in for {flight}",
    "delayed {hours} at {city} with zero updates from the gate staff",
    "is there a way to add a checked bag after booking?",
    "your technician didn't show up again. took the day off for nothing",
    "can I change my flight to {city} online or do I have to call?",
    "great, another delay. love spending my weekend at {city} airport",
    "switching to SkyJet after this. {hours} on hold is a joke",
    "looking for a new broadband plan, what do you offer in {city}?",
    "not happy at all with how my complaint was handled, ref {number}",
]
DETAILS = [
    "I've called three times and got cut off every time.",
    "Booking ref {number}, travelling with two kids.",
    "The agent at the counter just shrugged and walked off.",
    "Already sent a DM yesterday with all the details, no answer yet.",
    "This is the second time this month.",
    "I need this sorted before Friday, I'm flying for work.",
    "Your website says one thing and the app says another.",
    "Nobody at the gate knows anything and the board still says on time.",
    "Paid extra for this and got nothing.",
    "Customer since 2009 and this is how you treat people?",
    "Tried the chat but it keeps telling me to call instead.",
    "Happy to provide screenshots if that helps.",
]
TAILS = ["#fail", "#customerservice", "😡", "🙄", "smh", "pls help", "#neveragain", "thx", "?!", "🙏"]
REPLIES = [
    "@{user} So sorry about this. Please DM us your booking reference and we'll take a look. ^{agent}",
    "@{user} We're sorry for the wait! Can you DM us the account number so we can check? ^{agent}",
    "@{user} Thanks for letting us know. Our team is on it, we'll update you shortly. ^{agent}",
    "@{user} Happy to help! You can add it under Manage booking > Extras. ^{agent}",
    "@{user} That's great to hear, we'll pass it on to the team! ^{agent}",
    "@{user} We understand how frustrating this must be. Please send us a DM with your booking reference and "
    "we'll look into it right away. ^{agent}",
    "@{user} Sorry for the trouble with the app. Could you tell us which version you're on and what device? "
    "We'll pass it to our tech team. ^{agent}",
    "@{user} We've checked your booking and the refund was issued today; it can take 5-7 working days to show. "
    "^{agent}",
]
FOLLOW_UPS = [
    "DM sent",
    "still nothing after {hours}",
    "ok thanks, waiting for the update",
    "it's been {hours} and no reply to my DM",
    "done, ref {number}",
]
CLOSERS = ["thanks, all sorted!", "got it, thank you", "thanks for nothing", "appreciate the help 🙏"]
HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"]


def _fill(template: str, rng: random.Random, user: str) -> str:
    return template.format(
        flight=rng.choice(FLIGHTS),
        city=rng.choice(CITIES),
        thing=rng.choice(THINGS),
        hours=rng.choice(HOURS),
        number=rng.randint(10_000, 99_999),
        user=user,
        agent=rng.choice(["MK", "JT", "RD", "AS", "LP"]),
    )


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def generate(path: Path, *, posts: int, seed: int = 7) -> dict[str, int]:
    """Write about `posts` rows to `path`; returns counts of rows and inbound rows."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    next_id = 1_000_000
    written = inbound = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        while written < posts:
            brand = rng.choice(BRANDS)
            user = str(rng.randint(100_000, 100_000 + posts // 3))
            moment = start + dt.timedelta(seconds=rng.randint(0, 30 * 86_400))
            opening = _fill(rng.choice(OPENERS), rng, user)
            if rng.random() < 0.6:
                opening += ". " + _fill(rng.choice(DETAILS), rng, user)
            if rng.random() < 0.3:
                opening += " " + rng.choice(TAILS)
            thread = [(True, f"@{brand} " + opening)]
            if rng.random() < 0.8:
                thread.append((False, _fill(rng.choice(REPLIES), rng, user)))
                for _ in range(rng.choice([0, 0, 1, 1, 2])):
                    thread.append((True, f"@{brand} " + _fill(rng.choice(FOLLOW_UPS), rng, user)))
                    thread.append((False, _fill(rng.choice(REPLIES), rng, user)))
                if rng.random() < 0.3:
                    thread.append((True, f"@{brand} " + rng.choice(CLOSERS)))
            parent = ""
            for is_inbound, text in thread[: posts - written]:
                tweet_id = str(next_id)
                next_id += 1
                moment += dt.timedelta(minutes=rng.choice([3, 8, 15, 25, 40, 90, 240]))
                writer.writerow(
                    [tweet_id, user if is_inbound else brand, str(is_inbound), _stamp(moment), text, "", parent]
                )
                parent = tweet_id
                written += 1
                inbound += is_inbound
    return {"rows": written, "inbound": inbound}
