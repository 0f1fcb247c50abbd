"""Demo data for a fresh install: what `manage.py seed_demo` does.

Owns demo_seed(): demo logins, the configuration a helpdesk needs (teams,
calendars, SLA policies, canned responses, tags, three channels of the
fictional airline Acme Air) and a month of conversations with customers.

The conversations are made in two separate halves, on purpose:

- planning (demo_plan and the _plan_* helpers) decides what happened:
  people, threads, texts, who replied and when, and what agents did
  (assignments, notes, status changes, surveys). Plain Python driven by
  one random.Random(seed), no database: the same seed gives the same plan;
  times are offsets from each thread's start, placed relative to `now`
  only at the end.
- storing (_store_plan) feeds every planned post, the customers' and the
  brand's public replies alike, through the ingestion pipeline
  (channels_app.pipeline.Ingestor, one batch per channel), shaped as the
  channel would deliver it (demo_posts). As for any source, the pipeline
  makes the profiles and customers, reads sentiment, language and intent,
  decides which posts open cases, sets their clocks, priority and SLA due
  times, and writes the post events of their timelines. Then the planned
  agent work is applied, in bulk, to the case each thread ended up in:
  team, assignee, status with its resolved and closed times (and the next
  SLA due time that leaves, by cases.sla), notes and assignment,
  escalation and status events, the sent replies in the outbox
  (OutboundMessage), tags and surveys; and what the CRM knows of each
  person (tier, churn risk, notes) to the customers made of them.

So the pipeline, not the plan, has the last word on cases: a thread it saw
nothing to act on and nobody answered (praise, chatter) stays posts without
a case, and a "noise" post it finds actionable becomes a new case nobody has
touched. The first thread of each status addresses the brand, so every
status shows whatever the pipeline reads. Known effects of ingesting: a
person writing on two channels is two customers (nothing in a post links
the profiles), and tiers arrive after the cases were scored, so they play
no part in priority or SLA policy.

Invariants: everything happens in one transaction; running twice never
duplicates anything (configuration is get_or_create by name, posts are
skipped when the demo channels already have some, and the pipeline would
store a post once anyway); passwords exist only as the users' hashes, and
a generated one is returned once, to be printed.

cases sits below channels_app and kpis, so their models are fetched from
the app registry, and the pipeline imported, at call time rather than by
this module.
"""

import math
import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import demo_texts as texts
from cases.choices import (
    CaseEventKind,
    CaseStatus,
    ChannelKind,
    CustomerTier,
    EngagementType,
    EscalationAction,
    Intent,
    Priority,
)
from cases.models import (
    AgentProfile,
    BusinessCalendar,
    CannedResponse,
    CannedResponseVariant,
    Case,
    CaseEvent,
    Customer,
    Holiday,
    OpeningInterval,
    SLAPolicy,
    Tag,
    Team,
)
from cases.services.sla import sla_refresh

LONDON = ZoneInfo("Europe/London")
BUSINESS_CALENDAR = "London office hours"
ALWAYS_OPEN_CALENDAR = "Around the clock (24/7)"
FACEBOOK_PAGE_ID = "104857600112233"

# (key, name, description, calendar, handles_sales, is_escalation_team)
TEAMS = [
    ("social-care", "Social Care", "First line on X, Facebook and e-mail.", ALWAYS_OPEN_CALENDAR, False, False),
    ("billing", "Billing", "Refunds, charges and loyalty points.", BUSINESS_CALENDAR, False, False),
    ("sales", "Sales", "Prospects unhappy with competitors.", BUSINESS_CALENDAR, True, False),
    ("escalations", "Escalations", "Urgent, high-reach and VIP cases.", ALWAYS_OPEN_CALENDAR, False, True),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    group: str
    is_staff: bool
    is_superuser: bool
    teams: tuple[str, ...]
    languages: tuple[str, ...]
    skills: tuple[str, ...]


DEMO_USERS = (
    DemoUser(
        username="agent",
        first_name="Alex",
        last_name="Rivera",
        group="Agents",
        is_staff=False,
        is_superuser=False,
        teams=("social-care", "billing", "sales"),
        languages=("en", "es"),
        skills=("baggage", "refunds"),
    ),
    DemoUser(
        username="manager",
        first_name="Morgan",
        last_name="Hale",
        group="Managers",
        is_staff=True,
        is_superuser=False,
        teams=("social-care", "escalations"),
        languages=("en", "fr", "de"),
        skills=("escalations",),
    ),
    DemoUser(
        username="admin",
        first_name="Sam",
        last_name="Okafor",
        group="Admins",
        is_staff=True,
        is_superuser=True,
        teams=(),
        languages=("en",),
        skills=(),
    ),
)
AGENT_NAMES = {user.username: user.first_name for user in DEMO_USERS}
AGENT_INITIALS = {user.username: user.first_name[0] + user.last_name[0] for user in DEMO_USERS}

STATUS_WEIGHTS = {
    CaseStatus.NEW: 10,
    CaseStatus.OPEN: 18,
    CaseStatus.PENDING: 12,
    CaseStatus.ON_HOLD: 6,
    CaseStatus.RESOLVED: 24,
    CaseStatus.CLOSED: 30,
}
# How long ago a thread in each final status starts, in hours: new cases
# are recent, closed ones old. None is a post that opened no case.
AGE_HOURS = {
    CaseStatus.NEW: (0.2, 20),
    CaseStatus.OPEN: (1, 96),
    CaseStatus.PENDING: (3, 144),
    CaseStatus.ON_HOLD: (24, 240),
    CaseStatus.RESOLVED: (6, 576),
    CaseStatus.CLOSED: (96, 720),
    None: (1, 720),
}
TOPIC_WEIGHTS = {
    "delay": 16, "cancellation": 9, "lost_bag": 11, "damaged_bag": 4, "refund": 10, "double_charge": 4,
    "rebooking": 6, "upgrade": 4, "wifi": 4, "app": 7, "praise_crew": 9, "baggage_allowance": 7,
    "special_assistance": 3, "loyalty_points": 3, "churn": 5, "competitor": 5,
}  # fmt: skip
CHANNEL_WEIGHTS = {ChannelKind.X: 55, ChannelKind.FACEBOOK: 27, ChannelKind.EMAIL: 18}
LANGUAGE_WEIGHTS = {"en": 88, "es": 5, "fr": 4, "de": 3}
# Posting volume by hour of day, London time: quiet at night.
HOURLY_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 8, 6, 4, 2]
PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
X_LIMIT = 280


# --- Results ---------------------------------------------------------------------


@dataclass
class DemoLogin:
    username: str
    group: str
    created: bool
    reset: bool
    from_env: bool
    password: str | None = None  # only a generated password, only in the run that set it


@dataclass
class DemoSeedResult:
    skipped: bool = False  # --if-empty found data and did nothing
    posts_skipped: bool = False  # the demo channels already had posts
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    status_counts: dict[str, int] = field(default_factory=dict)


def demo_seed(
    *,
    posts: int = 300,
    seed: int = 42,
    password: str | None = None,
    reset_passwords: bool = False,
    if_empty: bool = False,
    now: datetime | None = None,
) -> DemoSeedResult:
    """Create the demo logins, configuration and conversations.

    `password` is used for every demo login when given (validated by the
    password validators; raises ValidationError), else each login gets a
    generated one. Existing logins keep their password unless
    `reset_passwords`. With `if_empty`, does nothing when any case or
    channel exists.
    """
    Channel = apps.get_model("channels_app", "Channel")
    now = now or timezone.now()
    if if_empty and (Case.objects.exists() or Channel.objects.exists()):
        return DemoSeedResult(skipped=True)

    result = DemoSeedResult()
    with transaction.atomic():
        teams, tags = demo_configure(now=now)
        users, result.logins = _ensure_users(teams=teams, password=password, reset_passwords=reset_passwords)
        channels = _ensure_channels()
        result.counts["channels"] = len(channels)
        if apps.get_model("channels_app", "SocialPost").objects.filter(channel__in=channels.values()).exists():
            result.posts_skipped = True
            return result
        plan = demo_plan(posts=posts, seed=seed, now=now)
        _store_plan(plan, channels=channels, teams=teams, users=users, tags=tags)
        counts, result.status_counts = _demo_counts(channels)
    result.counts.update(counts)
    return result


# --- Configuration -----------------------------------------------------------------


def demo_configure(*, now: datetime) -> tuple[dict[str, Team], dict[str, Tag]]:
    """The demo's care configuration (calendars, teams, SLA policies, tags, canned responses),
    created when missing: shared by seed_demo and the benchmark generator (generate_data)."""
    calendars = _ensure_calendars(now=now)
    teams = _ensure_teams(calendars=calendars)
    _ensure_policies(calendars=calendars, teams=teams)
    tags = _ensure_tags()
    _ensure_canned_responses(teams=teams)
    return teams, tags


def _ensure_calendars(*, now: datetime) -> dict[str, BusinessCalendar]:
    business, _ = BusinessCalendar.objects.get_or_create(
        name=BUSINESS_CALENDAR, defaults={"time_zone": "Europe/London"}
    )
    for weekday in range(5):
        OpeningInterval.objects.get_or_create(
            calendar=business, weekday=weekday, opens_at=time(8), defaults={"closes_at": time(20)}
        )
    OpeningInterval.objects.get_or_create(
        calendar=business, weekday=5, opens_at=time(9), defaults={"closes_at": time(17)}
    )
    year = now.astimezone(LONDON).year
    for day, name, starts_at, ends_at in (
        (date(year, 12, 24), "Christmas Eve (closes early)", time(14), time(20)),
        (date(year, 12, 25), "Christmas Day", None, None),
        (date(year, 12, 26), "Boxing Day", None, None),
        (date(year + 1, 1, 1), "New Year's Day", None, None),
    ):
        Holiday.objects.get_or_create(
            calendar=business, date=day, name=name, defaults={"starts_at": starts_at, "ends_at": ends_at}
        )
    always, _ = BusinessCalendar.objects.get_or_create(
        name=ALWAYS_OPEN_CALENDAR, defaults={"time_zone": "UTC", "always_open": True}
    )
    return {BUSINESS_CALENDAR: business, ALWAYS_OPEN_CALENDAR: always}


def _ensure_teams(*, calendars: dict[str, BusinessCalendar]) -> dict[str, Team]:
    teams = {}
    for key, name, description, calendar, handles_sales, is_escalation in TEAMS:
        teams[key], _ = Team.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "calendar": calendars[calendar],
                "handles_sales": handles_sales,
                "is_escalation_team": is_escalation,
            },
        )
    return teams


def _ensure_users(
    *, teams: dict[str, Team], password: str | None, reset_passwords: bool
) -> tuple[dict, list[DemoLogin]]:
    User = get_user_model()
    users, logins = {}, []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@acmeair.example",
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            },
        )
        login = DemoLogin(
            spec.username, spec.group, created=created, reset=not created and reset_passwords, from_env=False
        )
        if created or reset_passwords:
            if password:
                validate_password(password, user)
                login.from_env = True
                user.set_password(password)
            else:
                # token_urlsafe(12) is 16 characters of 96 random bits.
                login.password = secrets.token_urlsafe(12)
                user.set_password(login.password)
            user.save()
        user.groups.add(Group.objects.get(name=spec.group))
        profile, _ = AgentProfile.objects.get_or_create(
            user=user, defaults={"languages": list(spec.languages), "skills": list(spec.skills)}
        )
        profile.teams.add(*(teams[key] for key in spec.teams))
        users[spec.username] = user
        logins.append(login)
    # Leads are set only where none is, so a lead chosen by an admin stays.
    Team.objects.filter(pk__in=[teams["social-care"].pk, teams["escalations"].pk], lead=None).update(
        lead=users["manager"]
    )
    return users, logins


def _ensure_policies(*, calendars, teams) -> None:
    always, business = calendars[ALWAYS_OPEN_CALENDAR], calendars[BUSINESS_CALENDAR]
    specs = {
        "urgent": ("Urgent (24/7)", 10, {"priorities": [Priority.URGENT]}, (30, 60, 480), always),
        "vip": ("VIP customers (24/7)", 20, {"customer_tiers": [CustomerTier.VIP]}, (60, 120, 1440), always),
        "x": ("Public posts on X", 30, {"channel_kinds": [ChannelKind.X]}, (60, 120, 1440), always),
        "default": ("Standard (business hours)", 100, {}, (240, 480, 1440), business),
    }
    # A default chosen by an admin stays the default: ours becomes an ordinary policy.
    has_default = SLAPolicy.objects.filter(is_default=True).exists()
    for key, (name, position, conditions, (first, following, resolution), calendar) in specs.items():
        SLAPolicy.objects.get_or_create(
            name=name,
            defaults={
                **conditions,
                "position": position,
                "is_default": key == "default" and not has_default,
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "calendar": calendar,
                "escalation_action": EscalationAction.REASSIGN_TO_TEAM
                if key == "urgent"
                else EscalationAction.NOTIFY_MANAGERS,
                "escalation_team": teams["escalations"] if key == "urgent" else None,
            },
        )


def _ensure_tags() -> dict[str, Tag]:
    return {name: Tag.objects.get_or_create(name=name, defaults={"color": color})[0] for name, color in texts.TAGS}


def _ensure_canned_responses(*, teams: dict[str, Team]) -> None:
    by_name = {team.name: team for team in teams.values()}
    for shortcut, title, team_name, body, x_body in texts.CANNED_RESPONSES:
        response, _ = CannedResponse.objects.get_or_create(
            shortcut=shortcut, defaults={"title": title, "body": body, "team": by_name.get(team_name)}
        )
        CannedResponseVariant.objects.get_or_create(
            response=response, channel_kind=ChannelKind.X, defaults={"body": x_body}
        )


def _ensure_channels() -> dict[str, object]:
    Channel = apps.get_model("channels_app", "Channel")
    specs = {
        ChannelKind.X: (
            "Acme Air on X",
            {
                "brand_handles": ["AcmeAirCare", "AcmeAir"],
                "brand_terms": ["Acme Air", "#AcmeAir", "acmeair"],
                "competitor_terms": ["SkyJet", "@SkyJet", "BlueHorizon"],
                # A local fake of the X API (never a real host): demo polls stay on this machine.
                "api_base_url": "http://127.0.0.1:8085/",
                "credential_env": {"bearer_token": "ACME_X_BEARER_TOKEN"},
                "options": {"user_id": "3141592653", "username": "AcmeAirCare"},
                "poll_interval_seconds": 120,
            },
        ),
        ChannelKind.FACEBOOK: (
            "Acme Air on Facebook",
            {
                "brand_handles": ["AcmeAir", FACEBOOK_PAGE_ID],
                "brand_terms": ["Acme Air"],
                "competitor_terms": ["SkyJet", "BlueHorizon"],
                "api_base_url": "http://127.0.0.1:8086/",
                "credential_env": {"page_access_token": "ACME_FB_PAGE_TOKEN", "app_secret": "ACME_FB_APP_SECRET"},
                "options": {"page_id": FACEBOOK_PAGE_ID},
            },
        ),
        ChannelKind.EMAIL: (
            "Acme Air care e-mail",
            {
                "brand_handles": [texts.BRAND_EMAIL],
                "brand_terms": ["Acme Air"],
                # A local mail server (never a real host), as for the other demo channels.
                "api_base_url": "imap://127.0.0.1:1143",
                "options": {"address": texts.BRAND_EMAIL, "smtp_url": "smtp://127.0.0.1:1025"},
                "credential_env": {
                    "username": "ACME_IMAP_USERNAME",
                    "password": "ACME_IMAP_PASSWORD",
                    "smtp_password": "ACME_SMTP_PASSWORD",
                },
            },
        ),
    }
    return {
        kind: Channel.objects.get_or_create(name=name, defaults={"kind": kind, **fields})[0]
        for kind, (name, fields) in specs.items()
    }


# --- Planning (no database) ---------------------------------------------------------


@dataclass
class PlannedPerson:
    key: int
    name: str
    first_name: str
    language: str
    email: str
    x_handle: str
    followers: int
    verified: bool
    tier: str
    churn_risk: float
    notes: str = ""


@dataclass
class PlannedPost:
    channel: str  # a ChannelKind
    external_id: str
    direction: str  # "inbound" or "outbound"
    text: str
    language: str
    at: timedelta  # from the thread's start
    in_reply_to: str = ""
    conversation_id: str = ""
    # The tone the text was written in; it drives likes and shares. What the
    # post is taken to say (sentiment, intent, engagement) is the pipeline's call.
    polarity: float | None = None
    likes: int = 0
    shares: int = 0
    subject: str = ""
    agent: str = ""  # username of the brand author of an outbound post


@dataclass
class PlannedEvent:
    kind: str
    at: timedelta
    actor: str = ""  # username; empty for the system
    body: str = ""
    payload: dict = field(default_factory=dict)


# Per contact, in the brand's currency: agents' time on social is cheaper than a call.
DEMO_CONTACT_COSTS = {"x": "3.20", "facebook": "3.60", "email": "5.50", "phone": "14.00", "rss": "4.00"}


@dataclass
class PlannedSurvey:
    sent: timedelta
    answered: timedelta | None
    score: int | None
    comment: str


@dataclass
class PlannedThread:
    person: PlannedPerson
    channel: str
    topic: str
    language: str
    status: str | None  # where agents leave the case; None: a post nobody answers
    engagement_type: str
    intent: str
    posts: list[PlannedPost] = field(default_factory=list)
    # Agent work only: posts get their timeline events from the pipeline.
    events: list[PlannedEvent] = field(default_factory=list)
    team: str = ""
    escalation: str = ""  # why the thread goes to the escalation team; empty when it does not
    assignee: str = ""
    subject: str = ""
    tags: list[str] = field(default_factory=list)
    resolved: timedelta | None = None
    closed: timedelta | None = None
    survey: PlannedSurvey | None = None
    start: datetime | None = None  # set by _place_thread

    def span(self) -> timedelta:
        ends = [post.at for post in self.posts] + [event.at for event in self.events]
        ends += [self.closed or self.resolved or timedelta(0)]
        if self.survey:
            ends.append(self.survey.answered or self.survey.sent)
        return max(ends)


@dataclass
class DemoPlan:
    people: list[PlannedPerson]
    threads: list[PlannedThread]


def demo_plan(*, posts: int, seed: int, now: datetime) -> DemoPlan:
    """Plan `posts` inbound posts from about 0.4 * posts people. Same seed, same plan (up to `now`)."""
    rng = random.Random(seed)
    people = _plan_people(rng, max(6, round(posts * 0.4)))
    counter = iter(range(1, 10**9))
    threads: list[PlannedThread] = []
    # The first six threads take one status each, so every status is shown
    # even for a small --posts; after that statuses follow STATUS_WEIGHTS.
    # They address the brand (an @mention, a post on its Page, an e-mail):
    # the pipeline opens a case for those whatever it reads in the text, so
    # the new one (no reply, nothing else to open its case) is sure to show.
    forced = rng.sample(list(CaseStatus), len(CaseStatus))
    remaining = posts
    while remaining > 0:
        index = len(threads)
        person = people[index] if index < len(people) else rng.choice(people[: max(1, len(people) // 4)])
        if index < len(forced):
            status = forced[index]
        elif rng.random() < 0.07 and person.language == "en":
            status = None
        else:
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        thread = _plan_thread(rng, counter, person, status=status, budget=remaining, addressed=index < len(forced))
        _place_thread(rng, thread, now=now)
        threads.append(thread)
        remaining -= sum(post.direction == "inbound" for post in thread.posts)
    for thread in threads:
        if thread.topic == "churn":
            thread.person.churn_risk = max(thread.person.churn_risk, 0.6 + 0.3 * rng.random())
    return DemoPlan(people=people, threads=threads)


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def _plan_people(rng: random.Random, count: int) -> list[PlannedPerson]:
    # The lognormal alone almost never passes 10k: place a few accounts with
    # a real audience (10k-100k) and three with a large one (over 100k).
    picked = rng.sample(range(count), min(7, count))
    influencers, known = set(picked[:3]), set(picked[3:])
    influencer_names = iter(rng.sample(texts.INFLUENCER_NAMES, 3))
    people, handles, emails = [], set(), set()
    for key in range(count):
        language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
        first, last = rng.choice(texts.FIRST_NAMES[language]), rng.choice(texts.LAST_NAMES[language])
        name = f"{first} {last}"
        # Follower counts are heavy-tailed: most people have a few hundred.
        followers = int(rng.lognormvariate(math.log(180), 1.3))
        verified = rng.random() < 0.04
        if key in known:
            followers, verified = rng.randint(12_000, 85_000), rng.random() < 0.5
        handle = rng.choice(texts.HANDLE_PATTERNS).format(
            f=_ascii(first), l=_ascii(last), fi=first[0], li=last[0], n=rng.randint(1, 99)
        )
        if key in influencers:
            name, handle = next(influencer_names)
            first, language, verified = name.split()[0], "en", True
            followers = rng.randint(110_000, 900_000)
        while handle.lower() in handles:
            handle += str(rng.randint(0, 9))
        handles.add(handle.lower())
        tier = rng.choices(list(CustomerTier), weights=[84, 12, 4])[0]
        local = handle.lower() if key in influencers else f"{_ascii(first)}.{_ascii(last)}".lower()
        domain = rng.choice(texts.EMAIL_DOMAINS)
        email = f"{local}{rng.choice(['', '', str(rng.randint(1, 99))])}@{domain}"
        # Two Sarah Khans are fine; two profiles with one address are not.
        while email in emails:
            email = f"{local}{rng.randint(1, 999)}@{domain}"
        emails.add(email)
        people.append(
            PlannedPerson(
                key=key,
                name=name,
                first_name=first,
                language=language,
                email=email,
                x_handle=handle,
                followers=followers,
                verified=verified,
                tier=tier,
                churn_risk=round(rng.uniform(0.02, 0.3), 2),
                notes={
                    CustomerTier.VIP: "Acme Platinum member; flies weekly on business.",
                    CustomerTier.PREMIUM: "Acme Gold member.",
                }.get(tier, ""),
            )
        )
    return people


def _slots(rng: random.Random, person: PlannedPerson, channel: str, language: str, agent: str) -> dict:
    (origin_code, origin, currency), (dest_code, dest, _) = rng.sample(texts.AIRPORTS, 2)
    return {
        "flight": f"AX {rng.randint(100, 2999)}",
        "new_flight": f"AX {rng.randint(100, 2999)}",
        "origin": origin,
        "dest": dest,
        "origin_code": origin_code,
        "dest_code": dest_code,
        "ref": "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)),
        "hours": rng.randint(2, 9),
        "minutes": rng.choice([40, 45, 50, 55, 70, 80, 90, 110, 140]),
        "days": rng.randint(3, 24),
        "wait": rng.randint(2, 7),
        "amount": f"{currency}{rng.randint(45, 640)}",
        "voucher": f"{currency}{rng.choice([25, 50, 75, 100, 150])}",
        "seat": f"{rng.randint(3, 38)}{rng.choice('ABCDEF')}",
        "gate": f"{rng.choice('ABCDE')}{rng.randint(1, 48)}",
        "crew": rng.choice(texts.CREW_NAMES),
        "bag": rng.choice(texts.BAGS),
        "item": rng.choice(texts.BAG_ITEMS),
        "event": rng.choice(texts.EVENTS),
        "weekday": rng.choice(texts.WEEKDAYS),
        "time": f"{rng.randint(6, 22):02d}:{rng.choice([0, 10, 15, 25, 30, 40, 45, 55]):02d}",
        "points": f"{rng.randint(4, 80) * 500:,}",
        "competitor": rng.choice(texts.COMPETITORS),
        "tracer": f"{dest_code}AX{rng.randint(10000, 99999)}",
        "fare": rng.choice(texts.FARES),
        "first": person.first_name,
        "agent": AGENT_NAMES.get(agent, AGENT_NAMES["agent"]),
        "contact": texts.CONTACT[language][channel],
    }


def _plan_beats(rng: random.Random, status: str, budget: int) -> list[tuple[str, str]]:
    """The shape of a conversation: (direction, role) pairs ending in `status`.

    Never more inbound posts than `budget`; every status has a one-post shape.
    """
    beats = [("in", "open")]
    spare = budget - 1

    def customer(role: str, chance: float) -> bool:
        nonlocal spare
        if spare > 0 and rng.random() < chance:
            beats.append(("in", role))
            spare -= 1
            return True
        return False

    if status == CaseStatus.NEW:
        customer("nudge", 0.3)
        return beats
    customer("nudge", 0.1)
    if status == CaseStatus.OPEN:
        if spare > 0 and rng.random() < 0.65:
            beats.append(("out", "ask"))
            customer("details", 1.0)
        else:
            beats.append(("out", "ack"))
    elif status == CaseStatus.PENDING:
        beats.append(("out", "ask"))
    elif status == CaseStatus.ON_HOLD:
        if spare > 0 and rng.random() < 0.8:
            beats.append(("out", "ask"))
            customer("details", 1.0)
        beats.append(("out", "hold"))
    else:
        if spare > 0 and rng.random() < 0.6:
            beats.append(("out", "ask"))
            customer("details", 1.0)
        beats.append(("out", "resolve"))
        customer("thanks", 0.4)
    return beats


def _minutes(rng: random.Random, median: float, sigma: float, low: float, high: float) -> timedelta:
    return timedelta(minutes=min(high, max(low, rng.lognormvariate(math.log(median), sigma))))


def _first_reply_delay(rng: random.Random, *, slow: bool) -> timedelta:
    # Most first replies come within the hour; some take hours, a few days.
    draw = rng.random()
    if slow or draw > 0.93:
        return timedelta(minutes=rng.uniform(18 * 60, 3 * 24 * 60)) if draw > 0.5 else _minutes(rng, 240, 0.6, 70, 720)
    if draw > 0.78:
        return _minutes(rng, 150, 0.5, 61, 600)
    return _minutes(rng, 18, 0.8, 2, 59)


def _fmt(template: str, slots: dict) -> str:
    return template.format_map(slots)


def _fit(parts: list[str], limit: int | None) -> str:
    """Join parts with spaces, dropping optional ones from the end until the text fits."""
    while True:
        text = " ".join(part for part in parts if part)
        if limit is None or len(text) <= limit or len(parts) == 1:
            return text[:limit] if limit else text
        parts = parts[:-1]


def _customer_text(rng, thread: PlannedThread, role: str, slots: dict) -> str:
    topic, lang = texts.TOPICS[thread.topic], thread.language
    translated = texts.LANGUAGES.get(lang, {})
    if role == "open":
        if lang != "en":
            pool = translated["topics"][thread.topic]["open"]
        elif thread.engagement_type == EngagementType.PROACTIVE:
            pool = topic["mention"]
        else:
            pool = topic["open"]
        parts = [_fmt(rng.choice(pool), slots)]
        if lang == "en" and rng.random() < 0.5:
            parts.append(_fmt(rng.choice(topic["detail"]), slots))
        if lang == "en" and thread.channel == ChannelKind.X and topic["polarity"][1] < 0 and rng.random() < 0.35:
            parts.append(rng.choice(texts.X_CLOSERS))
    else:
        pools = {"details": "details", "nudge": "nudges", "thanks": "thanks"}
        if lang != "en":
            pool = translated[pools[role]]
        else:
            pool = {"details": topic["details"], "nudge": texts.NUDGES, "thanks": texts.THANKS}[role]
        parts = [_fmt(rng.choice(pool), slots)]

    if thread.channel == ChannelKind.X:
        mention = f"@{texts.BRAND_X_HANDLE}"
        if thread.engagement_type == EngagementType.REACTIVE or role != "open":
            if role == "open" and rng.random() < 0.2:
                return _fit(parts, X_LIMIT - len(mention) - 1) + " " + mention
            return mention + " " + _fit(parts, X_LIMIT - len(mention) - 1)
        return _fit(parts, X_LIMIT)
    if thread.channel == ChannelKind.FACEBOOK:
        return _fit(parts, None)
    name = rng.choice([thread.person.name, thread.person.first_name])
    if role != "open":
        return f"{' '.join(parts)}\n\n{name}"
    opening = translated.get("email_opening") or rng.choice(texts.EMAIL_OPENINGS)
    closer = translated.get("email_closer") or rng.choice(texts.EMAIL_CLOSERS)
    signoff = rng.choice(["Kind regards,", "Thanks,", "Best wishes,", "Regards,"]) if lang == "en" else "--"
    return f"{opening}\n\n{' '.join(parts)}\n\n{closer}\n\n{signoff}\n{name}"


def _brand_text(rng, thread: PlannedThread, role: str, slots: dict) -> str:
    lang = thread.language
    if lang == "en":
        pool = texts.ACKS if role == "ack" else texts.TOPICS[thread.topic][role]
        greeting = "Hi {first}! "
    else:
        translated = texts.LANGUAGES[lang]
        pool = translated["topics"][thread.topic].get(role) or translated[role]
        greeting = translated["greeting"]
    template = rng.choice(pool)
    core = _fmt(template, slots)
    hello = "" if "{first}" in template else _fmt(greeting, slots)
    agent = thread.assignee
    if thread.channel == ChannelKind.X:
        mention, signature = f"@{thread.person.x_handle} ", f" ^{AGENT_INITIALS[agent]}"
        for text in (mention + hello + core + signature, mention + core + signature, mention + core):
            if len(text) <= X_LIMIT:
                return text
        return (mention + core)[:X_LIMIT]
    if thread.channel == ChannelKind.FACEBOOK:
        return f"{hello}{core} - {AGENT_NAMES[agent]}"
    if lang == "en":
        salutation = f"Dear {thread.person.first_name},"
        signoff = f"Kind regards,\n{AGENT_NAMES[agent]}\nAcme Air Customer Care"
    else:
        salutation = _fmt(texts.LANGUAGES[lang]["email_greeting"], slots)
        signoff = _fmt(texts.LANGUAGES[lang]["email_signoff"], slots)
    return f"{salutation}\n\n{core}\n\n{signoff}"


def _external_id(channel: str, n: int, *, outbound: bool, person: PlannedPerson) -> str:
    if channel == ChannelKind.X:
        return str(1_870_000_000_000_000_000 + n * 7_919_113)
    if channel == ChannelKind.FACEBOOK:
        return f"{FACEBOOK_PAGE_ID}_{n}"
    domain = "acmeair.example" if outbound else person.email.rsplit("@", 1)[1]
    return f"<demo.{n:06d}@{domain}>"


def _plan_thread(
    rng, counter, person: PlannedPerson, *, status: str | None, budget: int, addressed: bool = False
) -> PlannedThread:
    if status is None:
        return _plan_noise(rng, counter, person)
    if person.language == "en":
        topic_key = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
    else:
        topic_key = rng.choice(sorted(texts.LANGUAGES[person.language]["topics"]))
    topic = texts.TOPICS[topic_key]
    channel = rng.choice(topic["channels"]) if "channels" in topic else _weighted(rng, CHANNEL_WEIGHTS)
    engagement = topic.get("engagement", EngagementType.REACTIVE)
    if channel == ChannelKind.X and person.language == "en" and topic["mention"] and rng.random() < 0.2:
        engagement = EngagementType.PROACTIVE
    if addressed:
        engagement = EngagementType.REACTIVE
    thread = PlannedThread(
        person=person,
        channel=channel,
        topic=topic_key,
        language=person.language,
        status=status,
        engagement_type=engagement,
        intent=topic["intent"],
        tags=list(topic["tags"]),
    )
    _plan_routing(rng, thread)
    slots = _slots(rng, person, channel, person.language, thread.assignee)
    thread.subject = _fmt(rng.choice(topic["subject"]), slots)

    low, high = topic["polarity"]
    polarity = {
        "open": lambda: rng.uniform(low, high),
        "details": lambda: rng.uniform(-0.3, 0.1) if low < 0 else rng.uniform(0.1, 0.5),
        "nudge": lambda: rng.uniform(-0.8, -0.45),
        "thanks": lambda: rng.uniform(0.4, 0.85),
    }

    beats = _plan_beats(rng, status, budget)
    at, state, previous, first_out = timedelta(0), CaseStatus.NEW, None, True
    root = ""
    for index, (direction, role) in enumerate(beats):
        if index and direction == "in":
            at += {
                "nudge": lambda: _minutes(rng, 90, 0.5, 30, 300),
                "details": lambda: _minutes(rng, 25, 1.1, 3, 480),
                "thanks": lambda: _minutes(rng, 20, 1.0, 2, 240),
            }[role]()
        elif direction == "out":
            if first_out:
                at += _first_reply_delay(rng, slow=beats[1][1] == "nudge")
            elif role in ("hold", "resolve") and topic["slow"] and rng.random() < 0.6:
                at += timedelta(hours=rng.uniform(20, 120))
            else:
                at += _minutes(rng, 15, 1.0, 2, 300)
        n = next(counter)
        external_id = _external_id(channel, n, outbound=direction == "out", person=person)
        root = root or external_id
        post = PlannedPost(
            channel=channel,
            external_id=external_id,
            direction="inbound" if direction == "in" else "outbound",
            text="",
            language=thread.language,
            at=at,
            in_reply_to=previous.external_id if previous else "",
            conversation_id=root,
            subject=thread.subject if index == 0 else f"Re: {thread.subject}",
        )
        if direction == "in":
            post.text = _customer_text(rng, thread, role, slots)
            post.polarity = round(polarity[role](), 3)
            post.likes, post.shares = _engagement_counts(rng, person, channel, post.polarity)
            thread.posts.append(post)
            if state == CaseStatus.PENDING:
                state = _change(thread, at, state, CaseStatus.OPEN, actor="", reason="customer replied")
        else:
            if first_out:
                _plan_assignment(rng, thread, previous.at, at)
            if role == "hold":
                note = rng.choice(topic["notes"] or ["Waiting on the {origin_code} airport team."])
                thread.events.append(
                    PlannedEvent(
                        CaseEventKind.INTERNAL_NOTE, at - timedelta(minutes=2), thread.assignee, _fmt(note, slots)
                    )
                )
            post.text = _brand_text(rng, thread, role, slots)
            post.agent = thread.assignee
            post.likes = rng.choice([0, 0, 0, 1, 2]) if channel != ChannelKind.EMAIL else 0
            thread.posts.append(post)
            if first_out:
                state = _change(thread, at, state, CaseStatus.OPEN, actor=thread.assignee)
            if role == "hold":
                state = _change(thread, at, state, CaseStatus.ON_HOLD, actor=thread.assignee)
            elif role == "ask" and (index == len(beats) - 1 or rng.random() < 0.4):
                state = _change(thread, at, state, CaseStatus.PENDING, actor=thread.assignee)
            first_out = False
        previous = post

    if status != CaseStatus.NEW and topic["notes"] and rng.random() < 0.25:
        note_at = thread.posts[1].at + (at - thread.posts[1].at) / 2 if len(thread.posts) > 1 else at
        thread.events.append(
            PlannedEvent(CaseEventKind.INTERNAL_NOTE, note_at, thread.assignee, _fmt(rng.choice(topic["notes"]), slots))
        )
    if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        _plan_resolution(rng, thread, at, state, slots)
    thread.events.sort(key=lambda event: event.at)
    return thread


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _change(thread: PlannedThread, at: timedelta, old: str, new: str, *, actor: str, reason: str = "") -> str:
    if old != new:
        payload = {"from": str(old), "to": str(new)} | ({"reason": reason} if reason else {})
        thread.events.append(PlannedEvent(CaseEventKind.STATUS_CHANGE, at, actor, payload=payload))
    return new


def _plan_routing(rng: random.Random, thread: PlannedThread) -> None:
    """Team and assignee, roughly as routing would choose them.

    The urgency guessed here only sends a thread to the escalation team (and
    so to the manager, who signs the replies), for a reason an agent would
    give; the case's priority itself is the pipeline's, from the posts.
    """
    person, topic = thread.person, texts.TOPICS[thread.topic]
    level = PRIORITY_ORDER.index(topic["priority"])
    negative = topic["polarity"][1] < 0
    if negative and (person.tier != CustomerTier.STANDARD or person.followers >= 10_000):
        level += 1
    if negative and (
        person.followers >= 100_000 or (person.tier == CustomerTier.VIP and thread.intent == Intent.CHURN_THREAT)
    ):
        level = 3
    if PRIORITY_ORDER[min(level, 3)] == Priority.URGENT:
        thread.escalation = (
            "large audience" if person.followers >= 10_000 else f"{CustomerTier(person.tier).label} customer"
        )
    thread.team = "escalations" if thread.escalation else topic["team"]
    if person.tier == CustomerTier.VIP:
        thread.tags.append("vip")
    if person.followers >= 10_000:
        thread.tags.append("influencer")
    if thread.status != CaseStatus.NEW:
        thread.assignee = "manager" if thread.team == "escalations" or rng.random() < 0.25 else "agent"


def _plan_assignment(rng, thread: PlannedThread, after: timedelta, reply_at: timedelta) -> None:
    at = after + (reply_at - after) * rng.uniform(0.1, 0.6)
    if thread.escalation:
        thread.events.append(
            PlannedEvent(
                CaseEventKind.ESCALATION, at, "", payload={"to_team": "Escalations", "reason": thread.escalation}
            )
        )
    # The manager hands out a share of the work; routing assigns the rest.
    actor = "manager" if rng.random() < 0.4 else ""
    team_name = dict((key, name) for key, name, *_ in TEAMS)[thread.team]
    thread.events.append(
        PlannedEvent(CaseEventKind.ASSIGNMENT, at, actor, payload={"assignee": thread.assignee, "team": team_name})
    )


def _plan_resolution(rng, thread: PlannedThread, last: timedelta, state: str, slots: dict) -> None:
    thread.resolved = last + _minutes(rng, 12, 0.8, 1, 90)
    _change(thread, thread.resolved, state, CaseStatus.RESOLVED, actor=thread.assignee)
    if thread.status == CaseStatus.CLOSED:
        if rng.random() < 0.7:  # closed automatically after three quiet days
            thread.closed = thread.resolved + timedelta(days=3)
            _change(
                thread, thread.closed, CaseStatus.RESOLVED, CaseStatus.CLOSED, actor="", reason="no reply in 3 days"
            )
        else:
            thread.closed = thread.resolved + _minutes(rng, 120, 1.0, 5, 2880)
            _change(thread, thread.closed, CaseStatus.RESOLVED, CaseStatus.CLOSED, actor=thread.assignee)
    if rng.random() < 0.45:
        sent = thread.resolved + _minutes(rng, 30, 0.6, 10, 120)
        if rng.random() < 0.6:
            score = rng.choices([5, 4, 3, 2, 1], weights=[40, 27, 13, 10, 10])[0]
            comment = _fmt(rng.choice(texts.SURVEY_COMMENTS[score]), slots) if rng.random() < 0.6 else ""
            thread.survey = PlannedSurvey(sent, sent + _minutes(rng, 180, 1.2, 5, 2880), score, comment)
        else:
            thread.survey = PlannedSurvey(sent, None, None, "")


def _plan_noise(rng, counter, person: PlannedPerson) -> PlannedThread:
    intent = rng.choice([Intent.PRAISE, Intent.OTHER])
    thread = PlannedThread(person, ChannelKind.X, "noise", "en", None, EngagementType.PROACTIVE, intent)
    slots = _slots(rng, person, ChannelKind.X, "en", "agent")
    polarity = rng.uniform(0.4, 0.9) if intent == Intent.PRAISE else rng.uniform(-0.1, 0.3)
    external_id = _external_id(ChannelKind.X, next(counter), outbound=False, person=person)
    likes, shares = _engagement_counts(rng, person, ChannelKind.X, polarity)
    thread.posts.append(
        PlannedPost(
            channel=ChannelKind.X,
            external_id=external_id,
            direction="inbound",
            text=_fmt(rng.choice(texts.NOISE["praise" if intent == Intent.PRAISE else "other"]), slots),
            language="en",
            at=timedelta(0),
            conversation_id=external_id,
            polarity=round(polarity, 3),
            likes=likes,
            shares=shares,
        )
    )
    return thread


def _engagement_counts(rng: random.Random, person: PlannedPerson, channel: str, polarity: float) -> tuple[int, int]:
    if channel == ChannelKind.EMAIL:
        return 0, 0
    # Reach drives likes; angry posts get shared more.
    likes = int(person.followers * rng.uniform(0.0005, 0.02)) + rng.choice([0, 0, 1, 2, 3])
    shares = int(likes * rng.uniform(0.05, 0.4 if polarity < 0 else 0.15))
    return likes, shares


def _place_thread(rng: random.Random, thread: PlannedThread, *, now: datetime) -> None:
    """Choose when a thread starts: ending before `now`, at a plausible local hour.

    Draws the same number of random values whatever `now` is, so the rest
    of the plan (texts, statuses) does not depend on the time of the run.
    """
    low, high = AGE_HOURS[thread.status]
    age = timedelta(hours=rng.uniform(low, high))
    hour = rng.choices(range(24), weights=HOURLY_WEIGHTS)[0]
    minute, second = rng.randrange(60), rng.randrange(60)
    latest = now - thread.span() - timedelta(minutes=3)
    start = min(now - age, latest)
    if age > timedelta(days=1):
        local = start.astimezone(LONDON).replace(hour=hour, minute=minute, second=second)
        start = local.astimezone(start.tzinfo)
        while start > latest:
            start -= timedelta(days=1)
    thread.start = start


# --- Storing ---------------------------------------------------------------------------


def demo_posts(plan: DemoPlan) -> dict[str, list]:
    """Every planned post, the customers' and the brand's replies alike, as its
    channel would hand it to the ingestion pipeline: NormalizedPost lists by
    channel kind. The same plan gives the same posts, ids included."""
    # Imported here, not at the top: channels_app builds on cases (the
    # pipeline imports cases.models, cases.sla, cases.priority) and that
    # dependency runs one way. The demo is a source like a webhook, but it
    # lives in cases, so it reaches the pipeline only when it runs, as it
    # reaches channels_app's models through the app registry.
    from channels_app.pipeline import NormalizedPost

    posts: dict[str, list] = {kind: [] for kind in CHANNEL_WEIGHTS}
    for thread in plan.threads:
        person, kind = thread.person, thread.channel
        by_id = {planned.external_id: planned for planned in thread.posts}
        for planned in thread.posts:
            outbound = planned.direction == "outbound"
            parent = by_id.get(planned.in_reply_to)
            fields = _brand_author(kind) if outbound else _author_fields(person, kind)
            if kind == ChannelKind.X and parent:
                fields["in_reply_to_handle"] = (
                    texts.BRAND_X_HANDLE if parent.direction == "outbound" else person.x_handle
                )
            elif kind == ChannelKind.FACEBOOK:
                # Posts and comments on the Page's feed are addressed to the Page (as the adapter says).
                fields["in_reply_to_handle"] = FACEBOOK_PAGE_ID
            elif kind == ChannelKind.EMAIL:
                fields["is_direct"] = not outbound
            posts[kind].append(
                NormalizedPost(
                    external_id=planned.external_id,
                    posted_at=thread.start + planned.at,
                    text=planned.text,
                    language=planned.language,
                    in_reply_to_id=planned.in_reply_to,
                    conversation_id=planned.conversation_id,
                    is_outbound=outbound,
                    like_count=planned.likes,
                    share_count=planned.shares,
                    raw={"source": "seed_demo"} | ({"subject": planned.subject} if kind == ChannelKind.EMAIL else {}),
                    **fields,
                )
            )
    return posts


def _author_fields(person: PlannedPerson, kind: str) -> dict:
    """What each channel tells about a post's author."""
    if kind == ChannelKind.X:
        return {
            "author_id": str(2_000_000_000 + person.key * 104_729),
            "author_handle": person.x_handle,
            "author_name": person.name,
            "author_followers": person.followers,
            "author_verified": person.verified,
        }
    if kind == ChannelKind.FACEBOOK:
        # The Graph API gives a page-scoped id and a name, never a friend count.
        return {"author_id": str(7_100_000_000_000_000 + person.key * 7_919), "author_name": person.name}
    return {
        "author_id": person.email.lower(),
        "author_handle": person.email,
        "author_name": person.name,
        "author_email": person.email,
    }


def _brand_author(kind: str) -> dict:
    if kind == ChannelKind.X:
        return {"author_handle": texts.BRAND_X_HANDLE, "author_name": texts.BRAND}
    if kind == ChannelKind.FACEBOOK:
        return {"author_id": FACEBOOK_PAGE_ID, "author_name": texts.BRAND}
    return {"author_id": texts.BRAND_EMAIL, "author_email": texts.BRAND_EMAIL, "author_name": texts.BRAND}


def _store_plan(plan: DemoPlan, *, channels, teams, users, tags) -> None:
    """Feed a plan's posts through the ingestion pipeline, then apply the planned agent work.

    Expects to run inside a transaction; the writes after ingestion are bulk.
    """
    from channels_app.pipeline import Ingestor  # at call time: see demo_posts

    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    SocialPost = apps.get_model("channels_app", "SocialPost")
    OutboundMessage = apps.get_model("channels_app", "OutboundMessage")
    SatisfactionSurvey = apps.get_model("kpis", "SatisfactionSurvey")

    for kind, batch in demo_posts(plan).items():
        Ingestor(channels[kind]).ingest(batch)

    kind_of = {channel.pk: kind for kind, channel in channels.items()}
    posts = {
        (kind_of[post.channel_id], post.external_id): post
        for post in SocialPost.objects.filter(channel__in=channels.values()).only(
            "channel_id", "external_id", "posted_at", "case_id"
        )
    }
    cases = Case.objects.select_related("sla_policy").in_bulk(
        {post.case_id for post in posts.values() if post.case_id is not None}
    )
    threads = sorted(plan.threads, key=lambda thread: thread.start)
    customer_ids = _apply_customer_facts(threads)

    worked, tagged, events, outbound, surveys = [], [], [], [], []
    for thread in threads:
        # The thread's first post, as a rule. When the pipeline saw nothing to
        # act on in a customer's opening post (one that only names a
        # competitor, say), the case is the one their follow-up opened (an
        # @mention): the case of the thread's first post that is in one.
        in_case = (posts[thread.channel, planned.external_id].case_id for planned in thread.posts)
        case = cases.get(next(filter(None, in_case), None))
        if case is None:
            continue  # no case: nobody answered, and the pipeline found nothing actionable
        tagged += [Case.tags.through(case_id=case.pk, tag_id=tags[name].pk) for name in dict.fromkeys(thread.tags)]
        if thread.status in (None, CaseStatus.NEW):
            continue  # a case nobody has worked on yet
        start = thread.start
        case.subject = thread.subject  # as the agent retitled it
        case.team = teams[thread.team]
        case.assignee = users[thread.assignee]
        case.status = thread.status
        case.resolved_at = start + thread.resolved if thread.resolved is not None else None
        case.closed_at = start + thread.closed if thread.closed is not None else None
        worked.append(case)
        events += [
            CaseEvent(
                case=case,
                kind=planned.kind,
                actor=users.get(planned.actor),
                body=planned.body,
                payload=planned.payload,
                occurred_at=start + planned.at,
            )
            for planned in thread.events
        ]
        for planned in thread.posts:
            if planned.direction == "outbound":
                # The reply an agent sent, as the outbox records it once the channel took it.
                post = posts[planned.channel, planned.external_id]
                outbound.append(
                    OutboundMessage(
                        case_id=post.case_id,
                        channel=channels[planned.channel],
                        reply_to=posts[planned.channel, planned.in_reply_to],
                        author=users[planned.agent],
                        text=planned.text,
                        status="sent",
                        attempts=1,
                        external_id=planned.external_id,
                        sent_at=post.posted_at,
                    )
                )
        if thread.survey:
            survey = thread.survey
            surveys.append(
                SatisfactionSurvey(
                    case=case,
                    token=secrets.token_urlsafe(32),
                    sent_at=start + survey.sent,
                    answered_at=start + survey.answered if survey.answered else None,
                    score=survey.score,
                    comment=survey.comment,
                    # Frozen as the survey task does: who answered, where, at resolve time.
                    agent_id=case.assignee_id,
                    team_id=case.team_id,
                    channel_id=case.origin_channel_id,
                )
            )
    Case.objects.bulk_update(worked, ["subject", "team", "assignee", "status", "resolved_at", "closed_at"])
    Case.tags.through.objects.bulk_create(tagged)
    OutboundMessage.objects.bulk_create(outbound)
    CaseEvent.objects.bulk_create(events)
    SatisfactionSurvey.objects.bulk_create(surveys)
    # What a contact costs per channel kind and a call, so the cost and deflection figures mean something.
    ContactCost = apps.get_model("kpis", "ContactCost")
    ContactCost.objects.bulk_create(
        [ContactCost(channel_kind=kind, cost_per_contact=cost) for kind, cost in DEMO_CONTACT_COSTS.items()],
        ignore_conflicts=True,
    )
    # Status changes pause, stop and resume clocks: plan them again from the whole timeline.
    sla_refresh(case_ids=[case.pk for case in worked])

    # auto_now_add stamps rows with the time of the seed; give them the time
    # they would have had, so "newest first" lists and ingestion lag look
    # real. One UPDATE per table: bulk_update's CASE per row is far slower.
    def first_post(**where):
        return Subquery(SocialPost.objects.filter(**where).order_by("posted_at").values("posted_at")[:1])

    customer_since = first_post(author__customer=OuterRef("pk"))
    Customer.objects.filter(pk__in=customer_ids).update(created_at=customer_since, updated_at=customer_since)
    profile_since = first_post(author=OuterRef("pk"))
    SocialProfile.objects.filter(customer__in=customer_ids).update(created_at=profile_since, updated_at=profile_since)
    Case.objects.filter(pk__in=list(cases)).update(
        created_at=F("first_message_at") + timedelta(seconds=20),
        updated_at=Coalesce("closed_at", "resolved_at", "last_responded_at", "first_message_at"),
    )
    SocialPost.objects.filter(channel__in=channels.values()).update(ingested_at=F("posted_at") + timedelta(seconds=15))
    OutboundMessage.objects.filter(channel__in=channels.values()).update(
        created_at=F("sent_at") - timedelta(seconds=4), updated_at=F("sent_at")
    )


def _apply_customer_facts(threads: list[PlannedThread]) -> list[int]:
    """What the CRM knows of each person beyond their posts: loyalty tier,
    churn risk, notes, and a loyalty member's e-mail address. Returns the
    ids of the customers the pipeline made for the plan's people.

    Written on the customers the pipeline made of their profiles, one per
    channel kind a person wrote on: nothing in a post tells the pipeline
    that two profiles are one person (admin's merge suggestions find the
    loyalty members by their shared address). The pipeline scored the cases
    before these facts existed, so tiers play no part in their priority or
    SLA policy.
    """
    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    people: dict[tuple[str, str], PlannedPerson] = {}
    for thread in threads:
        person = thread.person
        people[thread.channel, _author_fields(person, thread.channel)["author_id"]] = person
    owners = {
        (kind, external_id): customer_id
        for kind, external_id, customer_id in SocialProfile.objects.filter(
            kind__in={kind for kind, _ in people}, external_user_id__in={external_id for _, external_id in people}
        ).values_list("kind", "external_user_id", "customer_id")
        if (kind, external_id) in people
    }
    customers = Customer.objects.in_bulk(set(owners.values()))
    for key, customer_id in owners.items():
        person, customer = people[key], customers[customer_id]
        customer.tier = person.tier
        customer.churn_risk = round(person.churn_risk, 2)
        customer.notes = person.notes
        if person.tier != CustomerTier.STANDARD:
            customer.email = customer.email or person.email
    Customer.objects.bulk_update(customers.values(), ["tier", "churn_risk", "notes", "email"])
    return list(customers)


def _demo_counts(channels: dict) -> tuple[dict[str, int], dict[str, int]]:
    """What the demo channels hold: totals, and cases by status."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    SatisfactionSurvey = apps.get_model("kpis", "SatisfactionSurvey")
    posts = SocialPost.objects.filter(channel__in=channels.values())
    cases = Case.objects.filter(origin_channel__in=channels.values())
    counts = posts.aggregate(
        posts=Count("id", filter=Q(direction="inbound")), replies=Count("id", filter=Q(direction="outbound"))
    )
    counts["customers"] = Customer.objects.filter(pk__in=posts.values("author__customer")).count()
    counts["cases"] = cases.count()
    counts["events"] = CaseEvent.objects.filter(case__in=cases).count()
    counts["surveys"] = SatisfactionSurvey.objects.filter(case__in=cases).count()
    by_status = dict(cases.order_by().values_list("status").annotate(count=Count("id")))
    return counts, {status: by_status.get(status, 0) for status in CaseStatus.values}
