"""Incidents: one problem (an outage, a recall) that many cases are about.

Owns Incident, IncidentCase (a case's link to its incident) and
IncidentBulkReply (one answer sent to every open case of an incident).
Invariants kept by the database:
- a case belongs to at most one incident (IncidentCase.case is one-to-one);
- a resolved incident has resolved_at, and only a resolved one;
- a bulk reply is stored once per form token, so a double submit sends once;
  a finished one has its finish time.
The rules (who may link what, what a bulk reply answers) live in
incidents.services; reads in incidents.selectors.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from socialcrm.db import choices_check


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Monitoring (fix deployed)"
    RESOLVED = "resolved", "Resolved"


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"


class BulkReplyStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DONE = "done", "Done"


class Incident(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What is known: for agents, not for customers.")
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    severity = models.CharField(max_length=16, choices=IncidentSeverity.choices, default=IncidentSeverity.MAJOR)
    started_at = models.DateTimeField(default=timezone.now, help_text="When the problem began, as far as known.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    public_message = models.TextField(
        blank=True, help_text="The text suggested for the bulk reply: what customers may be told."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("send_bulk_reply", "Can answer every open case of an incident at once")]
        constraints = [
            choices_check("status", IncidentStatus, "incident_status_valid"),
            choices_check("severity", IncidentSeverity, "incident_severity_valid"),
            models.CheckConstraint(
                condition=models.Q(status=IncidentStatus.RESOLVED, resolved_at__isnull=False)
                | (~models.Q(status=IncidentStatus.RESOLVED) & models.Q(resolved_at__isnull=True)),
                name="incident_resolved_has_resolved_at",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | models.Q(resolved_at__gte=models.F("started_at")),
                name="incident_resolved_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_resolved(self) -> bool:
        return self.status == IncidentStatus.RESOLVED


class IncidentCase(models.Model):
    """A case linked to an incident; a case has at most one."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="incident_link")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-linked_at", "-id"]

    def __str__(self) -> str:
        return f"SC-{self.case_id} in {self.incident}"


class IncidentBulkReply(models.Model):
    """One text sent to every open case of an incident, each through its channel's outbox.

    Created queued by the form (its `token` makes a second submit of the same
    form find this row instead of sending again); incidents.tasks sends it
    and records how many replies were queued and which cases failed.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="bulk_replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    token = models.UUIDField(unique=True, help_text="The form's one-time key: a double submit finds this row.")
    status = models.CharField(max_length=16, choices=BulkReplyStatus.choices, default=BulkReplyStatus.QUEUED)
    sent_count = models.PositiveIntegerField(default=0, help_text="Replies queued in the outbox, one per case.")
    failures = models.JSONField(
        default=list, blank=True, help_text='Cases not answered: [{"case_id", "reference", "error"}].'
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "incident bulk replies"
        indexes = [models.Index(fields=["status", "created_at"], name="bulk_reply_status_idx")]
        constraints = [
            choices_check("status", BulkReplyStatus, "bulk_reply_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=BulkReplyStatus.DONE) | models.Q(finished_at__isnull=False),
                name="bulk_reply_done_has_finished_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Bulk reply to {self.incident} ({self.sent_count} sent)"
