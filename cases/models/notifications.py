"""Notifications: what the system tells a user about a case (SLA alerts, escalations).

Written by services (the SLA scan's escalation, later routing rules); the
console lists a user's unread ones. A notification is about one case and
is read once.
"""

from django.conf import settings
from django.db import models

from cases.choices import NotificationKind
from socialcrm.db import choices_check


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    link = models.CharField(
        max_length=300, blank=True, help_text="Where the notification points when it is not about one case (a path)."
    )
    dedupe_key = models.CharField(max_length=100, help_text="One notification per recipient and key.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]
        constraints = [
            choices_check("kind", NotificationKind, "notification_kind_valid"),
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_dedupe_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.message}"
