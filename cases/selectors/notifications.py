"""Reads of a user's notifications: the header's unread badge and the console's list."""

from django.contrib.auth.models import AbstractBaseUser

from cases.models import Notification

UNREAD_CAP = 100  # the badge counts up to this, then shows "100+"


def unread_count(*, user: AbstractBaseUser) -> int:
    """The user's unread notifications, counted up to UNREAD_CAP, in one query
    (a COUNT over a LIMITed subquery on the (recipient, read_at) index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()[:UNREAD_CAP].count()


def notifications_for(*, user: AbstractBaseUser, limit: int = 50) -> list[Notification]:
    """The user's newest notifications, read or not, with their case, in one query."""
    return list(
        Notification.objects.filter(recipient=user).select_related("case").order_by("-created_at", "-id")[:limit]
    )
