"""Admin of calendars and SLA policies: opening-hour overlaps, holiday import
page, due-time preview, SLA clocks and notifications shown read-only."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Holiday, Notification, OpeningInterval, SLAClock, SLAPolicy
from tests import factories
from tests.cases.test_holiday_import import UK_BANK_HOLIDAYS_2026, vcalendar
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

t = dt.time


# --- calendar_check_intervals() ------------------------------------------------------


def test_office_hours_and_split_shifts_do_not_overlap():
    office = [(day, t(9), t(17)) for day in range(5)]
    split = [(5, t(8), t(12)), (5, t(13), t(17)), (6, t(9), t(12)), (6, t(12), t(15))]  # the last two touch at noon

    assert services.calendar_check_intervals(office + split) == []


def test_a_night_shift_overlapping_the_next_mornings_shift_is_reported_with_days_and_times():
    problems = services.calendar_check_intervals([(4, t(22), t(6)), (5, t(5), t(12))])

    assert problems == ["Friday 22:00-06:00 (into Saturday) overlaps Saturday 05:00-12:00."]


def test_a_night_shift_ending_when_the_next_shift_starts_is_fine():
    assert services.calendar_check_intervals([(4, t(22), t(6)), (5, t(6), t(12))]) == []


def test_sunday_night_wraps_into_monday_morning():
    problems = services.calendar_check_intervals([(6, t(22), t(6)), (0, t(5), t(9)), (0, t(9), t(17))])

    assert problems == ["Monday 05:00-09:00 overlaps Sunday 22:00-06:00 (into Monday)."]


def test_midnight_to_midnight_is_the_whole_day_and_overlaps_anything_else_that_day():
    assert services.calendar_check_intervals([(2, t(0), t(0)), (3, t(0), t(0))]) == []
    assert services.calendar_check_intervals([(2, t(0), t(0)), (2, t(9), t(10))]) == [
        "Wednesday 00:00-00:00 (the whole day) overlaps Wednesday 09:00-10:00."
    ]


def test_opening_and_closing_at_the_same_time_other_than_midnight_is_refused():
    (problem,) = services.calendar_check_intervals([(3, t(9), t(9))])

    assert problem.startswith("Thursday 09:00-09:00 opens and closes at the same time.")


# --- Calendar change page: opening hours and holidays inlines --------------------------


def calendar_post(calendar, intervals=(), holidays=()) -> dict:
    """The calendar change form as the browser posts it, with new inline rows."""
    data = {"name": calendar.name, "time_zone": calendar.time_zone}
    for prefix, rows in (("opening_intervals", intervals), ("holidays", holidays)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def change_url(model, pk) -> str:
    return reverse(f"admin:cases_{model._meta.model_name}_change", args=[pk])


def test_overlapping_intervals_in_the_calendar_form_are_refused_with_the_overlap_named(admin_client):
    calendar = factories.BusinessCalendarFactory()
    night = {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"}
    saturday = {"weekday": 5, "opens_at": "05:00", "closes_at": "12:00"}

    response = admin_client.post(
        change_url(calendar, calendar.pk), calendar_post(calendar, intervals=[night, saturday])
    )

    assert response.status_code == 200
    assert "Friday 22:00-06:00 (into Saturday) overlaps Saturday 05:00-12:00." in response.content.decode()
    assert not OpeningInterval.objects.filter(calendar=calendar).exists()


def test_valid_intervals_are_saved_and_open_cases_are_refreshed_after_commit(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    from cases import tasks

    enqueued = []
    monkeypatch.setattr(tasks.refresh_open_cases_sla_task, "delay", lambda *args, **kwargs: enqueued.append(args))
    calendar = factories.BusinessCalendarFactory()
    night = {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"}
    saturday = {"weekday": 5, "opens_at": "06:00", "closes_at": "12:00"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(calendar, calendar.pk), calendar_post(calendar, intervals=[night, saturday])
        )

    assert response.status_code == 302
    assert OpeningInterval.objects.filter(calendar=calendar).count() == 2
    assert enqueued == [()]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"starts_at": "13:00", "ends_at": ""}, "A part-day holiday needs both a start and an end time"),
        ({"starts_at": "", "ends_at": "13:00"}, "A part-day holiday needs both a start and an end time"),
        ({"starts_at": "13:00", "ends_at": "09:00"}, "Must be after the start (13:00)"),
    ],
    ids=["start-only", "end-only", "backwards"],
)
def test_a_part_day_holiday_without_both_times_in_order_gets_a_friendly_error(admin_client, times, message):
    calendar = factories.BusinessCalendarFactory()
    holiday = {"date": "2026-12-24", "name": "Christmas Eve", **times}

    response = admin_client.post(change_url(calendar, calendar.pk), calendar_post(calendar, holidays=[holiday]))

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Constraint" not in page
    assert not Holiday.objects.filter(calendar=calendar).exists()


def test_a_whole_day_and_a_valid_part_day_holiday_are_saved(admin_client):
    calendar = factories.BusinessCalendarFactory()
    holidays = [
        {"date": "2026-12-24", "name": "Christmas Eve", "starts_at": "13:00", "ends_at": "17:00"},
        {"date": "2026-12-25", "name": "Christmas Day", "starts_at": "", "ends_at": ""},
    ]

    response = admin_client.post(change_url(calendar, calendar.pk), calendar_post(calendar, holidays=holidays))

    assert response.status_code == 302
    assert calendar.holidays.count() == 2


def test_an_interval_edited_on_its_own_page_is_checked_against_the_calendars_others(admin_client):
    calendar = factories.BusinessCalendarFactory()
    factories.OpeningIntervalFactory(calendar=calendar, weekday=5, opens_at=t(5), closes_at=t(12))
    night = factories.OpeningIntervalFactory(calendar=calendar, weekday=4, opens_at=t(18), closes_at=t(22))

    response = admin_client.post(
        change_url(night, night.pk), {"calendar": calendar.pk, "weekday": 4, "opens_at": "22:00", "closes_at": "06:00"}
    )

    assert response.status_code == 200
    assert "Friday 22:00-06:00 (into Saturday) overlaps Saturday 05:00-12:00." in response.content.decode()


# --- Holiday import page ----------------------------------------------------------------


def import_url(calendar) -> str:
    return reverse("admin:cases_businesscalendar_import_holidays", args=[calendar.pk])


def upload(content: bytes, name: str = "england-and-wales.ics") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/calendar")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_calendar_change_page_links_to_the_import_page(admin_client):
    calendar = factories.BusinessCalendarFactory()

    page = admin_client.get(change_url(calendar, calendar.pk)).content.decode()

    assert import_url(calendar) in page
    assert "Import holidays (.ics)" in page


def test_the_import_page_shows_an_upload_form(admin_client):
    calendar = factories.BusinessCalendarFactory()

    response = admin_client.get(import_url(calendar))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'type="file"' in page


def test_uploading_a_bank_holiday_file_creates_the_holidays_and_says_how_many(admin_client):
    calendar = factories.BusinessCalendarFactory()

    response = admin_client.post(import_url(calendar), {"file": upload(UK_BANK_HOLIDAYS_2026)})

    assert response.status_code == 302
    assert response["Location"] == change_url(calendar, calendar.pk)
    assert calendar.holidays.count() == 8
    assert messages_of(response) == ["england-and-wales.ics: 8 holiday(s) added, 0 renamed, 0 already present."]


def test_uploading_the_same_file_again_adds_nothing(admin_client):
    calendar = factories.BusinessCalendarFactory()
    admin_client.post(import_url(calendar), {"file": upload(UK_BANK_HOLIDAYS_2026)})

    response = admin_client.post(import_url(calendar), {"file": upload(UK_BANK_HOLIDAYS_2026)})

    assert calendar.holidays.count() == 8
    assert "0 holiday(s) added, 0 renamed, 8 already present" in messages_of(response)[-1]


def test_events_left_out_are_listed_as_warnings(admin_client):
    calendar = factories.BusinessCalendarFactory()
    mixed = vcalendar(
        "BEGIN:VEVENT",
        "UID:ok@acme.example",
        "DTSTART;VALUE=DATE:20261225",
        "SUMMARY:Christmas Day",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:bad@acme.example",
        "DTSTART;VALUE=DATE:2026122X",
        "SUMMARY:Christmas party",
        "END:VEVENT",
    )

    response = admin_client.post(import_url(calendar), {"file": upload(mixed)})

    first, error = messages_of(response)
    assert first.endswith("1 holiday(s) added, 0 renamed, 0 already present; 1 event(s) left out.")
    assert error.startswith("Event 2 ('Christmas party'): DTSTART")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"Date,Holiday\r\n2026-12-25,Christmas Day\r\n"), "This is not an iCalendar (.ics) file"),
        (upload(vcalendar()), "The file has no events (VEVENT)"),
        (upload(UK_BANK_HOLIDAYS_2026, name="holidays.csv"), "Choose an iCalendar file ending in .ics."),
        (upload(b"X" * (1024 * 1024 + 1)), "at most 1024 KB (1 MB) is accepted"),
    ],
    ids=["not-ical", "no-events", "extension", "too-large"],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_form(admin_client, file, message):
    calendar = factories.BusinessCalendarFactory()

    response = admin_client.post(import_url(calendar), {"file": file})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not calendar.holidays.exists()


def test_replace_years_on_the_form_drops_that_years_other_holidays(admin_client):
    calendar = factories.BusinessCalendarFactory()
    factories.HolidayFactory(calendar=calendar, date=dt.date(2026, 3, 17), name="St Patrick's Day")

    response = admin_client.post(import_url(calendar), {"file": upload(UK_BANK_HOLIDAYS_2026), "replace_years": "on"})

    assert "8 holiday(s) added, 0 renamed, 0 already present, 1 removed" in messages_of(response)[0]
    assert not calendar.holidays.filter(date=dt.date(2026, 3, 17)).exists()


# --- SLA policy: due-time preview -------------------------------------------------------


def preview_url(policy) -> str:
    return reverse("admin:cases_slapolicy_preview", args=[policy.pk])


@pytest.fixture
def london_office_policy() -> SLAPolicy:
    """Mon-Fri 09:00-17:00 in London; 1 h first response, 2 h next, 10 h resolution."""
    calendar = factories.BusinessCalendarFactory(name="London office", time_zone="Europe/London")
    for weekday in range(5):
        factories.OpeningIntervalFactory(calendar=calendar, weekday=weekday, opens_at=t(9), closes_at=t(17))
    return factories.SLAPolicyFactory(
        name="Standard", calendar=calendar, first_response_minutes=60, next_response_minutes=120, resolution_minutes=600
    )


def test_the_policy_change_page_links_to_the_preview_and_offers_its_form(admin_client, london_office_policy):
    page = admin_client.get(change_url(london_office_policy, london_office_policy.pk)).content.decode()

    assert preview_url(london_office_policy) in page
    assert "Preview due times" in page
    assert 'name="start"' in page


def test_preview_of_a_friday_evening_message_lands_on_monday_in_local_time_and_utc(admin_client, london_office_policy):
    # Friday 5 June 2026, 18:00 in London (BST, UTC+1): the office has closed.
    response = admin_client.get(preview_url(london_office_policy), {"start": "2026-06-05T18:00"})

    assert response.status_code == 200
    rows = {row["target"]: (row["local"], row["utc"]) for row in response.context["rows"]}
    assert rows == {
        "First response": ("Mon 2026-06-08 10:00 BST", "Mon 2026-06-08 09:00 UTC"),
        "Next response": ("Mon 2026-06-08 11:00 BST", "Mon 2026-06-08 10:00 UTC"),
        "Resolution": ("Tue 2026-06-09 11:00 BST", "Tue 2026-06-09 10:00 UTC"),
    }
    page = response.content.decode()
    assert "Fri 2026-06-05 18:00 BST" in page
    assert "Mon 2026-06-08 10:00 BST" in page
    assert "Mon 2026-06-08 09:00 UTC" in page


def test_preview_without_a_start_uses_now_and_fills_in_the_form(admin_client, london_office_policy):
    response = admin_client.get(preview_url(london_office_policy))

    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    assert response.context["form"].initial["start"] is not None


def test_preview_shows_no_target_for_a_target_the_policy_does_not_set(admin_client):
    policy = factories.SLAPolicyFactory(first_response_minutes=30, next_response_minutes=None, resolution_minutes=None)

    response = admin_client.get(preview_url(policy), {"start": "2026-06-05T18:00"})

    rows = {row["target"]: row for row in response.context["rows"]}
    assert rows["First response"]["utc"] == "Fri 2026-06-05 18:30 UTC"  # no calendar: around the clock, in UTC
    assert rows["Next response"]["minutes"] is None
    assert rows["Next response"]["utc"] == ""
    assert "no target" in response.content.decode()


def test_preview_on_a_calendar_without_opening_hours_says_so(admin_client):
    calendar = factories.BusinessCalendarFactory(name="Empty calendar")
    policy = factories.SLAPolicyFactory(calendar=calendar)

    response = admin_client.get(preview_url(policy), {"start": "2026-06-05T18:00"})

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "has no opening hours" in response.context["problem"]
    assert "has no opening hours" in response.content.decode()


def test_preview_with_an_unreadable_start_shows_the_form_error(admin_client, london_office_policy):
    response = admin_client.get(preview_url(london_office_policy), {"start": "next friday"})

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["form"].errors["start"]


# --- Permissions of the two pages -------------------------------------------------------


@pytest.mark.parametrize("page", ["import", "preview"])
def test_an_agent_without_staff_access_is_sent_to_the_login_page(client, london_office_policy, page):
    client.force_login(user_in_group("Agents"))
    url = import_url(london_office_policy.calendar) if page == "import" else preview_url(london_office_policy)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("page", ["import", "preview"])
def test_a_staff_agent_who_may_only_view_calendars_and_policies_is_refused(client, london_office_policy, page):
    client.force_login(user_in_group("Agents", is_staff=True))
    url = import_url(london_office_policy.calendar) if page == "import" else preview_url(london_office_policy)

    assert client.get(url, {"start": "2026-06-05T18:00"}).status_code == 403
    assert client.post(url, {"file": upload(UK_BANK_HOLIDAYS_2026)}).status_code == 403
    assert not Holiday.objects.exists()


# --- SLA policy form ---------------------------------------------------------------------


def policy_post(**fields) -> dict:
    return {
        "name": "Premium",
        "position": 10,
        "is_active": "on",
        "first_response_minutes": 30,
        "resolution_minutes": 480,
        "warning_ratio": 0.8,
        "escalation_action": "notify_managers",
        **fields,
    }


def test_a_second_default_policy_is_refused_by_name(admin_client):
    factories.SLAPolicyFactory(name="Fallback", is_default=True)

    response = admin_client.post(reverse("admin:cases_slapolicy_add"), policy_post(is_default="on"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_default"] == [
        "“Fallback” is the default policy: untick it there first."
    ]


def test_a_zero_minute_target_is_refused_on_its_field(admin_client):
    response = admin_client.post(reverse("admin:cases_slapolicy_add"), policy_post(first_response_minutes=0))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["first_response_minutes"] == ["A target is at least 1 minute."]


def test_saving_a_policy_refreshes_open_cases_after_commit(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    from cases import tasks

    enqueued = []
    monkeypatch.setattr(tasks.refresh_open_cases_sla_task, "delay", lambda *args, **kwargs: enqueued.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:cases_slapolicy_add"), policy_post())

    assert response.status_code == 302
    assert enqueued == [()]


# --- SLA clocks and notifications: read-only ---------------------------------------------


def test_sla_clocks_can_be_viewed_but_not_added_changed_or_deleted(admin_client):
    clock = factories.SLAClockFactory()

    response = admin_client.get(change_url(clock, clock.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert admin_client.get(reverse("admin:cases_slaclock_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:cases_slaclock_delete", args=[clock.pk]), {"post": "yes"}).status_code == 403
    )
    assert SLAClock.objects.filter(pk=clock.pk).exists()


def test_sla_clock_list_filters_by_breach_and_searches_by_case_reference(admin_client):
    breached = factories.SLAClockFactory(breached=True)
    factories.SLAClockFactory()
    url = reverse("admin:cases_slaclock_changelist")

    by_filter = admin_client.get(url, {"breached__exact": "1"}).context["cl"].result_list
    by_reference = admin_client.get(url, {"q": f"SC-{breached.case_id}"}).context["cl"].result_list
    by_words = admin_client.get(url, {"q": "overdue"}).context["cl"].result_list

    assert [clock.pk for clock in by_filter] == [breached.pk]
    assert [clock.pk for clock in by_reference] == [breached.pk]
    assert list(by_words) == []


def test_the_case_page_lists_its_sla_clocks_read_only(admin_client):
    clock = factories.SLAClockFactory(breached=True)

    response = admin_client.get(change_url(clock.case, clock.case_id))

    (formset,) = [
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is SLAClock
    ]
    assert [form.instance.pk for form in formset.forms] == [clock.pk]
    assert formset.forms[0].fields.keys().isdisjoint({"target", "due_at", "breached"})
    assert change_url(clock, clock.pk) in response.content.decode()


def test_notifications_can_be_deleted_but_not_changed(admin_client):
    notification = factories.NotificationFactory()

    response = admin_client.get(change_url(notification, notification.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is True
    admin_client.post(reverse("admin:cases_notification_delete", args=[notification.pk]), {"post": "yes"})
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_notifications_filter_by_read_and_search_the_message(admin_client):
    unread = factories.NotificationFactory(message="SC-7: first response overdue")
    factories.NotificationFactory(message="SC-8: resolution due soon", read_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    url = reverse("admin:cases_notification_changelist")

    by_read = admin_client.get(url, {"read": "no"}).context["cl"].result_list
    by_search = admin_client.get(url, {"q": "first response"}).context["cl"].result_list

    assert [n.pk for n in by_read] == [unread.pk]
    assert [n.pk for n in by_search] == [unread.pk]
