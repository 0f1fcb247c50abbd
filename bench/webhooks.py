"""Webhook benchmark: how fast signed deliveries are received (view, signature check, RawEvent
insert, commit) and processed (parse, pipeline, mark processed) on PostgreSQL, beside TextBlob
alone on the same texts in the same run.

Usage: python -m bench.webhooks [--deliveries 1000] [--posts-per-delivery 5]
Needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/socialcrm_bench); that
database is dropped and re-created. No Redis: processing is called in-process, as a worker would.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import time

from bench.ingest import DEFAULT_URL, _django, _reset_database

SECRET = "bench-webhook-secret"
OPENERS = ["@AcmeAirCare", "Acme Air", "Hey @AcmeAirCare,", "acme air", "@AcmeAirCare @SkyJet"]
MATTERS = [
    "my flight {n} was cancelled and nobody at the desk can rebook me",
    "still no refund for booking {code}, it has been three weeks",
    "lost my bag between MAD and BOS on flight {n}, any update?",
    "thanks for the upgrade on {n}, crew were lovely",
    "how do I add a checked bag to {code} after booking?",
    "two hours on the tarmac on {n} with no water. Never again.",
    "the app charges me twice for seat selection on {code}",
]
CLOSERS = ["", " Useless.", " Please help.", " 🙏", " #fail", " Any news?"]


def deliveries(count: int, per_delivery: int, rng: random.Random) -> list[bytes]:
    bodies = []
    for number in range(count):
        posts = []
        for index in range(per_delivery):
            text = (
                f"{rng.choice(OPENERS)} "
                + rng.choice(MATTERS).format(n=rng.randint(100, 2999), code="".join(rng.sample("QWERTYPLMK", 6)))
                + rng.choice(CLOSERS)
            )
            author = rng.randint(1, count)
            posts.append(
                {
                    "external_id": f"bench-{number}-{index}",
                    "posted_at": f"2026-11-{1 + number % 28:02d}T{index % 24:02d}:{number % 60:02d}:00Z",
                    "text": text,
                    "author_id": f"user-{author}",
                    "author_handle": f"flyer{author}",
                    "in_reply_to_handle": "AcmeAirCare",
                }
            )
        bodies.append(json.dumps({"posts": posts}).encode())
    return bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--posts-per-delivery", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _reset_database(url)
    _django(["migrate", "--noinput", "-v", "0"], url)

    os.environ.update(DATABASE_URL=url, DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40)
    os.environ.update(BENCH_HOOK_SECRET=SECRET, ALLOWED_HOSTS="testserver")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    from django.test import Client
    from textblob import TextBlob

    from channels_app.choices import ChannelKind, RawEventStatus
    from channels_app.models import Channel, RawEvent
    from channels_app.services import raw_event_process

    channel = Channel.objects.create(
        kind=ChannelKind.WEBHOOK,
        name="Bench bridge",
        brand_handles=["AcmeAirCare"],
        brand_terms=["acme air"],
        competitor_terms=["SkyJet"],
        credential_env={"signing_secret": "BENCH_HOOK_SECRET"},
    )
    bodies = deliveries(args.deliveries, args.posts_per_delivery, random.Random(20261130))
    client = Client()
    url_path = f"/webhooks/{channel.pk}/"

    # Receive: each delivery once, then each again (a channel's redelivery). Without a broker
    # Celery is eager and would process inside the request; the two halves are measured apart,
    # as a worker would run the second, so enqueueing is switched off here.
    from channels_app.services import webhooks as webhook_services

    webhook_services.raw_event_enqueue = lambda raw_event_id: None
    receive_ms = []
    for body in bodies + bodies:
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        started = time.perf_counter()
        response = client.post(
            url_path, data=body, content_type="application/json", headers={"X-Socialcrm-Signature": signature}
        )
        receive_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    assert RawEvent.objects.count() == len(bodies)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event_ids = list(RawEvent.objects.order_by("id").values_list("id", flat=True))
    with CaptureQueriesContext(connection) as first:
        raw_event_process(raw_event_id=event_ids[0])
    started = time.perf_counter()
    for event_id in event_ids[1:]:
        assert raw_event_process(raw_event_id=event_id).status == RawEventStatus.PROCESSED
    process_seconds = (time.perf_counter() - started) * len(event_ids) / (len(event_ids) - 1)
    posts = len(bodies) * args.posts_per_delivery

    texts = [post["text"] for body in bodies for post in json.loads(body)["posts"]]
    started = time.perf_counter()
    for text in texts:
        TextBlob(text).sentiment  # noqa: B018
    textblob_seconds = time.perf_counter() - started

    receive_ms.sort()
    result = {
        "deliveries": len(bodies),
        "posts": posts,
        # The first call processes a batch of up to 50 waiting deliveries.
        "queries_first_batch": len(first.captured_queries),
        "receive_median_ms": round(statistics.median(receive_ms), 2),
        "receive_p95_ms": round(receive_ms[int(len(receive_ms) * 0.95)], 2),
        "process_deliveries_per_s": round(len(bodies) / process_seconds, 1),
        "process_posts_per_s": round(posts / process_seconds, 1),
        "textblob_posts_per_s": round(len(texts) / textblob_seconds, 1),
        "ratio_to_textblob": round((posts / process_seconds) / (len(texts) / textblob_seconds), 3),
    }
    json.dump(result, sys.stdout, indent=2)
    print()
    _reset_database(url, create=False)


if __name__ == "__main__":
    main()
