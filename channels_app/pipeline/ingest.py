"""The ingestion pipeline: one service that every source calls.

Owns Ingestor (and the ingest_posts() shortcut). For a batch of
NormalizedPost of one channel, in one transaction and a constant number of
bulk queries whatever the batch size:
1. dedupe by (channel, external id): a post already stored is counted as a
   duplicate (its like/share counts are refreshed when they grew);
2. identity: profiles and customers (pipeline.identity);
3. understand: sentiment, language, intent, engagement type, actionable;
4. thread: which case each post belongs to (pipeline.thread);
5. priority and SLA clocks of every touched case (cases.priority, with
   the admin's weights loaded once per Ingestor; the score's factors are
   stored on the case. Virality is the batch's own posts: their shares
   per hour since posted, as of ingestion. The growth of a re-ingested
   post's counts does not re-score its case. The
   clocks planned by cases.sla from the case's whole timeline, stored and
   new, and written with cases.services.sla), and the CaseEvents of the
   timeline.
Ingesting the same posts twice changes nothing; the result does not depend
on the order in which posts arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cases.choices import CaseEventKind, CaseStatus, EngagementType, Intent, SentimentLabel
from cases.escalation import escalation_facts, fired_rules
from cases.models import Case, CaseEvent, RoutingRule, SLAClock
from cases.priority import score_case, share_velocity, strongest_virality
from cases.selectors import ClockMarks, case_timelines, clock_marks, priority_weights
from cases.services.sla import CASE_SLA_FIELDS, CLOCK_COLUMNS, SLAConfig, sla_plan_case, sla_write_clocks
from cases.sla import CasePlan, TimelineEntry, timeline_entry, unanswered_minutes
from cases.tasks import escalate_cases_task, rescore_cases_task, route_cases_task
from cases.webhook_events import emit
from channels_app.choices import Direction
from channels_app.models import Channel, SocialPost, SocialProfile
from channels_app.pipeline.bulk import any_of, insert_objects, insert_rows
from channels_app.pipeline.classify import LISTENING_RULE_FIELDS, ChannelVocabulary, ListeningTerms
from channels_app.pipeline.identity import resolve_authors
from channels_app.pipeline.normalized import NormalizedPost
from channels_app.pipeline.thread import CaseState, Node, Threader
from channels_app.signals import posts_stored
from channels_app.understand import analyze_sentiment, classify_intent, detect_language
from channels_app.understand.closing import is_closing_remark
from socialcrm.db import bulk_update_columns

STORED_NODE_FIELDS = (
    "id",
    "external_id",
    "in_reply_to_external_id",
    "direction",
    "posted_at",
    "case_id",
    "sentiment_polarity",
    "sentiment_label",
    "intent",
    "engagement_type",
    "language",
    "text",
    "author_id",
)


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    refreshed: int = 0  # duplicates whose like/share counts grew
    cases_opened: int = 0
    cases_merged: int = 0

    def add(self, other: IngestResult) -> None:
        for name in ("received", "stored", "duplicates", "refreshed", "cases_opened", "cases_merged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class PreparedPost:
    """A post with what could be known of it without the database."""

    post: NormalizedPost
    inbound: bool
    understood: bool = True
    language: str = ""
    polarity: float | None = None
    subjectivity: float | None = None
    label: str = SentimentLabel.NEUTRAL
    intent: str = Intent.OTHER
    closing: bool = False  # a closing remark ("thanks!"): see understand/closing.py


@dataclass
class PreparedBatch:
    received: int = 0
    duplicates: int = 0  # within the batch
    posts: list[PreparedPost] = field(default_factory=list)


def channel_listening_terms(channel: Channel) -> ListeningTerms:
    """The channel's active listening rules, merged (one query); what ingestion and the adapters widen
    the channel's own terms with."""
    if channel.pk is None:
        return ListeningTerms()
    rows = channel.listening_rules.filter(is_active=True).order_by("pk").values_list(*LISTENING_RULE_FIELDS)
    return ListeningTerms.merge(rows)


def channel_vocabulary(channel: Channel) -> ChannelVocabulary:
    """What classifies the channel's posts: its own terms widened by its active listening rules (one query)."""
    listening = channel_listening_terms(channel)
    return ChannelVocabulary.build(
        brand_handles=channel.brand_handles,
        brand_terms=[*channel.brand_terms, *listening.brand_terms],
        competitor_terms=[*channel.competitor_terms, *listening.competitor_terms],
        actionable_rules=channel.actionable_rules,
        product_terms=listening.product_terms,
        exclusions=listening.exclusions,
        languages=listening.languages,
    )


class Ingestor:
    """Ingests batches for one channel; reuse one instance across the batches of a source."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.vocabulary = channel_vocabulary(channel)
        self.reopen_window = dt.timedelta(days=self.vocabulary.rules["reopen_window_days"])
        self.sla = SLAConfig()
        # Routing runs in a worker after the batch commits, and only when there is something to route by.
        self.routes_cases = RoutingRule.objects.filter(is_active=True).exists()
        self.priority_weights = priority_weights()

    def ingest(self, posts: Sequence[NormalizedPost]) -> IngestResult:
        """Prepare and commit one batch."""
        return self.commit(self.prepare(posts))

    def prepare(self, posts: Sequence[NormalizedPost], *, skip_stored: bool = False) -> PreparedBatch:
        """The CPU-bound half: dedupe within the batch and understand each post
        (direction, language, sentiment, intent). No writes, so it can run while
        the previous batch commits. With skip_stored, posts already in the
        database (one read) are not understood again; commit() still dedupes."""
        prepared = PreparedBatch(received=len(posts))
        unique: dict[str, NormalizedPost] = {}
        for post in posts:
            if post.external_id in unique:
                prepared.duplicates += 1
            else:
                unique[post.external_id] = post
        known = set()
        if skip_stored and unique:
            known = set(
                SocialPost.objects.filter(
                    any_of(SocialPost, "external_id", list(unique)), channel=self.channel
                ).values_list("external_id", flat=True)
            )
        for key, post in unique.items():
            if key in known:
                prepared.posts.append(PreparedPost(post=post, inbound=False, understood=False))
                continue
            inbound = not self._is_outbound(post)
            item = PreparedPost(post=post, inbound=inbound, language=detect_language(post.text, post.language))
            if inbound:
                sentiment = analyze_sentiment(post.text)
                item.polarity, item.subjectivity, item.label = (
                    sentiment.polarity,
                    sentiment.subjectivity,
                    sentiment.label,
                )
                item.intent = classify_intent(post.text, sentiment.label)
                item.closing = is_closing_remark(post.text, item.intent)
            prepared.posts.append(item)
        return prepared

    def commit(self, prepared: PreparedBatch) -> IngestResult:
        """The database half, in one transaction: dedupe against stored posts,
        identity, threading, and the writes."""
        result = IngestResult(received=prepared.received, duplicates=prepared.duplicates)
        if not prepared.posts:
            return result
        by_id = {item.post.external_id: item for item in prepared.posts}
        with transaction.atomic():
            self._lock_channel()
            stored = {
                row[0]: row
                for row in SocialPost.objects.filter(
                    any_of(SocialPost, "external_id", list(by_id)), channel=self.channel
                ).values_list("external_id", "id", "like_count", "share_count", "case_id", "posted_at", "direction")
            }
            result.duplicates += len(stored)
            result.refreshed = self._refresh_counts([(by_id[key].post, row) for key, row in stored.items()])
            # An item prepare() skipped as stored but that is not stored now is understood here.
            new_items = [
                item if item.understood else self.prepare([item.post]).posts[0]
                for key, item in by_id.items()
                if key not in stored
            ]
            if new_items:
                self._store(new_items, result)
        return result

    # -- steps ----------------------------------------------------------------------
    def _lock_channel(self) -> None:
        """Serialize ingestion per channel across workers (PostgreSQL); SQLite has one writer anyway.

        The batch also commits without waiting for its WAL flush: a batch is
        idempotent and its source (the file, the RawEvent, the channel's
        cursor, all advanced in or after this transaction) is kept, so a
        batch lost to a database crash is simply ingested again.
        """
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, self.channel.pk])

    def _refresh_counts(self, pairs: list[tuple[NormalizedPost, tuple]]) -> int:
        """Store grown like/share counts of posts seen again; a post of a case whose shares now
        spread at the viral speed has its case re-scored (and escalated) after commit."""
        now = timezone.now()
        grown, viral_cases = [], set()
        for post, (_external_id, pk, likes, shares, case_id, posted_at, direction) in pairs:
            if post.like_count <= likes and post.share_count <= shares:
                continue
            shares = max(post.share_count, shares)
            grown.append(
                SocialPost(id=pk, like_count=max(post.like_count, likes), share_count=shares, counts_observed_at=now)
            )
            velocity = share_velocity(shares=shares, posted_at=posted_at, observed_at=now)
            if case_id and direction == Direction.INBOUND and velocity >= self.priority_weights.viral_velocity:
                viral_cases.add(case_id)
        if grown:
            SocialPost.objects.bulk_update(grown, ["like_count", "share_count", "counts_observed_at"])
        if viral_cases:
            self._rescore_after_commit(case_ids=sorted(viral_cases), reason="a post's shares grew past the viral speed")
        return len(grown)

    @staticmethod
    def _rescore_after_commit(*, case_ids=(), customer_ids=(), reason: str) -> None:
        case_ids, customer_ids = list(case_ids), list(customer_ids)
        transaction.on_commit(lambda: rescore_cases_task.delay(case_ids, customer_ids, reason))

    def _store(self, items: list[PreparedPost], result: IngestResult) -> None:
        vocabulary = self.vocabulary
        authors = resolve_authors(kind=self.channel.kind, posts=[item.post for item in items if item.inbound])
        profiles = authors.profiles
        if authors.rescore_customer_ids:
            # Their cases this batch touches are scored below; the others need it too.
            self._rescore_after_commit(
                customer_ids=sorted(authors.rescore_customer_ids), reason="the customer's reach or verification changed"
            )

        # Parents of the new posts, and stored replies to them (arrived earlier).
        new_ids = [item.post.external_id for item in items]
        parent_ids = {item.post.in_reply_to_id for item in items if item.post.in_reply_to_id} - set(new_ids)
        stored_nodes = self._load_stored(parent_ids=parent_ids, new_ids=new_ids)
        brand_post_ids = {node.external_id for node in stored_nodes if node.direction == Direction.OUTBOUND}
        brand_post_ids |= {item.post.external_id for item in items if not item.inbound}

        threader = Threader(channel=self.channel, reopen_window=self.reopen_window)
        for node in stored_nodes:
            threader.add(node)

        new_rows: list[tuple[Node, tuple]] = []
        for item in items:
            post = item.post
            profile = profiles.get(post.author_id) if item.inbound else None
            engagement, actionable = EngagementType.NONE, False
            if item.inbound:
                engagement = vocabulary.engagement_type(
                    text=post.text,
                    is_direct=post.is_direct,
                    in_reply_to_handle=post.in_reply_to_handle,
                    replies_to_brand_post=post.in_reply_to_id in brand_post_ids,
                    # The language understanding already detected (with the channel's hint), not a second guess.
                    language=item.language,
                )
                actionable = vocabulary.is_actionable(
                    engagement_type=engagement, sentiment_label=item.label, intent=item.intent
                )
            node = Node(
                external_id=post.external_id,
                in_reply_to=post.in_reply_to_id,
                direction=Direction.INBOUND if item.inbound else Direction.OUTBOUND,
                posted_at=post.posted_at,
                customer=profile.customer if profile else None,
                polarity=item.polarity,
                label=item.label,
                intent=item.intent,
                engagement_type=engagement,
                language=item.language,
                text=post.text,
                actionable=actionable,
                verified=bool(profile and profile.verified),
                is_new=True,
                closing=item.closing,
                automatic=not item.inbound and post.is_automatic,
            )
            threader.add(node)
            # Columns of POST_COLUMNS after channel_id and before case_id.
            new_rows.append(
                (
                    node,
                    (
                        post.external_id,
                        profile.pk if profile else None,
                        node.direction,
                        post.text,
                        post.url[:1000],
                        item.language,
                        post.posted_at,
                        post.in_reply_to_id[:255],
                        post.conversation_id[:255],
                        engagement,
                        item.intent,
                        item.polarity,
                        item.subjectivity,
                        item.label,
                        post.like_count,
                        post.share_count,
                        post.raw,
                    ),
                )
            )

        threader.run()
        self._write(threader, new_rows, result)

    def _is_outbound(self, post: NormalizedPost) -> bool:
        if post.is_outbound is not None:
            return post.is_outbound
        return self.vocabulary.is_brand(post.author_handle, post.author_id)

    def _load_stored(self, *, parent_ids: set[str], new_ids: list[str]) -> list[Node]:
        """Stored parents of the new posts, and stored replies to the new posts with
        their descendants when they have no case (those may join one now)."""
        rows = []
        if parent_ids:
            rows += SocialPost.objects.filter(
                any_of(SocialPost, "external_id", list(parent_ids)), channel=self.channel
            ).only(*STORED_NODE_FIELDS)
        frontier = list(new_ids)
        seen = set(parent_ids)
        while frontier:
            children = list(
                SocialPost.objects.filter(
                    any_of(SocialPost, "in_reply_to_external_id", frontier), channel=self.channel
                ).only(*STORED_NODE_FIELDS)
            )
            children = [child for child in children if child.external_id not in seen]
            seen.update(child.external_id for child in children)
            rows += children
            frontier = [child.external_id for child in children if child.case_id is None]
        if not rows:
            return []
        case_ids = {row.case_id for row in rows if row.case_id}
        cases = {case.pk: case for case in Case.objects.select_related("customer").filter(pk__in=case_ids)}
        # Stored inbound posts without a case need their customer: a brand reply can open one.
        author_ids = {row.author_id for row in rows if row.author_id}
        profiles = {
            profile.pk: profile
            for profile in SocialProfile.objects.select_related("customer").filter(pk__in=author_ids)
        }
        nodes = []
        for row in rows:
            profile = profiles.get(row.author_id)
            nodes.append(
                Node(
                    external_id=row.external_id,
                    in_reply_to=row.in_reply_to_external_id,
                    direction=row.direction,
                    posted_at=row.posted_at,
                    customer=profile.customer if profile else None,
                    polarity=row.sentiment_polarity,
                    label=row.sentiment_label,
                    intent=row.intent,
                    engagement_type=row.engagement_type,
                    language=row.language,
                    text=row.text,
                    actionable=False,
                    verified=bool(profile and profile.verified),
                    is_new=False,
                    closing=row.direction == Direction.INBOUND and is_closing_remark(row.text, row.intent),
                    case=cases.get(row.case_id),
                    post_id=row.pk,
                )
            )
        return nodes

    def _write(self, threader: Threader, new_rows: list[tuple[Node, tuple]], result: IngestResult) -> None:
        now = timezone.now()
        nodes = list(threader.nodes.values())
        touched = [state for state in threader.states.values() if state.changed]
        verified_cases = {id(node.case) for node in nodes if node.case is not None and node.verified}
        virality = self._virality(new_rows, now)
        pending = threader.events
        timelines = self._timelines(threader, touched)
        stored_clocks = clock_marks(case_ids=[state.case.pk for state in touched if not state.is_new])
        extra_events: list[CaseEvent] = []
        plans: list[tuple[Case, CasePlan]] = []
        for state in touched:
            events, plan = self._hand_on(
                state,
                verified=id(state.case) in verified_cases,
                virality=virality.get(id(state.case), (0, 0, 0.0)),
                now=now,
                timeline=timelines.get(id(state.case), []),
                marks=stored_clocks.get(state.case.pk, {}),
            )
            extra_events += events
            plans.append((state.case, plan))

        new_cases = [state.case for state in touched if state.is_new]
        insert_objects(Case, new_cases)
        result.cases_opened += len(new_cases)
        emit("cases_created", [case.pk for case in new_cases])
        if self.routes_cases and new_cases:
            new_case_ids = [case.pk for case in new_cases]
            transaction.on_commit(lambda: route_cases_task.delay(new_case_ids))
        # Escalation rules read what this batch changed (sentiment, intent, virality),
        # on new and existing cases alike: one task per batch, for the cases whose
        # facts fire a rule here already (rare), so most batches enqueue nothing.
        # Complaint surges are counted by a beat task (cases.escalate_complaint_surges).
        escalating = [state.case.pk for state in touched if fired_rules(escalation_facts(state.case))]
        if escalating:
            transaction.on_commit(lambda: escalate_cases_task.delay(escalating))

        channel_id = self.channel.pk
        post_ids = insert_rows(
            SocialPost,
            POST_COLUMNS,
            [(channel_id, *values, node.case.pk if node.case else None, now) for node, values in new_rows],
        )
        for (node, _values), pk in zip(new_rows, post_ids, strict=True):
            node.post_id = pk
        result.stored += len(new_rows)
        emit("posts_received", [node.post_id for node, _values in new_rows if node.direction == Direction.INBOUND])
        # Candidates for listeners such as leads: values already in memory, no query; they decide.
        announced = (Intent.SALES_LEAD, Intent.COMPLAINT, Intent.CHURN_THREAT)
        candidates = [
            node.post_id
            for node, _values in new_rows
            if node.direction == Direction.INBOUND
            and (node.intent in announced or node.engagement_type == EngagementType.PROGRESSIVE)
        ]
        if candidates:
            transaction.on_commit(
                lambda: posts_stored.send(sender=Ingestor, channel_id=channel_id, post_ids=candidates)
            )

        moved = [SocialPost(id=node.post_id, case_id=node.case.pk) for node in nodes if node.moved]
        if moved:
            SocialPost.objects.bulk_update(moved, ["case"])

        for source, target in threader.merges:
            SocialPost.objects.filter(case=source).update(case=target)
            CaseEvent.objects.filter(case=source).update(case=target)
            source.outbound_messages.update(case=target)
            # The source's timeline now plans the target's clocks; its own go.
            SLAClock.objects.filter(case=source).delete()
            Case.objects.filter(pk=source.pk).update(
                status=CaseStatus.CLOSED,
                merged_into=target,
                resolved_at=source.resolved_at or now,
                closed_at=now,
                sla_next_due_at=None,
                sla_next_alert_at=None,
                updated_at=now,
            )
            extra_events.append(
                CaseEvent(case=target, kind=CaseEventKind.MERGE, occurred_at=now, payload={"merged_case": source.pk})
            )
        result.cases_merged += len(threader.merges)

        existing = [state.case for state in touched if not state.is_new]
        for case in existing:
            case.updated_at = now
        if existing:
            bulk_update_columns(Case, existing, CASE_FIELDS_WRITTEN)
        sla_write_clocks(
            plans,
            stored=stored_clocks,
            insert_new=lambda rows: insert_rows(SLAClock, CLOCK_COLUMNS, rows, returning=False),
        )

        # Post events need no dedupe key: a post is stored once, and its event
        # with it, in this transaction; keys (and their index) are for writers
        # that may run twice, such as the SLA scan.
        event_rows = [
            (
                event.case.pk,
                event.kind,
                event.node.post_id if event.node else None,
                event.payload,
                event.occurred_at,
                now,
            )
            for event in pending
        ]
        event_rows += [
            (event.case.pk, event.kind, None, event.payload, event.occurred_at, now) for event in extra_events
        ]
        insert_rows(CaseEvent, EVENT_COLUMNS, event_rows, returning=False)

    def _timelines(self, threader: Threader, touched: list[CaseState]) -> dict[int, list[TimelineEntry]]:
        """The clock facts of each touched case (by id() of the case object): its
        stored events (and those of cases merged into it) plus this batch's. One query."""
        targets = {source.pk: target for source, target in threader.merges}

        def final(case: Case) -> Case:
            while case.pk in targets:
                case = targets[case.pk]
            return case

        by_pk = {state.case.pk: state.case for state in touched if state.case.pk is not None}
        by_pk.update({source.pk: source for source, _target in threader.merges})
        timelines: dict[int, list[TimelineEntry]] = {}
        for pk, entries in case_timelines(case_ids=list(by_pk)).items():
            timelines.setdefault(id(final(by_pk[pk])), []).extend(entries)
        for event in threader.events:
            entry = timeline_entry(event.kind, event.occurred_at, event.payload)
            if entry is not None:
                timelines.setdefault(id(event.case), []).append(entry)
        for state in touched:
            for _old, new, _why, at in state.status_changes:
                entry = timeline_entry(CaseEventKind.STATUS_CHANGE, at, {"to": new})
                timelines.setdefault(id(state.case), []).append(entry)
        return timelines

    @staticmethod
    def _virality(new_rows: list[tuple[Node, tuple]], now: dt.datetime) -> dict[int, tuple[int, int, float]]:
        """(shares, likes, shares per hour) of each case's most shared new inbound post, by id() of the case."""
        virality: dict[int, tuple[int, int, float]] = {}
        for node, values in new_rows:
            if node.case is None or node.direction != Direction.INBOUND:
                continue
            shares, likes = values[_SHARES], values[_LIKES]
            if not (shares or likes):
                continue  # most posts: nothing to weigh, and this runs per post
            velocity = share_velocity(shares=shares, posted_at=node.posted_at, observed_at=now) if shares else 0.0
            old = virality.get(id(node.case), (0, 0, 0.0))
            virality[id(node.case)] = strongest_virality(old, shares, likes, velocity)
        return virality

    def _hand_on(
        self,
        state: CaseState,
        *,
        verified: bool,
        virality: tuple[int, int, float],
        now: dt.datetime,
        timeline: list[TimelineEntry],
        marks: dict[tuple[str, int], ClockMarks],
    ) -> tuple[list[CaseEvent], CasePlan]:
        """Priority and SLA clocks of a touched case; events for what changed on a stored case."""
        case = state.case
        events = []
        old_priority, old_policy = case.priority, case.sla_policy_id
        score_case(
            case,
            verified=verified,
            virality=virality,
            waiting=unanswered_minutes(timeline),
            weights=self.priority_weights,
        )
        plan = sla_plan_case(
            case, config=self.sla, channel_kind=self.channel.kind, timeline=timeline, marks=marks, now=now
        )
        policy_id = case.sla_policy_id
        if state.is_new:
            return events, plan
        for old_status, new_status, why, at in state.status_changes:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEventKind.STATUS_CHANGE,
                    occurred_at=at,
                    payload={"from": old_status, "to": new_status, "reason": why},
                )
            )
        if case.priority != old_priority:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEventKind.PRIORITY_CHANGE,
                    occurred_at=now,
                    payload={"from": old_priority, "to": case.priority, "score": case.priority_score},
                )
            )
        if policy_id != old_policy:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEventKind.SLA_RECOMPUTED,
                    occurred_at=now,
                    payload={
                        "reason": "priority or facts changed with a new message",
                        "policy": policy_id,
                        "previous_policy": old_policy,
                    },
                )
            )
        return events, plan


POST_COLUMNS = (
    "channel_id",
    "external_id",
    "author_id",
    "direction",
    "text",
    "url",
    "language",
    "posted_at",
    "in_reply_to_external_id",
    "conversation_id",
    "engagement_type",
    "intent",
    "sentiment_polarity",
    "sentiment_subjectivity",
    "sentiment_label",
    "like_count",
    "share_count",
    "raw",
    "case_id",
    "ingested_at",
)
# Where a new post's counts are in the values _store() builds (POST_COLUMNS less channel_id).
_LIKES = POST_COLUMNS.index("like_count") - 1
_SHARES = POST_COLUMNS.index("share_count") - 1
EVENT_COLUMNS = ("case_id", "kind", "post_id", "payload", "occurred_at", "created_at")
CASE_FIELDS_WRITTEN = [
    "status",
    "resolved_at",
    "intent",
    "first_message_at",
    "last_customer_message_at",
    "first_responded_at",
    "last_responded_at",
    "sentiment_start",
    "sentiment_latest",
    "sentiment_label",
    "priority",
    "priority_score",
    "priority_factors",
    *CASE_SLA_FIELDS,
    "updated_at",
]


def ingest_posts(*, channel: Channel, posts: Sequence[NormalizedPost]) -> IngestResult:
    """Ingest one batch for a channel (see the module docstring)."""
    return Ingestor(channel).ingest(posts)
