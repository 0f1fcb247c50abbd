"""The inbox: one view of the user's cases at a time, filtered, searched, a keyset page at a time.

A full page for a normal request; for htmx, only the fragment asked for:
`fragment=rows` (the first page again, polled every POLL_SECONDS so new and
changed cases appear without a reload) or `fragment=more` (the next page,
appended where the "more" row was).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from cases.forms import InboxFilterForm
from cases.selectors.inbox import COUNT_CAP, VIEWS, BadCursor, InboxFilters, inbox_counts, inbox_page, user_team_ids

POLL_SECONDS = 15


def _default_view(request) -> str:
    return "open" if request.user.has_perm("cases.view_all_cases") else "mine"


@login_required
@permission_required("cases.view_case", raise_exception=True)
def inbox(request):
    form = InboxFilterForm(request.GET)
    filters, view, after = InboxFilters(), _default_view(request), ""
    if form.is_valid():
        filters, view, after = form.filters(), form.cleaned_data["view"] or view, form.cleaned_data["after"]
    team_ids = user_team_ids(request.user)
    try:
        page = inbox_page(user=request.user, view=view, filters=filters, after=after or None, team_ids=team_ids)
    except BadCursor as error:
        messages.error(request, str(error))
        page = inbox_page(user=request.user, view=view, filters=filters, team_ids=team_ids)
    query = request.GET.copy()
    for name in ("after", "fragment"):
        query.pop(name, None)
    query["view"] = view
    context = {
        "form": form,
        "page": page,
        "view": view,
        "query": query.urlencode(),
        "now": timezone.now(),
        "poll_seconds": POLL_SECONDS,
    }
    fragment = request.GET.get("fragment")
    if request.htmx and fragment == "rows":
        return render(request, "console/partials/inbox_rows.html", context)
    if request.htmx and fragment == "more":
        return render(request, "console/partials/inbox_more.html", context)
    counts = inbox_counts(user=request.user, team_ids=team_ids)
    context["views"] = [(key, label, counts[key]) for key, label in VIEWS.items()]
    context["count_cap"] = COUNT_CAP
    return render(request, "console/inbox.html", context)
