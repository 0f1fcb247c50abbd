"""The console's notifications: the list, the header's unread badge, marking read, who may see and mark what."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Notification
from cases.selectors.notifications import UNREAD_CAP, notifications_for, unread_count
from cases.services.notifications import notifications_mark_read
from tests.factories import NotificationFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return user_in_group("Managers", username="mara")


@pytest.fixture
def other():
    return user_in_group("Agents", username="rosa")


def test_a_manager_sees_their_own_notifications_not_another_users(client, manager, other):
    mine = NotificationFactory(recipient=manager, message="SC-7: first response overdue")
    NotificationFactory(recipient=other, message="SC-9: someone else's")
    client.force_login(manager)

    response = client.get(reverse("console:notifications"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "SC-7: first response overdue" in html and "SC-9" not in html
    assert reverse("console:case", args=[mine.case.pk]) in html
    assert 'class="notification unread"' in html


def test_the_list_is_newest_first_and_read_ones_are_not_highlighted(manager):
    old = NotificationFactory(recipient=manager, read_at=timezone.now())
    new = NotificationFactory(recipient=manager)

    assert notifications_for(user=manager) == [new, old]


def test_the_header_shows_the_unread_count(client, manager, other):
    NotificationFactory.create_batch(3, recipient=manager)
    NotificationFactory(recipient=manager, read_at=timezone.now())
    NotificationFactory(recipient=other)
    client.force_login(manager)

    html = client.get(reverse("console:inbox")).content.decode()

    assert 'Notifications <span class="badge">3</span>' in html


def test_the_header_has_no_badge_without_unread_notifications(client, manager):
    client.force_login(manager)

    html = client.get(reverse("console:inbox")).content.decode()

    assert "Notifications</a>" in html and 'Notifications <span class="badge">' not in html


def test_the_unread_count_is_capped_in_one_query(manager, django_assert_num_queries):
    NotificationFactory.create_batch(UNREAD_CAP + 2, recipient=manager, case=None)

    with django_assert_num_queries(1):
        assert unread_count(user=manager) == UNREAD_CAP


def test_a_capped_count_shows_as_100_plus(client, manager):
    NotificationFactory.create_batch(UNREAD_CAP + 1, recipient=manager, case=None)
    client.force_login(manager)

    html = client.get(reverse("console:notifications")).content.decode()

    assert f'<span class="badge">{UNREAD_CAP}+</span>' in html


def test_marking_one_read(client, manager):
    first, second = NotificationFactory.create_batch(2, recipient=manager)
    client.force_login(manager)

    response = client.post(reverse("console:notifications_read"), {"id": first.pk})

    assert response.status_code == 303 and response["Location"] == reverse("console:notifications")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert unread_count(user=manager) == 1


def test_marking_all_read_leaves_other_users_alone(client, manager, other):
    NotificationFactory.create_batch(3, recipient=manager)
    theirs = NotificationFactory(recipient=other)
    client.force_login(manager)

    response = client.post(reverse("console:notifications_read"))

    assert response.status_code == 303
    assert unread_count(user=manager) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_cannot_be_marked(client, manager, other):
    theirs = NotificationFactory(recipient=other)
    client.force_login(manager)

    client.post(reverse("console:notifications_read"), {"id": theirs.pk})

    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notifications_mark_read(user=manager, ids=[theirs.pk]) == 0


def test_a_garbage_id_marks_nothing(client, manager):
    mine = NotificationFactory(recipient=manager)
    client.force_login(manager)

    response = client.post(reverse("console:notifications_read"), {"id": "1 OR 1=1"})

    assert response.status_code == 303
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_read_keeps_the_first_read_time(manager):
    read_at = timezone.now() - timezone.timedelta(days=1)
    NotificationFactory(recipient=manager, read_at=read_at)

    assert notifications_mark_read(user=manager) == 0
    assert Notification.objects.get().read_at == read_at


def test_anonymous_users_are_sent_to_the_login_page(client):
    for response in (
        client.get(reverse("console:notifications")),
        client.post(reverse("console:notifications_read")),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_refuses_posts_and_marking_refuses_gets(client, manager):
    client.force_login(manager)

    assert client.post(reverse("console:notifications")).status_code == 405
    assert client.get(reverse("console:notifications_read")).status_code == 405


def test_marking_read_needs_a_csrf_token(manager):
    notification = NotificationFactory(recipient=manager)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    refused = client.post(reverse("console:notifications_read"), {"id": notification.pk})
    page = client.get(reverse("console:notifications"))
    token = page.context["csrf_token"]
    accepted = client.post(reverse("console:notifications_read"), {"id": notification.pk, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 303
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_page_queries_are_constant(client, manager, count, django_assert_max_num_queries):
    NotificationFactory.create_batch(count, recipient=manager)
    client.force_login(manager)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("console:notifications"))

    assert response.status_code == 200
    assert response.content.decode().count('class="notification unread"') == count
