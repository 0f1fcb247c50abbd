"""Identity: the SocialProfile and Customer behind each post's author.

Owns resolve_authors(): finds or creates profiles of one channel kind in
bulk, refreshes what the channel tells about them (handle, name, followers,
verified), and keeps each customer's stored reach (max_followers,
influence) equal to the largest follower count of their profiles. It names
the customers whose influence tier or verification changed: their open
cases' priority depends on both, so the caller has them re-scored.
A constant number of queries per batch, whatever its size.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower

from cases.choices import influence_tier_for
from cases.models import Customer
from channels_app.models import SocialProfile
from channels_app.pipeline.bulk import InstanceBuilder, any_of, insert_objects
from channels_app.pipeline.normalized import NormalizedPost

PROFILE_FIELDS = ("handle", "display_name", "followers_count", "verified")


class Authors(NamedTuple):
    profiles: dict[str, SocialProfile]  # by the author's id on the channel, customer loaded
    rescore_customer_ids: set[int]  # existing customers whose influence tier or verification changed


build_customer = InstanceBuilder(Customer)
build_profile = InstanceBuilder(SocialProfile)


def _profile_values(post: NormalizedPost, current: SocialProfile | None) -> dict:
    """What the post tells about its author; unknowns keep the current value."""
    return {
        "handle": post.author_handle or (current.handle if current else ""),
        "display_name": post.author_name or (current.display_name if current else ""),
        "followers_count": post.author_followers
        if post.author_followers is not None
        else (current.followers_count if current else 0),
        "verified": post.author_verified
        if post.author_verified is not None
        else (current.verified if current else False),
    }


def resolve_authors(*, kind: str, posts: list[NormalizedPost]) -> Authors:
    """Profiles (with their customer loaded) by author id for the posts that have one, and the
    customers to re-score.

    The latest post of an author (by posted_at) speaks for the profile, so
    follower counts are as fresh as the batch allows. Expects to run inside
    the batch's transaction.
    """
    latest: dict[str, NormalizedPost] = {}
    for post in posts:
        if post.author_id and (post.author_id not in latest or post.posted_at >= latest[post.author_id].posted_at):
            latest[post.author_id] = post
    if not latest:
        return Authors({}, set())

    profiles = {
        profile.external_user_id: profile
        for profile in SocialProfile.objects.select_related("customer").filter(
            any_of(SocialProfile, "external_user_id", list(latest)), kind=kind
        )
    }

    changed: list[SocialProfile] = []
    rescore: set[int] = set()
    for author_id, profile in profiles.items():
        values = _profile_values(latest[author_id], profile)
        if any(getattr(profile, name) != value for name, value in values.items()):
            if profile.verified != values["verified"]:
                rescore.add(profile.customer_id)
            for name, value in values.items():
                setattr(profile, name, value)
            changed.append(profile)
    if changed:
        SocialProfile.objects.bulk_update(changed, PROFILE_FIELDS)
        rescore |= _refresh_reach({profile.customer_id for profile in changed}, profiles)

    missing = [author_id for author_id in latest if author_id not in profiles]
    if missing:
        profiles.update(_create_profiles(kind=kind, authors=[latest[author_id] for author_id in missing]))
    return Authors(profiles, rescore)


def _create_profiles(*, kind: str, authors: list[NormalizedPost]) -> dict[str, SocialProfile]:
    """Profiles for new authors. An author whose e-mail address is a known
    customer's becomes another profile of that customer; others get a new one."""
    known_by_email = _customers_by_email({post.author_email for post in authors if post.author_email})
    customers = []
    new_profiles = []
    for post in authors:
        values = _profile_values(post, None)
        customer = known_by_email.get(post.author_email.lower()) if post.author_email else None
        if customer is None:
            customer = _new_customer(post, values["followers_count"])
            customers.append(customer)
        new_profiles.append(build_profile(customer=customer, kind=kind, external_user_id=post.author_id, **values))
    try:
        # A savepoint, so a concurrent ingest that created one of these
        # profiles first costs a retry of this step, not the whole batch.
        with transaction.atomic():
            insert_objects(Customer, customers)
            insert_objects(SocialProfile, new_profiles)
    except IntegrityError:
        return _adopt_concurrent_profiles(kind=kind, authors=authors)
    profiles = {profile.external_user_id: profile for profile in new_profiles}
    if known_by_email:
        _refresh_reach({customer.pk for customer in known_by_email.values()}, profiles)
    return profiles


def _new_customer(post: NormalizedPost, followers: int) -> Customer:
    return build_customer(
        name=(post.author_name or post.author_handle or post.author_email)[:200],
        email=post.author_email[:254],
        max_followers=followers,
        influence=influence_tier_for(followers),
    )


def _customers_by_email(emails: set[str]) -> dict[str, Customer]:
    """Live customers by lower-case e-mail address; the oldest wins a tie."""
    if not emails:
        return {}
    found: dict[str, Customer] = {}
    for customer in (
        Customer.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in={email.lower() for email in emails}, merged_into__isnull=True)
        .order_by("pk")
    ):
        found.setdefault(customer.email_key, customer)
    return found


def _adopt_concurrent_profiles(*, kind: str, authors: list[NormalizedPost]) -> dict[str, SocialProfile]:
    """Another worker created some of these profiles meanwhile: take theirs, create the rest one by one."""
    result = {}
    for post in authors:
        profile = (
            SocialProfile.objects.select_related("customer").filter(kind=kind, external_user_id=post.author_id).first()
        )
        if profile is None:
            values = _profile_values(post, None)
            customer = _new_customer(post, values["followers_count"])
            customer.save()
            profile = SocialProfile.objects.create(
                customer=customer, kind=kind, external_user_id=post.author_id, **values
            )
        result[post.author_id] = profile
    return result


def _refresh_reach(customer_ids: set[int], profiles: dict[str, SocialProfile]) -> set[int]:
    """Recompute max_followers and influence of these customers from all their profiles;
    returns those whose influence tier changed."""
    maxima = dict(
        SocialProfile.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(value=Max("followers_count"))
        .values_list("customer_id", "value")
    )
    customers = {profile.customer_id: profile.customer for profile in profiles.values()}
    changed, new_tier = [], set()
    for customer_id, max_followers in maxima.items():
        customer = customers[customer_id]
        influence = influence_tier_for(max_followers or 0)
        if (customer.max_followers, customer.influence) != (max_followers, influence):
            if customer.influence != influence:
                new_tier.add(customer_id)
            customer.max_followers, customer.influence = max_followers or 0, influence
            changed.append(customer)
    if changed:
        Customer.objects.bulk_update(changed, ["max_followers", "influence"])
    return new_tier
