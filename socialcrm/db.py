"""Database helpers shared by the apps: enums and ranges as CHECK constraints."""

from django.db import models


def choices_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK that `field` holds one of the enum's values."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def range_check(field: str, low, high, name: str, *, nullable: bool = False) -> models.CheckConstraint:
    """A CHECK that low <= field <= high (or NULL when nullable)."""
    condition = models.Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)
