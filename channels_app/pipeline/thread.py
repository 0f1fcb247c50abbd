"""Threading: which case each post belongs to, decided in memory for a batch.

Owns Threader. Rules (docs/PIPELINE.md):
- a post replying to a post of a joinable case joins that case (open, or
  resolved within the channel's reopen window; an inbound message that is
  not a closing remark such as "thanks!" reopens a resolved case);
- a brand reply to a post with no case opens a case for that post (the
  brand chose to engage), the reply being its first response;
- an actionable inbound post with no case to join opens one.

Order independence: posts are processed by (posted_at, external id). When a
post arrives after some of its replies (across pages, files or batches),
the replies already stored are settled again as if they had come after it:
a reply without a case joins the parent's case, a reply's own case is
merged into the parent's, and a stored brand reply opens a case for its
newly arrived parent. The outcome is the one in-order arrival gives.

Case clocks are kept as minima and maxima over the case's posts, so they
do not depend on arrival order either. No queries here: the ingest step
loads what the Threader needs and writes what it decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cases.choices import OPEN_STATUSES, CaseEventKind, CaseStatus, Intent
from cases.models import Case, Customer
from cases.services.cases import case_subject
from channels_app.choices import Direction
from channels_app.pipeline.bulk import InstanceBuilder

build_case = InstanceBuilder(Case)


@dataclass(eq=False)
class Node:
    """A post in the working set: new in this batch, or already stored."""

    external_id: str
    in_reply_to: str
    direction: str
    posted_at: dt.datetime
    customer: Customer | None
    polarity: float | None
    label: str
    intent: str
    engagement_type: str
    language: str
    text: str
    actionable: bool
    verified: bool
    is_new: bool
    closing: bool = False  # a customer's closing remark ("thanks!"): reopens nothing, starts no clock
    automatic: bool = False  # a bot's or an automatic acknowledgement: stops no clock
    case: Case | None = None
    processed: bool = False
    post_id: int | None = None  # known for stored posts; given to new ones when they are written
    moved: bool = False  # a stored post whose case changed

    @property
    def inbound(self) -> bool:
        return self.direction == Direction.INBOUND


@dataclass(slots=True)
class PendingEvent:
    """A timeline event decided here, written by the ingest step once ids exist."""

    case: Case
    kind: str
    node: Node | None
    occurred_at: dt.datetime
    payload: dict[str, Any]


@dataclass
class CaseState:
    """What the Threader changed about a case (new or existing)."""

    case: Case
    is_new: bool
    changed: bool = False
    # (from, to, why, when) of each status change a customer message caused.
    status_changes: list[tuple[str, str, str, dt.datetime]] = field(default_factory=list)


class Threader:
    def __init__(self, *, channel, reopen_window: dt.timedelta) -> None:
        self.channel = channel
        self.reopen_window = reopen_window
        self.nodes: dict[str, Node] = {}
        self.children: dict[str, list[Node]] = {}
        self.states: dict[int, CaseState] = {}  # by id(case)
        self.events: list[PendingEvent] = []
        self.merges: list[tuple[Case, Case]] = []  # (source, target)

    # -- building the working set -------------------------------------------------
    def add(self, node: Node) -> None:
        self.nodes[node.external_id] = node
        if node.in_reply_to:
            self.children.setdefault(node.in_reply_to, []).append(node)
        if not node.is_new:
            node.processed = True
            if node.case is not None:
                self._state(node.case, is_new=False)

    # -- deciding -----------------------------------------------------------------
    def run(self) -> None:
        new_nodes = sorted(
            (node for node in self.nodes.values() if node.is_new), key=lambda node: (node.posted_at, node.external_id)
        )
        for node in new_nodes:
            self._place(node)
            node.processed = True
            self._settle_children(node)

    def _place(self, node: Node) -> None:
        parent = self.nodes.get(node.in_reply_to) if node.in_reply_to else None
        if parent is not None and not parent.processed:
            parent = None  # it comes later in this batch and will settle this node then
        if parent is not None and parent.case is not None and self._joins(node, parent.case):
            self._attach(node, parent.case)
        elif node.inbound and node.actionable and node.customer is not None:
            self._attach(node, self._open_case(node))
            self._adopt_ancestors(node)
        elif self._brand_engages(node, parent):
            self._attach(parent, self._open_case(parent))
            self._attach(node, parent.case)

    @staticmethod
    def _same_customer(parent: Node, child: Node) -> bool:
        return (
            parent.inbound
            and child.inbound
            and parent.customer is not None
            and child.customer is not None
            and parent.customer.pk == child.customer.pk
        )

    def _adopt_ancestors(self, node: Node) -> None:
        """Earlier messages of the same customer up the reply chain, without a
        case, belong to the case their follow-up opened: it starts at the first."""
        parent = self.nodes.get(node.in_reply_to) if node.in_reply_to else None
        while (
            parent is not None
            and parent.processed
            and parent.case is None
            and self._same_customer(parent, node)
            and self._joinable(node.case, parent.posted_at)
        ):
            self._attach(parent, node.case)
            node, parent = parent, self.nodes.get(parent.in_reply_to) if parent.in_reply_to else None

    @staticmethod
    def _brand_engages(reply: Node, parent: Node | None) -> bool:
        """A brand reply to a customer's post that has no case: the brand chose to engage."""
        return (
            not reply.inbound
            and parent is not None
            and parent.inbound
            and parent.case is None
            and parent.customer is not None
        )

    def _settle_children(self, parent: Node) -> None:
        for child in sorted(
            self.children.get(parent.external_id, ()), key=lambda node: (node.posted_at, node.external_id)
        ):
            if child.processed:
                self._settle(parent, child)

    def _settle(self, parent: Node, child: Node) -> None:
        if parent.case is None:
            if self._same_customer(parent, child) and child.case is not None:
                # The customer's earlier message, arrived late: it starts their case.
                self._attach(parent, child.case)
                self._adopt_ancestors(parent)
                return
            if not self._brand_engages(child, parent):
                return
            self._attach(parent, self._open_case(parent))
        if not self._joins(child, parent.case):
            return
        if child.case is None:
            self._attach(child, parent.case)
            self._settle_children(child)
        elif child.case is not parent.case:
            self._merge(source=child.case, target=parent.case)

    # -- case operations ----------------------------------------------------------------
    def _state(self, case: Case, *, is_new: bool) -> CaseState:
        state = self.states.get(id(case))
        if state is None:
            state = self.states[id(case)] = CaseState(case=case, is_new=is_new)
        return state

    def _joins(self, node: Node, case: Case) -> bool:
        """A reply joins its parent's case when the case is joinable and the reply
        is the brand's or the case customer's: someone else chiming in on a
        thread ("same here!") is another customer's matter."""
        if not self._joinable(case, node.posted_at):
            return False
        return not node.inbound or (node.customer is not None and node.customer.pk == case.customer_id)

    def _joinable(self, case: Case, at: dt.datetime) -> bool:
        if case.status in OPEN_STATUSES:
            return True
        return (
            case.status == CaseStatus.RESOLVED
            and case.resolved_at is not None
            and at - case.resolved_at <= self.reopen_window
        )

    def _open_case(self, node: Node) -> Case:
        case = build_case(
            customer=node.customer,
            origin_channel=self.channel,
            subject=case_subject(node.text),
            status=CaseStatus.NEW,
            engagement_type=node.engagement_type,
            intent=node.intent,
            language=node.language,
        )
        self._state(case, is_new=True)
        return case

    def _attach(self, node: Node, case: Case) -> None:
        if node.case is case:
            return
        if not node.is_new:
            node.moved = True
        node.case = case
        state = self._state(case, is_new=case.pk is None)
        state.changed = True
        if node.inbound:
            if case.first_message_at is None or node.posted_at < case.first_message_at:
                case.first_message_at = node.posted_at
                case.sentiment_start = node.polarity
            if case.last_customer_message_at is None or node.posted_at >= case.last_customer_message_at:
                case.last_customer_message_at = node.posted_at
                case.sentiment_latest = node.polarity
                case.sentiment_label = node.label
            if node.intent == Intent.CHURN_THREAT or (
                case.intent in (Intent.OTHER, Intent.PRAISE) and node.intent != Intent.OTHER
            ):
                case.intent = node.intent
            # A closing remark ("thanks, all sorted") leaves a resolved case resolved
            # and a pending one pending: it is not the answer or request they wait for.
            if case.status == CaseStatus.RESOLVED and not node.closing and node.is_new:
                case.status = CaseStatus.OPEN
                case.resolved_at = None
                state.status_changes.append(
                    (CaseStatus.RESOLVED, CaseStatus.OPEN, "customer wrote again", node.posted_at)
                )
            elif case.status == CaseStatus.PENDING and not node.closing and node.is_new:
                case.status = CaseStatus.OPEN
                state.status_changes.append((CaseStatus.PENDING, CaseStatus.OPEN, "customer answered", node.posted_at))
            kind = CaseEventKind.INBOUND_POST
        else:
            # An automatic acknowledgement is on the timeline but is no response.
            human = not node.automatic
            responds = human and case.first_message_at is not None and node.posted_at >= case.first_message_at
            if responds and (case.first_responded_at is None or node.posted_at < case.first_responded_at):
                case.first_responded_at = node.posted_at
            if human and (case.last_responded_at is None or node.posted_at > case.last_responded_at):
                case.last_responded_at = node.posted_at
            if human and case.status == CaseStatus.NEW:
                case.status = CaseStatus.OPEN
            kind = CaseEventKind.OUTBOUND_REPLY
        payload = {"external_id": node.external_id}
        # Read back by cases.sla.timeline_entry(): what starts and stops clocks.
        if node.closing:
            payload["closing"] = True
        if node.automatic:
            payload["automatic"] = True
        self.events.append(PendingEvent(case, kind, node, node.posted_at, payload))

    def _merge(self, *, source: Case, target: Case) -> None:
        """Move everything of `source` into `target`.

        Posts and events of this batch are re-pointed here; stored ones are
        moved by the ingest step's write of self.merges.
        """
        for node in self.nodes.values():
            if node.case is source:
                node.case = target
                node.moved = not node.is_new
        for event in self.events:
            if event.case is source:
                event.case = target
        for name, pick in (
            ("first_message_at", min),
            ("last_customer_message_at", max),
            ("first_responded_at", min),
            ("last_responded_at", max),
        ):
            values = [value for value in (getattr(source, name), getattr(target, name)) if value is not None]
            if values:
                setattr(target, name, pick(values))
        if source.first_message_at is not None and target.first_message_at == source.first_message_at:
            target.sentiment_start = source.sentiment_start
        latest = source.last_customer_message_at
        if latest is not None and target.last_customer_message_at == latest:
            target.sentiment_latest = source.sentiment_latest
            target.sentiment_label = source.sentiment_label
        if source.intent == Intent.CHURN_THREAT:
            target.intent = Intent.CHURN_THREAT
        if target.status == CaseStatus.NEW and source.first_responded_at is not None:
            target.status = CaseStatus.OPEN
        self._state(target, is_new=target.pk is None).changed = True
        source_state = self._state(source, is_new=source.pk is None)
        source_state.changed = False
        if source.pk is not None:
            self.merges.append((source, target))
