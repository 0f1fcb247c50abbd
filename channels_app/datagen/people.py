"""Customers and their social profiles in the generated world.

Owns sample_followers() (the heavy-tailed follower counts: most under
1,000, about 2% from 10,000 to 100,000, 0.2% over 100,000) and the plain
records GenCustomer and GenProfile with how they are made. Pure: the
caller passes a random.Random and the ids to use; no database.

Invariant: a customer's max_followers and influence are those of their
largest profile (as cases.services.customer_refresh_influence stores
them); finish_customer() sets them once all profiles of a chunk exist.
Only X profiles carry follower counts: Facebook, e-mail, review feeds and
the app chat tell nothing of an audience, as their adapters do.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass, field

from cases.choices import ChannelKind, CustomerTier, influence_tier_for
from channels_app.datagen import texts

TIER_WEIGHTS = {CustomerTier.STANDARD: 85, CustomerTier.PREMIUM: 11, CustomerTier.VIP: 4}


def sample_followers(rng: random.Random) -> int:
    """A follower count: lognormal around 150 for most people, log-uniform 10k-100k
    for 2% (known accounts), Pareto from 100k (alpha 1.2, capped at 50M) for 0.2%."""
    draw = rng.random()
    if draw < 0.002:
        return min(int(100_000 * (1.0 - rng.random()) ** (-1 / 1.2)), 50_000_000)
    if draw < 0.022:
        return int(math.exp(rng.uniform(math.log(10_000), math.log(100_000))))
    return min(int(rng.lognormvariate(math.log(150), 1.3)), 9_999)


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


ASCII = {name: _ascii(name) for names in (*texts.FIRST_NAMES.values(), *texts.LAST_NAMES.values()) for name in names}


@dataclass(slots=True, eq=False)
class GenProfile:
    id: int
    customer: GenCustomer
    kind: str
    external_user_id: str
    handle: str
    display_name: str
    followers: int
    verified: bool
    created_at: dt.datetime


@dataclass(slots=True, eq=False)
class GenCustomer:
    id: int
    first: str
    last: str
    language: str
    tier: str
    email: str
    churn_risk: float
    created_at: dt.datetime
    profiles: dict[str, GenProfile] = field(default_factory=dict)
    max_followers: int = 0
    verified: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def influence(self) -> str:
        return influence_tier_for(self.max_followers)


def new_customer(rng: random.Random, customer_id: int, *, at: dt.datetime) -> GenCustomer:
    language = rng.choices(list(texts.LANGUAGE_WEIGHTS), weights=list(texts.LANGUAGE_WEIGHTS.values()))[0]
    first, last = rng.choice(texts.FIRST_NAMES[language]), rng.choice(texts.LAST_NAMES[language])
    tier = rng.choices(list(TIER_WEIGHTS), weights=list(TIER_WEIGHTS.values()))[0]
    # The id keeps addresses unique however many customers share a name.
    local = f"{ASCII[first]}.{ASCII[last]}{customer_id}".lower().replace(" ", "")
    email = f"{local}@{texts.EMAIL_DOMAINS[customer_id % len(texts.EMAIL_DOMAINS)]}"
    return GenCustomer(
        id=customer_id,
        first=first,
        last=last,
        language=language,
        tier=tier,
        email=email,
        churn_risk=round(rng.uniform(0.02, 0.3), 2),
        created_at=at,
    )


def new_profile(
    rng: random.Random, customer: GenCustomer, kind: str, profile_id: int, *, at: dt.datetime
) -> GenProfile:
    """The customer's account on a channel kind, with the ids that kind's adapter would give."""
    followers, verified, handle = 0, False, ""
    first, last = ASCII[customer.first], ASCII[customer.last]
    if kind == ChannelKind.X:
        followers = sample_followers(rng)
        verified = rng.random() < (0.5 if followers >= 50_000 else 0.01)
        handle = f"{first}{last}{profile_id % 997}".replace(" ", "")
        external_id = str(4_000_000_000 + profile_id)
    elif kind == ChannelKind.FACEBOOK:
        external_id = str(8_100_000_000_000_000 + profile_id)  # page-scoped ids: no handle, no audience
    elif kind == ChannelKind.EMAIL:
        handle = external_id = customer.email
    elif kind == ChannelKind.RSS:
        handle = f"{first}{last[:1]}".replace(" ", "")
        external_id = f"reviewer-{profile_id}"
    else:
        external_id = f"app-user-{profile_id}"
    profile = GenProfile(
        id=profile_id,
        customer=customer,
        kind=kind,
        external_user_id=external_id,
        handle=handle,
        display_name=customer.name,
        followers=followers,
        verified=verified,
        created_at=at,
    )
    customer.profiles[kind] = profile
    if followers > customer.max_followers:
        customer.max_followers = followers
    customer.verified = customer.verified or verified
    customer.created_at = min(customer.created_at, at)
    return profile


def customer_row(customer: GenCustomer) -> tuple:
    """Values of CUSTOMER_COLUMNS (channels_app.datagen.write)."""
    # The CRM knows a loyalty member's address; others only through an e-mail profile.
    known_email = customer.tier != CustomerTier.STANDARD or ChannelKind.EMAIL in customer.profiles
    notes = {CustomerTier.VIP: "Top-tier loyalty member.", CustomerTier.PREMIUM: "Loyalty member."}.get(
        customer.tier, ""
    )
    return (
        customer.id,
        customer.name,
        customer.email if known_email else "",
        customer.tier,
        customer.max_followers,
        customer.influence,
        customer.churn_risk,
        notes,
        customer.created_at,
        customer.created_at,
    )


def profile_row(profile: GenProfile) -> tuple:
    """Values of PROFILE_COLUMNS (channels_app.datagen.write)."""
    return (
        profile.id,
        profile.customer.id,
        profile.kind,
        profile.external_user_id,
        profile.handle,
        profile.display_name,
        profile.followers,
        profile.verified,
        profile.created_at,
        profile.created_at,
    )
