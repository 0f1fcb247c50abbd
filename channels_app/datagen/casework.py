"""What agents did with the generated threads: cases, their clocks, timelines and surveys.

Owns CaseWork: begin() plans a thread's routing (team, assignee) and its
status changes (assignment, pending, on hold, resolved, closed) as offsets
from the thread's start; finish() turns the thread's posts into the Case
row, its CaseEvents (one per post, linked to it, plus assignment and
status events) and a SatisfactionSurvey on a share of resolved cases.
Pure: rows are tuples in the order of the *_COLUMNS below.

Invariants (the database's CHECK constraints and the pipeline's rules):
first_message_at is the first customer post's time, first_responded_at
the first brand reply at or after it, resolved and closed cases have
resolved_at (closed ones closed_at, after their last post), the clocks
and sentiments are minima and maxima over the posts; priority, SLA policy
and SLA clocks come from cases.priority and cases.sla, as the pipeline
computes them (warnings and breaches due before the anchor recorded, as
the scan would have by then); surveys are answered after they are sent, and a survey's
score is set exactly when it was answered. Nothing happens after the anchor.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from cases.choices import DONE_STATUSES, CaseEventKind, CaseStatus, CustomerTier, InfluenceTier, Intent, SLATarget
from cases.priority import PriorityFacts, priority_for, share_velocity
from cases.services.cases import case_subject
from cases.services.sla import CLOCK_COLUMNS as CLOCK_COLUMNS
from cases.services.sla import clock_row
from cases.sla import CUSTOMER, REPLY, STATUS, PolicyFacts, TimelineEntry, plan_clocks, select_policy
from channels_app.datagen import texts
from channels_app.understand.closing import is_closing_remark

CASE_COLUMNS = (
    "id",
    "customer_id",
    "origin_channel_id",
    "subject",
    "status",
    "priority",
    "priority_score",
    "priority_factors",
    "engagement_type",
    "intent",
    "language",
    "team_id",
    "assignee_id",
    "first_message_at",
    "last_customer_message_at",
    "first_responded_at",
    "last_responded_at",
    "resolved_at",
    "closed_at",
    "sla_policy_id",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_next_alert_at",
    "sla_warned",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "sentiment_start",
    "sentiment_latest",
    "sentiment_label",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("case_id", "kind", "actor_id", "post_id", "payload", "occurred_at", "created_at")
SURVEY_COLUMNS = ("case_id", "token", "sent_at", "answered_at", "score", "comment")
SURVEY_SHARE, ANSWERED_SHARE = 0.45, 0.55
SCORE_WEIGHTS = {5: 40, 4: 27, 3: 13, 2: 10, 1: 10}
NEGATIVE_INTENTS = (Intent.COMPLAINT, Intent.CHURN_THREAT)
STORED_AFTER = dt.timedelta(seconds=15)  # ingestion lag: a row is created shortly after its post


@dataclass
class Work:
    """A thread's planned case work, in seconds from the thread's start."""

    status: str | None
    span: int = 0  # the last moment of the thread: its last post, resolution or closure
    team: str = ""
    assignee: tuple[int, str] | None = None
    initials: str = "GA"
    assigned: int | None = None
    resolved: int | None = None
    closed: int | None = None
    changes: list[tuple[int, str, str, int | None, str]] = field(default_factory=list)  # at, from, to, actor, why


class CaseWork:
    def __init__(self, *, world, anchor: dt.datetime, rng: random.Random, take_id) -> None:
        self.world, self.anchor, self.rng, self.take_id = world, anchor, rng, take_id
        self.team_names = {key: team.name for key, team in world.teams.items()}
        self.team_ids = {key: team.pk for key, team in world.teams.items()}

    def begin(self, *, status, intent: str, customer, roles: list[tuple[str, str]], offsets: list[int]) -> Work:
        rng = self.rng
        work = Work(status=status, span=offsets[-1])
        if status in (None, CaseStatus.NEW):
            return work
        negative = intent in NEGATIVE_INTENTS
        if negative and (customer.influence == InfluenceTier.TOP or customer.tier == CustomerTier.VIP):
            work.team = "escalations"
        elif intent == Intent.SALES_LEAD:
            work.team = "sales"
        elif intent == Intent.COMPLAINT and rng.random() < 0.25:
            work.team = "billing"
        else:
            work.team = "social-care"
        work.assignee = rng.choice(self.world.agents[work.team])
        agent_id = work.assignee[0]
        work.initials = f"{chr(65 + agent_id % 26)}{chr(65 + agent_id * 7 % 26)}"

        state = CaseStatus.NEW

        def change(at: int, new: str, actor: int | None, why: str = "") -> None:
            nonlocal state
            if new != state:
                work.changes.append((at, state, new, actor, why))
                state = new

        replies = [index for index, (direction, _) in enumerate(roles) if direction == "out"]
        if replies:
            before, reply = offsets[replies[0] - 1], offsets[replies[0]]
            work.assigned = before + int((reply - before) * rng.uniform(0.1, 0.6))
        else:  # a review worked without a public reply
            work.assigned = offsets[0] + int(rng.uniform(2, 240) * 60)
            change(work.assigned, CaseStatus.OPEN, agent_id)
        for index, (direction, role) in enumerate(roles):
            at = offsets[index]
            if direction == "in":
                if state == CaseStatus.PENDING:
                    change(at, CaseStatus.OPEN, None, "customer answered")
                continue
            change(at, CaseStatus.OPEN, agent_id)
            if role == "ask" and (index == len(roles) - 1 or rng.random() < 0.5):
                change(at, CaseStatus.PENDING, agent_id)
            elif role == "hold":
                change(at, CaseStatus.ON_HOLD, agent_id)
        end = max(offsets[-1], work.assigned)
        if status == CaseStatus.ON_HOLD and not replies:
            change(work.assigned + 3600, CaseStatus.ON_HOLD, agent_id)
            end += 3600
        if status in DONE_STATUSES:
            closing = [offsets[index] for index in replies if roles[index][1] in ("resolve", "praise")]
            if closing:
                work.resolved = closing[-1] + int(rng.uniform(30, 600))
            else:
                work.resolved = end + int(rng.uniform(10, 4320) * 60)
            change(work.resolved, CaseStatus.RESOLVED, agent_id)
            end = max(end, work.resolved)
            if status == CaseStatus.CLOSED:
                automatic = rng.random() < 0.7
                later = 3 * 86400 if automatic else int(rng.uniform(5, 2880) * 60)
                work.closed = max(work.resolved + later, offsets[-1] + 60)
                change(
                    work.closed, CaseStatus.CLOSED, None if automatic else agent_id, "no reply in 3 days" * automatic
                )
                end = work.closed
        work.span = end
        return work

    def finish(self, work: Work, chunk, *, customer, profile, posts: list, opener: int, start: dt.datetime) -> None:
        """Write the case of a thread whose post `opener` opened it (in the pipeline's sense) into the chunk."""
        rng, anchor = self.rng, self.anchor
        case_id = self.take_id("case")
        for post in posts:
            post.case_id = case_id
        inbound = [post for post in posts if post.author is not None]
        outbound = [post for post in posts if post.author is None]
        first_message_at = inbound[0].posted_at
        first_responded_at = next((post.posted_at for post in outbound if post.posted_at >= first_message_at), None)
        last_responded_at = outbound[-1].posted_at if outbound else None
        opening = posts[opener] if posts[opener].author is not None else posts[opener - 1]
        intent = opening.intent
        for post in [*reversed(inbound[: inbound.index(opening)]), *inbound[inbound.index(opening) + 1 :]]:
            if post.intent == Intent.CHURN_THREAT or (
                intent in (Intent.OTHER, Intent.PRAISE) and post.intent != Intent.OTHER
            ):
                intent = post.intent
        status = work.status

        def at(seconds: int | None) -> dt.datetime | None:
            return None if seconds is None else start + dt.timedelta(seconds=seconds)

        resolved_at, closed_at = at(work.resolved), at(work.closed)
        latest = inbound[-1]
        # As the pipeline scores it when the latest post arrives: seconds
        # after posting, so nothing has waited yet; virality is that post's.
        result = priority_for(
            PriorityFacts(
                polarity=latest.polarity,
                sentiment_label=latest.label,
                intent=intent,
                influence=customer.influence,
                verified=profile.verified,
                tier=customer.tier,
                engagement_type=opening.engagement,
                shares=latest.shares,
                likes=latest.likes,
                share_velocity=share_velocity(
                    shares=latest.shares, posted_at=latest.posted_at, observed_at=latest.posted_at + STORED_AFTER
                ),
            )
        )
        score, priority = result.score, result.label
        kind = posts[0].channel.kind
        policy = select_policy(
            self.world.policies,
            PolicyFacts(
                priority=priority, channel_kind=kind, customer_tier=customer.tier, engagement_type=opening.engagement
            ),
        )
        done = status in DONE_STATUSES
        closing = {post.id for post in inbound if is_closing_remark(post.text, post.intent)}
        timeline = [
            TimelineEntry(post.posted_at, CUSTOMER if post.author is not None else REPLY, counts=post.id not in closing)
            for post in posts
        ]
        timeline += [TimelineEntry(at(offset), STATUS, status=new) for offset, _old, new, _actor, _why in work.changes]
        plan = plan_clocks(
            policy=policy,
            calendar=self.world.calendars.get(policy.calendar_id) if policy and policy.calendar_id else None,
            timeline=timeline,
            now=anchor,
        )
        for clock in plan.clocks:
            clock.record_alerts_until(anchor)  # as the SLA scan would have by the anchor
            updated = min(clock.stopped_at or anchor, anchor)
            chunk.clocks.append(clock_row(case_id, policy.pk if policy else None, clock, updated))
        created_at = posts[opener].posted_at + STORED_AFTER
        updated_at = max(filter(None, (closed_at, resolved_at, posts[-1].posted_at + STORED_AFTER)))
        team_id = self.team_ids[work.team] if work.team else None
        assignee_id = work.assignee[0] if work.assignee else None
        chunk.cases.append(
            (
                case_id,
                customer.id,
                posts[0].channel.pk,
                case_subject(posts[0].text),
                status,
                priority,
                score,
                result.factors,
                opening.engagement,
                intent,
                posts[0].language,
                team_id,
                assignee_id,
                first_message_at,
                latest.posted_at,
                first_responded_at,
                last_responded_at,
                resolved_at,
                closed_at,
                policy.pk if policy else None,
                plan.first_response_due_at,
                plan.next_response_due_at,
                plan.resolution_due_at,
                plan.next_due_at,
                plan.next_alert_at,
                any(clock.warned_at for clock in plan.clocks),
                plan.breached(SLATarget.FIRST_RESPONSE),
                plan.breached(SLATarget.NEXT_RESPONSE),
                plan.breached(SLATarget.RESOLUTION),
                inbound[0].polarity,
                latest.polarity,
                latest.label,
                created_at,
                updated_at,
            )
        )
        events = chunk.events
        for post in posts:
            kind_of = CaseEventKind.INBOUND_POST if post.author is not None else CaseEventKind.OUTBOUND_REPLY
            events.append(
                (
                    case_id,
                    kind_of,
                    None,
                    post.id,
                    {"external_id": post.external_id} | ({"closing": True} if post.id in closing else {}),
                    post.posted_at,
                    post.posted_at + STORED_AFTER,
                )
            )
        if work.assigned is not None:
            moment = at(work.assigned)
            payload = {"assignee": work.assignee[1], "team": self.team_names[work.team]}
            events.append((case_id, CaseEventKind.ASSIGNMENT, None, None, payload, moment, moment))
        for offset, old, new, actor, why in work.changes:
            moment = at(offset)
            payload = {"from": str(old), "to": str(new)} | ({"reason": why} if why else {})
            events.append((case_id, CaseEventKind.STATUS_CHANGE, actor, None, payload, moment, moment))
        if intent == Intent.CHURN_THREAT:
            customer.churn_risk = max(customer.churn_risk, round(rng.uniform(0.6, 0.9), 2))
        if done and rng.random() < SURVEY_SHARE:
            self._survey(chunk, case_id, resolved_at)

    def _survey(self, chunk, case_id: int, resolved_at: dt.datetime) -> None:
        rng = self.rng
        sent_at = resolved_at + dt.timedelta(minutes=rng.uniform(10, 120))
        token = f"gen{case_id}-{rng.getrandbits(96):024x}"
        if sent_at > self.anchor:
            return
        answered_at, score, comment = None, None, ""
        if rng.random() < ANSWERED_SHARE:
            answered_at = sent_at + dt.timedelta(minutes=min(2880, rng.lognormvariate(5.2, 1.2)))
            score = rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]
            comment = rng.choice(texts.SURVEY_COMMENTS[score]) if rng.random() < 0.5 else ""
            if answered_at > self.anchor:
                answered_at, score, comment = None, None, ""
        chunk.surveys.append((case_id, token, sent_at, answered_at, score, comment))
