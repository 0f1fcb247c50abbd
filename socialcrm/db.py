"""Database helpers shared by the apps: enums and ranges as CHECK constraints, fast bulk updates."""

import json
from collections.abc import Sequence

from django.db import connection, models


def choices_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK that `field` holds one of the enum's values."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def range_check(field: str, low, high, name: str, *, nullable: bool = False) -> models.CheckConstraint:
    """A CHECK that low <= field <= high (or NULL when nullable)."""
    condition = models.Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def bulk_update_columns(model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of `objects` (saved rows) in one statement.

    On PostgreSQL one `UPDATE ... FROM unnest(arrays)`: Django's bulk_update
    builds a CASE WHEN per row and column, which costs milliseconds of
    Python per hundred rows; the arrays cost almost nothing. Elsewhere
    (SQLite) it is bulk_update. No signals, no auto_now: pass updated_at.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    arrays = ", ".join(_array_cast(field) for field in [pk, *columns])
    names = ", ".join(quote(field.column) for field in [pk, *columns])
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v({names}) WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    params = [_array_values(field, objects) for field in [pk, *columns]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _array_cast(field: models.Field) -> str:
    """The placeholder of one column's array in an unnest(): JSON travels as text."""
    if field.get_internal_type() == "JSONField":
        return "%s::text[]::jsonb[]"
    return f"%s::{field.db_type(connection)}[]"


def _array_values(field: models.Field, objects: Sequence[models.Model]) -> list:
    """One column's values for unnest(). Raw attribute values: psycopg adapts datetimes,
    numbers, text and None itself, and get_db_prep_save per value would cost more than
    the query; JSON is dumped to text."""
    if field.get_internal_type() == "JSONField":
        return [json.dumps(getattr(obj, field.attname)) for obj in objects]
    return [getattr(obj, field.attname) for obj in objects]


def insert_ignoring_conflicts(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert new rows, skipping any that a unique constraint already holds.

    On PostgreSQL one `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO
    NOTHING` (bulk_create's per-row SQL building costs about 0.1 ms of Python
    a row); elsewhere bulk_create(ignore_conflicts=True).
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, ignore_conflicts=True)
        return
    _insert_unnest(model, objects, "ON CONFLICT DO NOTHING")


def upsert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
) -> None:
    """Insert rows (tuples of raw values for `fields`, attnames), or update
    `update_fields` of the row holding the same `unique_fields`.

    One `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT (...) DO UPDATE`
    on PostgreSQL, with no model instances built; bulk_create(update_conflicts=True)
    elsewhere. Plain columns only (no JSON); fields not given take their database default.
    """
    if not rows:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in meta.concrete_fields}
    column = lambda name: quote(meta.get_field(name).column)  # noqa: E731
    typed = [by_attname[name] for name in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in typed)}) "
        f"SELECT * FROM unnest({', '.join(f'%s::{field.db_type(connection)}[]' for field in typed)}) "
        f"ON CONFLICT ({', '.join(column(name) for name in unique_fields)}) DO UPDATE SET "
        + ", ".join(f"{column(name)} = EXCLUDED.{column(name)}" for name in update_fields)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])


def _insert_unnest(model: type[models.Model], objects: Sequence[models.Model], conflict: str) -> None:
    """INSERT every concrete column but the primary key from typed arrays of raw
    values (JSON as text); auto_now(_add) fields are filled as save() would."""
    if not objects:
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            for obj in objects:
                if getattr(field, "auto_now", False) or getattr(obj, field.attname) is None:
                    field.pre_save(obj, add=True)
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(_array_cast(field) for field in fields)
    params = [_array_values(field, objects) for field in fields]
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM unnest({arrays}) {conflict}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
