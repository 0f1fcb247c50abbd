"""Admin building blocks shared by the apps' admin modules.

Owns what makes a Django admin safe on tables of millions of rows:
EstimatedCountPaginator (no COUNT(*) over a whole large table on
PostgreSQL), LargeTableAdminMixin (that paginator, no full result count, no
facet counts), ReadonlyOnChangeMixin (facts recorded once, shown but never
edited), and the small renderers (links by id without a join, JSON and text
previews). Owns the admin site's branding too, because every app's admin
module imports this one and autodiscover imports them all.

Owns no model and no business rule: admin actions that change domain state
call services, as everywhere else.
"""

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

admin.site.site_header = "socialcrm administration"
admin.site.site_title = "socialcrm administration"
admin.site.index_title = "Data and configuration"


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count is the planner's estimate for a whole large table.

    An exact COUNT(*) on PostgreSQL reads every visible row: seconds on a
    table of millions, on every changelist page. When the queryset is the
    whole table (no WHERE, no DISTINCT, no slicing, no grouping) the number
    of rows is what pg_class.reltuples says, as of the last VACUUM or
    ANALYZE; autovacuum keeps it within a few per cent. Only above
    `estimate_threshold` is the estimate used: below it an exact count is
    cheap, and a small table's estimate may be stale by a large ratio (or
    -1, never analysed).

    Everything else counts exactly: a filtered or searched queryset (the
    estimate says nothing about a WHERE), SQLite, a list. Consequence of an
    estimate: the last page may be short or empty, or a few rows beyond it
    unreachable by page number (reverse the ordering to reach them).
    """

    estimate_threshold = 100_000

    @cached_property
    def count(self) -> int:
        estimate = self.estimated_count()
        if estimate is not None and estimate >= self.estimate_threshold:
            return estimate
        return super().count

    def estimated_count(self) -> int | None:
        """The planner's row estimate of the whole table, or None when it does not apply."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or not _is_whole_table(queryset):
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # reltuples is -1 for a table never vacuumed or analysed (PostgreSQL 14+).
        if row is None or row[0] is None or row[0] < 0:
            return None
        return int(row[0])


def _is_whole_table(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (
        query.has_filters()
        or query.is_sliced
        or query.distinct
        or query.combinator
        or query.group_by is not None
        # Multi-table inheritance: the parent's rows are not the child's.
        or queryset.model._meta.parents
    )


class LargeTableAdminMixin:
    """For a ModelAdmin over a table that grows without bound (posts, events, cases).

    Each setting removes a query that reads the whole table on every page:
    the paginator's COUNT(*), the second "N total" COUNT(*) of a filtered
    list, and the facet counts (one COUNT per filter choice).
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER


class ReadonlyOnChangeMixin:
    """Fields that record what happened: editable when adding a row, read-only after.

    Set `readonly_on_change` to the names. Changing them later would make
    the row lie about its origin (a post's channel, a delivery's body).
    """

    readonly_on_change: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        return fields + tuple(name for name in self.readonly_on_change if name not in fields)


def titled(filter_class: type[admin.FieldListFilter], title: str) -> type[admin.FieldListFilter]:
    """`filter_class` with a title of our own, for a filter across a relation ("origin channel kind", not "kind")."""

    class TitledFilter(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    TitledFilter.__name__ = f"Titled{filter_class.__name__}"
    return TitledFilter


def admin_change_link(model, pk, label: str | None = None) -> str:
    """A link to the admin change page of `model` row `pk`, built from the id alone.

    Changelists use it for foreign keys whose label needs nothing but the id
    (SC-<id>), so the list does not join the related table at all.
    """
    if pk is None:
        return "-"
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, label if label is not None else pk)


def admin_changelist_link(model, label: str, **filters) -> str:
    """A link to the admin changelist of `model` filtered by `filters` (query parameters)."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), label)


def truncated(text: str, length: int = 80) -> str:
    return Truncator(text or "").chars(length)


def pretty_json(value) -> str:
    """JSON indented in a <pre>, escaped; for read-only payloads and headers."""
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str))
