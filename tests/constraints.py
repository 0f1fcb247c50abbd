"""Helpers for tests that pin database constraints, shared by the apps' model tests."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction


class ConstraintPins:
    """Records which Meta.constraints a test module exercises, so its last
    test can fail when a model declares a constraint no test pins."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __call__(self, *constraint_names: str):
        """Decorator: the decorated test pins these constraints."""
        self.names.update(constraint_names)
        return lambda test: test

    def assert_cover(self, app_label: str) -> None:
        declared = {
            constraint.name
            for model in apps.get_app_config(app_label).get_models()
            for constraint in model._meta.constraints
        }
        assert declared - self.names == set(), "constraints without a test"
        assert self.names - declared == set(), "tests pinning constraints that no model declares"


@contextmanager
def refused(constraint: str):
    """Expect the database to refuse the write inside the block because of `constraint`.

    The savepoint lets the test go on using the connection afterwards.
    PostgreSQL names the violated constraint in every error, SQLite only
    for CHECKs, so the name is asserted where the message carries it: a
    row refused for some other reason does not pass for the constraint
    under test.
    """
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    if connection.vendor == "postgresql" or "CHECK constraint failed" in message:
        assert constraint in message


def refetch(row):
    return type(row).objects.get(pk=row.pk)


def assert_unknown_enum_value_refused(make_row, column: str, constraint: str) -> None:
    row = make_row()
    with refused(constraint):
        type(row).objects.filter(pk=row.pk).update(**{column: "bogus"})


def assert_every_enum_value_accepted(make_row, column: str, enum) -> None:
    """A value added to the enum without a migration widening the CHECK fails here."""
    row = make_row()
    for value in enum.values:
        type(row).objects.filter(pk=row.pk).update(**{column: value})
        assert getattr(refetch(row), column) == value
