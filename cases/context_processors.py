"""Template context for every page: the header's unread-notifications badge."""

from django.utils.functional import SimpleLazyObject

from cases.selectors.notifications import UNREAD_CAP, unread_count


def notifications(request) -> dict:
    """`unread_notifications`, counted lazily: only a page that renders it pays its one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user=user)),
        "unread_notifications_cap": UNREAD_CAP,
    }
