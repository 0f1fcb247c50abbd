from django.urls import path

from cases.views import case, inbox, notifications

app_name = "console"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("notifications/", notifications.notifications_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("cases/<int:pk>/", case.case_detail, name="case"),
    path("cases/<int:pk>/timeline/", case.case_timeline_fragment, name="case_timeline"),
    path("cases/<int:pk>/presence/", case.case_presence, name="case_presence"),
    path("cases/<int:pk>/reply/", case.case_reply_view, name="case_reply"),
    path("cases/<int:pk>/note/", case.case_note_view, name="case_note"),
    path("cases/<int:pk>/status/", case.case_status_view, name="case_status"),
    path("cases/<int:pk>/priority/", case.case_priority_view, name="case_priority"),
    path("cases/<int:pk>/claim/", case.case_claim_view, name="case_claim"),
    path("cases/<int:pk>/assign/", case.case_assign_view, name="case_assign"),
    path("cases/<int:pk>/tags/", case.case_tags_view, name="case_tags"),
    path("cases/<int:pk>/escalate/", case.case_escalate_view, name="case_escalate"),
    path("cases/<int:pk>/merge/", case.case_merge_view, name="case_merge"),
    path("cases/<int:pk>/resolve/", case.case_resolve_view, name="case_resolve"),
    path("cases/<int:pk>/retry/<int:message_id>/", case.case_retry_view, name="case_retry"),
]
