"""Audit entries are append-only: not through the model, its querysets, the admin (even for a
superuser) nor, on PostgreSQL, raw SQL; only deleting a user clears their link (the name stays)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry, AuditImmutable
from audit.services import audit_record
from tests.factories import CaseFactory, UserFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def entry():
    rosa = UserFactory(username="rosa")
    return audit_record(
        action=AuditAction.CASE_STATUS_CHANGED,
        actor=rosa,
        target=CaseFactory(subject="Refund for the cancelled Lisbon flight"),
        detail={"from": "open", "to": "resolved"},
        ip="198.51.100.23",
    )


def test_saving_an_existing_entry_again_is_refused(entry):
    entry.detail = {"from": "open", "to": "closed"}

    with pytest.raises(AuditImmutable):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).detail == {"from": "open", "to": "resolved"}


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AuditImmutable):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_updating_or_deleting_through_a_queryset_is_refused(entry):
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="someone else")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.bulk_update([entry], ["actor_label"])

    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "rosa"


def test_the_admin_lets_admins_read_entries_and_nobody_add_change_or_delete_them(client, entry):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])

    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(change).status_code == 200  # read-only page
    assert client.post(change, {"actor_label": "someone else", "action": "auth.login"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    bulk_delete = client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk_delete.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "rosa"


def test_only_holders_of_the_view_permission_see_the_audit_list(client, entry):
    lists = reverse("admin:audit_auditentry_changelist")
    client.force_login(user_in_group("Admins", username="ines", is_staff=True))
    admin_page = client.get(lists, {"action__exact": AuditAction.CASE_STATUS_CHANGED, "q": "rosa"})
    client.force_login(user_in_group("Managers", username="mia", is_staff=True))

    assert admin_page.status_code == 200 and b"198.51.100.23" in admin_page.content
    assert client.get(lists).status_code == 403


@on_postgresql
def test_raw_sql_cannot_update_or_delete_an_entry_on_postgresql(entry):
    for sql in (
        "UPDATE audit_auditentry SET actor_label = 'someone else' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "rosa"


@on_postgresql
def test_raw_sql_cannot_clear_the_actor_and_change_anything_else_at_once(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_id = NULL, ip = '10.0.0.1' WHERE id = %s", [entry.pk])


def test_deleting_a_user_keeps_their_entries_with_the_name_they_had(entry):
    entry.actor.delete()

    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_label, kept.ip) == (None, "rosa", "198.51.100.23")
    assert kept.occurred_at <= timezone.now()
