"""Reads of listening: the stream of matching posts and the rules report.

Owns stream_page() (one keyset page of the stream, or the posts newer than
the ones shown), stream_rules() and rules_report().

The stream: inbound posts on the channels of the active rules whose
engagement type is reactive, proactive or progressive (ingestion
classified them with the rules' terms), newest first by (-posted_at, -id),
served by the index (channel, -posted_at). Posts an agent marked not
relevant are hidden unless asked for. Matched terms are computed for the
shown page only (listening.matching). A page costs a constant number of
queries whatever the number of posts.

The report: per rule, and per term of the rule, over a period of posted_at
on the rule's channels: posts matched, posts marked not relevant for the
rule, posts with a case, and precision = 1 - not relevant / reviewed, where
reviewed = not relevant + with a case (opening or working a case is the
other verdict). Method: one aggregate query per rule with one set of
conditional counts per term, the term matched in SQL by a whole-word
case-insensitive regex (listening.matching.term_sql_regex); the period's
posts are scanned once per rule, so the cost grows with the posts of the
period and the number of terms, never with the whole table, and nothing
is stored at ingestion.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cases.choices import EngagementType
from channels_app.choices import Direction
from channels_app.models import SocialPost
from listening.matching import RuleTerms, term_sql_regex
from listening.models import ListeningFeedback, ListeningRule, Verdict

PAGE_SIZE = 50
NEWER_CAP = 100  # a poll prepends at most this many posts; the rest are a reload away
LISTENED = (EngagementType.REACTIVE, EngagementType.PROACTIVE, EngagementType.PROGRESSIVE)


class BadCursor(ValueError):
    """A page cursor this module did not make."""


@dataclass(frozen=True)
class StreamFilters:
    rule_id: int | None = None
    engagement_type: str = ""
    sentiment: str = ""
    without_case: bool = False
    show_dismissed: bool = False


@dataclass
class StreamRow:
    post: SocialPost
    matched_terms: list[str]
    rule: ListeningRule | None  # the rule whose terms matched (the filtered one when filtering)
    dismissed: bool


@dataclass
class StreamPage:
    rows: list[StreamRow]
    next_cursor: str | None
    newest_id: int  # the poll asks for posts above this id
    rules: list[ListeningRule] = field(default_factory=list)


def stream_rules() -> list[ListeningRule]:
    """The active rules with their channel ids: two queries."""
    return list(ListeningRule.objects.filter(is_active=True).prefetch_related("channels").order_by("brand", "pk"))


def encode_cursor(post: SocialPost) -> str:
    payload = json.dumps([post.posted_at.isoformat(), post.pk]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        posted_at, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return dt.datetime.fromisoformat(posted_at), int(pk)
    except (binascii.Error, ValueError, TypeError) as error:
        raise BadCursor("This page link is not valid; start again from the first page.") from error


def _stream(rules: list[ListeningRule], filters: StreamFilters) -> QuerySet[SocialPost]:
    if filters.rule_id:
        rules = [rule for rule in rules if rule.pk == filters.rule_id]
    channel_ids = sorted({channel.pk for rule in rules for channel in rule.channels.all()})
    posts = SocialPost.objects.filter(
        channel_id__in=channel_ids,
        direction=Direction.INBOUND,
        engagement_type__in=LISTENED,
        deleted_at__isnull=True,
    )
    if filters.engagement_type in LISTENED:
        posts = posts.filter(engagement_type=filters.engagement_type)
    if filters.sentiment:
        posts = posts.filter(sentiment_label=filters.sentiment)
    if filters.without_case:
        posts = posts.filter(case__isnull=True)
    dismissed = ListeningFeedback.objects.filter(post=OuterRef("pk"), verdict=Verdict.NOT_RELEVANT)
    if filters.rule_id:
        dismissed = dismissed.filter(rule_id=filters.rule_id)
    posts = posts.annotate(dismissed=Exists(dismissed))
    if not filters.show_dismissed:
        posts = posts.filter(dismissed=False)
    return posts


def stream_page(
    *,
    filters: StreamFilters,
    after: str | None = None,
    newer_than: int | None = None,
    size: int = PAGE_SIZE,
    rules: list[ListeningRule] | None = None,
) -> StreamPage:
    """One page of the stream after `after` (a cursor), or with `newer_than` (a post id) the
    posts stored since that id, newest first (at most NEWER_CAP). Raises BadCursor."""
    rules = stream_rules() if rules is None else rules
    posts = _stream(rules, filters)
    if newer_than is not None:
        newest = posts.filter(pk__gt=newer_than).order_by("-pk").values_list("pk", flat=True).first()
        page = list(_with_row_data(posts.filter(pk__gt=newer_than)).order_by("-posted_at", "-pk")[:NEWER_CAP])
        return StreamPage(rows=_rows(page, rules, filters), next_cursor=None, newest_id=newest or newer_than)
    newest = posts.order_by("-pk").values_list("pk", flat=True).first() or 0
    if after:
        posted_at, pk = _decode_cursor(after)
        posts = posts.filter(Q(posted_at__lt=posted_at) | Q(posted_at=posted_at, pk__lt=pk))
    page = list(_with_row_data(posts).order_by("-posted_at", "-pk")[: size + 1])
    more = len(page) > size
    page = page[:size]
    return StreamPage(
        rows=_rows(page, rules, filters),
        next_cursor=encode_cursor(page[-1]) if more else None,
        newest_id=newest,
        rules=rules,
    )


def _with_row_data(posts: QuerySet[SocialPost]) -> QuerySet[SocialPost]:
    return posts.select_related("channel", "author").only(
        "id",
        "channel__id",
        "channel__name",
        "channel__kind",
        "author__id",
        "author__handle",
        "text",
        "url",
        "posted_at",
        "engagement_type",
        "intent",
        "sentiment_label",
        "sentiment_polarity",
        "language",
        "case_id",
    )


def _rows(posts: list[SocialPost], rules: list[ListeningRule], filters: StreamFilters) -> list[StreamRow]:
    """Each post with the terms it names, of the first rule (by brand) on its channel that it names."""
    compiled = [
        (rule, RuleTerms.of_rule(rule), {channel.pk for channel in rule.channels.all()})
        for rule in rules
        if not filters.rule_id or rule.pk == filters.rule_id
    ]
    rows = []
    for post in posts:
        chosen, matched = None, []
        for rule, terms, channel_ids in compiled:
            if post.channel_id not in channel_ids:
                continue
            found = terms.matched_terms(post.text)
            if chosen is None or (found and not matched):
                chosen, matched = rule, found
            if matched:
                break
        rows.append(StreamRow(post=post, matched_terms=matched, rule=chosen, dismissed=post.dismissed))
    return rows


# -- the rules report ------------------------------------------------------------------------


@dataclass
class TermFigures:
    term: str
    kind: str  # brand, product, competitor; "" for the rule's total
    matched: int = 0
    not_relevant: int = 0
    with_case: int = 0

    @property
    def reviewed(self) -> int:
        return self.not_relevant + self.with_case

    @property
    def precision(self) -> float | None:
        """1 - not relevant / reviewed; None before anything was reviewed."""
        return None if not self.reviewed else 1 - self.not_relevant / self.reviewed


@dataclass
class RuleReport:
    rule: ListeningRule
    total: TermFigures
    terms: list[TermFigures]


def rules_report(*, start: dt.datetime, end: dt.datetime) -> list[RuleReport]:
    """The figures of every rule over [start, end) of posted_at (see the module docstring).
    Two queries for the rules, then one per rule with terms."""
    reports = []
    for rule in ListeningRule.objects.prefetch_related("channels").order_by("brand", "pk"):
        terms = [
            (kind, term)
            for kind, values in (
                ("brand", rule.brand_terms),
                ("product", rule.product_terms),
                ("competitor", rule.competitor_terms),
            )
            for term in dict.fromkeys(values)
        ]
        total = TermFigures(term="all terms", kind="")
        figures = [TermFigures(term=term, kind=kind) for kind, term in terms]
        channel_ids = [channel.pk for channel in rule.channels.all()]
        if terms and channel_ids:
            _count_rule(rule, channel_ids, start, end, total, figures)
        reports.append(RuleReport(rule=rule, total=total, terms=figures))
    return reports


def _count_rule(rule, channel_ids, start, end, total: TermFigures, figures: list[TermFigures]) -> None:
    posts = SocialPost.objects.filter(
        channel_id__in=channel_ids,
        direction=Direction.INBOUND,
        engagement_type__in=LISTENED,
        posted_at__gte=start,
        posted_at__lt=end,
    ).annotate(
        dismissed=Exists(ListeningFeedback.objects.filter(post=OuterRef("pk"), rule=rule, verdict=Verdict.NOT_RELEVANT))
    )
    dismissed, with_case = Q(dismissed=True), Q(case__isnull=False)
    any_term = Q()
    counts = {}
    for index, figure in enumerate(figures):
        named = Q(text__iregex=term_sql_regex(figure.term))
        any_term |= named
        counts[f"m{index}"] = Count("pk", filter=named)
        counts[f"n{index}"] = Count("pk", filter=named & dismissed)
        counts[f"c{index}"] = Count("pk", filter=named & with_case)
    counts["m"] = Count("pk", filter=any_term)
    counts["n"] = Count("pk", filter=any_term & dismissed)
    counts["c"] = Count("pk", filter=any_term & with_case)
    values = posts.aggregate(**counts)
    for index, figure in enumerate(figures):
        figure.matched, figure.not_relevant, figure.with_case = (
            values[f"m{index}"],
            values[f"n{index}"],
            values[f"c{index}"],
        )
    total.matched, total.not_relevant, total.with_case = values["m"], values["n"], values["c"]
