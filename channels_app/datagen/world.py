"""The configuration of the generated world: brands, channels, teams, agents, policies.

Owns BRANDS (three fictional brands, an airline, a telecom and a retailer,
with their handles and competitor terms) and world_ensure(), which creates
the configuration rows with the ORM (a few hundred rows at most): the demo's
calendars, teams, SLA policies, tags and canned responses (cases.demo's
builders, so the demo configuration has one definition), one channel of
each brand per kind it uses, and the benchmark agents. Idempotent: rows are
found by name, so an --append run reuses them.

Channels point at local-only URLs and are inactive, so beat never polls
them. Agents get unusable passwords: they exist to own cases, not to log in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cases import demo, demo_texts
from cases.business_time import CalendarSpec
from cases.choices import ChannelKind
from cases.models import AgentProfile, SLAPolicy, Team
from cases.selectors import calendar_specs
from channels_app.models import Channel
from channels_app.pipeline.classify import ChannelVocabulary


@dataclass(frozen=True)
class Brand:
    key: str
    name: str
    sector: str  # a key of texts.PRODUCTS
    handle: str  # the care account on X
    page_id: str
    email: str
    domain: str
    flight_prefix: str
    order_prefix: str
    competitors: tuple[str, ...]
    kinds: tuple[str, ...]
    weight: int


BRANDS = (
    Brand(
        key="northwind",
        name="Northwind Airways",
        sector="air",
        handle="NorthwindCare",
        page_id="204857600100001",
        email="care@northwind.example",
        domain="northwind.example",
        flight_prefix="NW",
        order_prefix="NWB",
        competitors=("SkyJet", "BlueHorizon"),
        kinds=(ChannelKind.X, ChannelKind.FACEBOOK, ChannelKind.EMAIL, ChannelKind.RSS, ChannelKind.WEBHOOK),
        weight=40,
    ),
    Brand(
        key="bluewave",
        name="Bluewave Mobile",
        sector="tel",
        handle="BluewaveHelp",
        page_id="204857600100002",
        email="help@bluewave.example",
        domain="bluewave.example",
        flight_prefix="BW",
        order_prefix="BWM",
        competitors=("Telcora", "Vexa Mobile"),
        kinds=(ChannelKind.X, ChannelKind.FACEBOOK, ChannelKind.EMAIL, ChannelKind.WEBHOOK),
        weight=35,
    ),
    Brand(
        key="cartwell",
        name="Cartwell",
        sector="shop",
        handle="CartwellHelp",
        page_id="204857600100003",
        email="support@cartwell.example",
        domain="cartwell.example",
        flight_prefix="CW",
        order_prefix="CW",
        competitors=("ShopNow", "MegaMart"),
        kinds=(ChannelKind.X, ChannelKind.FACEBOOK, ChannelKind.EMAIL, ChannelKind.RSS),
        weight=25,
    ),
)
KIND_WEIGHTS = {
    ChannelKind.X: 45,
    ChannelKind.FACEBOOK: 20,
    ChannelKind.EMAIL: 15,
    ChannelKind.WEBHOOK: 10,
    ChannelKind.RSS: 10,
}
KIND_LABEL = {
    ChannelKind.X: "on X",
    ChannelKind.FACEBOOK: "on Facebook",
    ChannelKind.EMAIL: "care e-mail",
    ChannelKind.RSS: "reviews feed",
    ChannelKind.WEBHOOK: "app chat webhook",
}
BASE_PORT = 18_100  # local fakes only: no channel of the generated world points off this machine
TEAM_KEYS = ("social-care", "billing", "sales", "escalations")
AGENT_LANGUAGES = (("en",), ("en", "es"), ("en", "fr"), ("en", "de"), ("en", "pt"), ("en",))


@dataclass
class GenChannel:
    """A channel with what the generator needs of it, loaded once."""

    pk: int
    kind: str
    brand: Brand
    vocabulary: ChannelVocabulary
    model: Channel


@dataclass
class World:
    channels: list[GenChannel]
    teams: dict[str, Team]
    agents: dict[str, list[tuple[int, str]]]  # by team key: (user id, username)
    policies: list[SLAPolicy]
    calendars: dict[int, CalendarSpec] = field(default_factory=dict)  # of the policies, by calendar id
    by_brand: dict[str, list[GenChannel]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for channel in self.channels:
            self.by_brand.setdefault(channel.brand.key, []).append(channel)


def agent_count(posts: int) -> int:
    """About one agent per 10,000 posts, between 8 and 100."""
    return max(8, min(100, posts // 10_000))


def _channel_fields(brand: Brand, kind: str, port: int) -> dict:
    base = f"http://127.0.0.1:{port}/"
    common = {
        "kind": kind,
        "brand_handles": [brand.handle],
        "brand_terms": [brand.name, f"#{brand.key}", brand.key],
        "competitor_terms": list(brand.competitors),
        "api_base_url": base,
        "is_active": False,
        "poll_interval_seconds": 300,
    }
    prefix = brand.key.upper()
    if kind == ChannelKind.X:
        common["options"] = {"user_id": str(3_000_000_000 + port), "username": brand.handle}
        common["credential_env"] = {"bearer_token": f"{prefix}_X_BEARER_TOKEN"}
    elif kind == ChannelKind.FACEBOOK:
        common["brand_handles"] = [brand.handle, brand.page_id]
        common["options"] = {"page_id": brand.page_id}
        common["credential_env"] = {"page_access_token": f"{prefix}_FB_PAGE_TOKEN"}
    elif kind == ChannelKind.EMAIL:
        common["brand_handles"] = [brand.email]
        common["api_base_url"] = f"imap://127.0.0.1:{port}"
        common["options"] = {"address": brand.email, "smtp_url": f"smtp://127.0.0.1:{port + 1}"}
        common["credential_env"] = {"username": f"{prefix}_IMAP_USERNAME", "password": f"{prefix}_IMAP_PASSWORD"}
    elif kind == ChannelKind.RSS:
        common["api_base_url"] = f"{base}reviews.xml"
    else:
        common["credential_env"] = {"signing_secret": f"{prefix}_WEBHOOK_SECRET"}
    return common


def world_ensure(*, posts: int, anchor) -> World:
    """Create (or find) the configuration rows of the generated world, in one transaction."""
    with transaction.atomic():
        teams, _tags = demo.demo_configure(now=anchor)
        channels = []
        for brand_index, brand in enumerate(BRANDS):
            for kind_index, kind in enumerate(brand.kinds):
                port = BASE_PORT + brand_index * 10 + kind_index * 2
                model, _ = Channel.objects.get_or_create(
                    name=f"{brand.name} {KIND_LABEL[kind]}", defaults=_channel_fields(brand, kind, port)
                )
                vocabulary = ChannelVocabulary.build(
                    brand_handles=model.brand_handles,
                    brand_terms=model.brand_terms,
                    competitor_terms=model.competitor_terms,
                    actionable_rules=model.actionable_rules,
                )
                channels.append(GenChannel(model.pk, kind, brand, vocabulary, model))
        agents = _ensure_agents(agent_count(posts), teams)
        policies = list(SLAPolicy.objects.filter(is_active=True).order_by("position", "id"))
        calendars = calendar_specs(calendar_ids={policy.calendar_id for policy in policies if policy.calendar_id})
    return World(channels=channels, teams=teams, agents=agents, policies=policies, calendars=calendars)


def _ensure_agents(count: int, teams: dict[str, Team]) -> dict[str, list[tuple[int, str]]]:
    """Agents gen-agent-001... in the Agents group, each in one or two teams (social care most)."""
    User = get_user_model()
    group = Group.objects.get(name="Agents")
    existing = {user.username: user for user in User.objects.filter(username__startswith="gen-agent-")}
    by_team: dict[str, list[tuple[int, str]]] = {key: [] for key in TEAM_KEYS}
    for number in range(1, max(count, len(existing)) + 1):
        username = f"gen-agent-{number:03d}"
        user = existing.get(username)
        # Deterministic membership: every fourth agent also works a specialist team.
        team_keys = ["social-care"] if number % 4 else ["social-care", TEAM_KEYS[1 + (number // 4) % 3]]
        if number <= 3:
            team_keys = [TEAM_KEYS[number]]  # each specialist team has someone
        if user is None:
            first = demo_texts.FIRST_NAMES["en"][number % len(demo_texts.FIRST_NAMES["en"])]
            user = User(username=username, first_name=first, last_name="Agent", email=f"{username}@care.example")
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            profile = AgentProfile.objects.create(
                user=user, languages=list(AGENT_LANGUAGES[number % len(AGENT_LANGUAGES)]), capacity=25
            )
            profile.teams.add(*(teams[key] for key in team_keys))
        for key in team_keys:
            by_team[key].append((user.pk, username))
    return by_team


def post_external_id(channel: GenChannel, post_id: int, customer, inbound: bool) -> str:
    """A post's id as its channel would give it, unique per channel: derived from the post's id."""
    kind = channel.kind
    if kind == ChannelKind.X:
        return str(1_950_000_000_000_000_000 + post_id)
    if kind == ChannelKind.FACEBOOK:
        return f"{channel.brand.page_id}_{post_id}"
    if kind == ChannelKind.EMAIL:
        domain = customer.email.rsplit("@", 1)[1] if inbound else channel.brand.domain
        return f"<gen.{post_id}@{domain}>"
    if kind == ChannelKind.RSS:
        return f"review-{channel.brand.key}-{post_id}"
    return f"chat-{post_id}"


def reply_handle(channel: GenChannel, previous, profile) -> str:
    """Whose post this one answers, as the channel's adapter reports it."""
    if channel.kind == ChannelKind.FACEBOOK:
        return channel.brand.page_id  # posts and comments on the Page's feed are addressed to the Page
    if channel.kind != ChannelKind.X or previous is None:
        return ""
    return channel.brand.handle if previous.author is None else profile.handle


def post_url(channel: GenChannel, external_id: str, profile) -> str:
    kind = channel.kind
    if kind == ChannelKind.X:
        return f"https://x.com/{profile.handle if profile else channel.brand.handle}/status/{external_id}"
    if kind == ChannelKind.FACEBOOK:
        return f"https://www.facebook.com/{external_id}"
    if kind == ChannelKind.RSS:
        return f"https://reviews.example/{channel.brand.key}/{external_id}"
    return ""
