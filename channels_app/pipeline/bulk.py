"""Fast bulk inserts for the pipeline's hot tables.

Owns insert_rows(): on PostgreSQL, ids are taken from the table's sequence
in one query and the rows are sent with COPY, which costs a fraction of
an ORM bulk_create (no model instances, no per-value preparation); on
SQLite (the embedded mode) it falls back to bulk_create. Rows are tuples
in the order of the given column attnames; JSON columns take Python values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone


def any_of(model: type[models.Model], field_name: str, values: list) -> models.Q | RawSQL:
    """A filter `field IN values`: one array parameter on PostgreSQL, which
    plans in constant time however long the list, else a plain IN."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field_name).column)}"
        return RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=models.BooleanField())
    return models.Q(**{f"{field_name}__in": list(values)})


def _json_columns(model: type[models.Model], columns: Sequence[str]) -> set[int]:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return {index for index, name in enumerate(columns) if isinstance(fields[name], models.JSONField)}


def _defaults(model: type[models.Model], columns: Sequence[str]) -> tuple[tuple[str, ...], tuple]:
    """The columns a row leaves out, with the values the ORM would give them."""
    now = timezone.now()
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        names.append(field.attname)
        values.append(
            now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        )
    return tuple(names), tuple(values)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], *, returning: bool = True
) -> list[int]:
    """Insert rows and return their new primary keys, in order (an empty list
    with returning=False, which lets PostgreSQL number the rows itself).
    Columns left out get their model defaults (COPY would otherwise leave them NULL)."""
    if not rows:
        return []
    extra_columns, extra_values = _defaults(model, columns)
    if extra_columns:
        columns = (*columns, *extra_columns)
        rows = [(*row, *extra_values) for row in rows]
    json_columns = _json_columns(model, columns)
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects)
        return [obj.pk for obj in objects]

    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        ids: list[int] = []
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = ("id", *columns)
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
            json_columns = {index + 1 for index in json_columns}
        column_names = ", ".join(
            connection.ops.quote_name(pk_column if name == "id" else model._meta.get_field(name).column)
            for name in columns
        )
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({column_names}) FROM STDIN") as copy:
            # psycopg formats rows in C; JSON values go through _json_text.
            write_row = copy.write_row
            if not json_columns:
                for row in rows:
                    write_row(row)
            else:
                for row in rows:
                    values = list(row)
                    for index in json_columns:
                        values[index] = _json_text(values[index])
                    write_row(values)
    return ids


def _json_text(value) -> str:
    text = json.dumps(value)
    # jsonb cannot hold NUL: drop it from the strings (rarely there, so look first).
    return json.dumps(_without_nul(value)) if "\\u0000" in text else text


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def insert_objects(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert unsaved model instances the fast way and give each its primary key.

    Every concrete field is written from the instance; auto_now and
    auto_now_add fields get the current time, as save() would.
    """
    if not objects:
        return
    now = timezone.now()
    stamped = [
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    columns = tuple(field.attname for field in model._meta.concrete_fields if not field.primary_key)
    for obj in objects:
        for name in stamped:
            setattr(obj, name, now)
        # Foreign keys set as instances saved since: take their ids now.
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
    ids = insert_rows(model, columns, [tuple(getattr(obj, name) for name in columns) for obj in objects])
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False


class InstanceBuilder:
    """Builds unsaved instances of a model several times faster than Model(**kwargs).

    Django's positional constructor skips the per-field default lookups of
    the keyword one; this fills the positions from the model's defaults
    once, then from the given values. Related instances (by field name) are
    cached on the new object, as Model(customer=...) would.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        prototype = model()
        self.template = [getattr(prototype, field.attname) for field in fields]
        # Callable defaults (a new UUID, the time) are evaluated per instance.
        self.dynamic = [
            (index, field.get_default)
            for index, field in enumerate(fields)
            if field.has_default() and callable(field.default)
        ]
        self.index = {field.attname: index for index, field in enumerate(fields)}
        self.relations = {field.name: field for field in fields if field.is_relation}

    def __call__(self, **values) -> models.Model:
        args = self.template.copy()
        for index, default in self.dynamic:
            args[index] = default()
        related = []
        for name, value in values.items():
            field = self.relations.get(name)
            if field is None:
                args[self.index[name]] = value
            else:
                args[self.index[field.attname]] = value.pk if value is not None else None
                related.append((field, value))
        obj = self.model(*args)
        for field, value in related:
            field.set_cached_value(obj, value)
        return obj
