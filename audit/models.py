"""The audit trail: AuditEntry, one append-only row per sensitive action.

Owns the vocabulary of audited actions (AuditAction) and the rule that an
entry, once written, never changes: the model refuses save() of an existing
row and delete(), its default manager's QuerySet refuses update(), delete()
and bulk_update(), and on PostgreSQL a trigger (migration 0002) refuses
UPDATE and DELETE from any SQL the application runs. Entries are written
by audit.services only; nothing here decides what is audited.

The one change allowed is the database's own: deleting a user sets
`actor` to NULL on their entries (actor_label keeps the name), so the
trigger lets exactly that UPDATE through.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from socialcrm.db import choices_check


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", "Signed in"
    LOGIN_FAILED = "auth.login_failed", "Sign-in failed"
    LOGOUT = "auth.logout", "Signed out"
    ROLE_CHANGED = "auth.role_changed", "Roles (groups) changed"
    PERMISSION_CHANGED = "auth.permission_changed", "Permissions changed"
    STAFF_CHANGED = "auth.staff_changed", "Staff, superuser or active flag changed"
    CASE_ASSIGNED = "case.assigned", "Case assigned"
    CASE_REPLY_SENT = "case.reply_sent", "Reply queued or sent"
    CASE_STATUS_CHANGED = "case.status_changed", "Case status changed"
    CASE_MERGED = "case.merged", "Cases merged"
    CUSTOMER_MERGED = "customer.merged", "Customers merged"
    COMPENSATION_REQUESTED = "compensation.requested", "Compensation requested"
    COMPENSATION_APPROVED = "compensation.approved", "Compensation approved"
    COMPENSATION_REJECTED = "compensation.rejected", "Compensation rejected"
    COMPENSATION_GRANTED = "compensation.granted", "Compensation granted"
    COMPENSATION_FLAGGED = "compensation.flagged", "Compensation flagged"
    COMPENSATION_REPORT_EXPORTED = "compensation.report_exported", "Compensation report exported"
    EXPORT_CSV = "export.csv", "CSV exported"
    PRIVACY_EXPORTED = "privacy.exported", "Customer data exported"
    PRIVACY_ERASED = "privacy.erased", "Customer data erased"


class AuditImmutable(Exception):
    """An attempt to change or delete an audit entry through the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("Audit entries cannot be updated.")

    def delete(self):
        raise AuditImmutable("Audit entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable("Audit entries cannot be updated.")

    # Same as update(); Django's update_or_create() would otherwise reach save().
    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditImmutable("Audit entries cannot be updated.")


class AuditEntry(models.Model):
    """Who did what, to what, when and from where. Labels are copies taken at the time, so an
    entry still reads right after its actor or target is renamed, erased or deleted."""

    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the (actor, -occurred_at) index below starts with it
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="The actor's username at the time.")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(max_length=100, blank=True, help_text="app_label.model of the target.")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["-occurred_at"], name="audit_occurred_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_occurred_idx"),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_occurred_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]
        constraints = [choices_check("action", AuditAction, "audit_action_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Audit entries cannot be deleted.")
