"""The console's notifications: the user's list, and marking them read.

Thin: the list is one selector; the POST marks all of the user's unread
notifications read, or the one of `id`, and redirects back (303). A user
only ever sees and marks their own.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.selectors.notifications import notifications_for
from cases.services.notifications import notifications_mark_read


@login_required
@require_GET
def notifications_list(request):
    return render(request, "console/notifications.html", {"notifications": notifications_for(user=request.user)})


@login_required
@require_POST
def notifications_read(request):
    raw_id = request.POST.get("id")
    if raw_id is None:
        ids = None
    elif raw_id.isdigit():
        ids = [int(raw_id)]
    else:
        ids = []
    changed = notifications_mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, f"{changed} notification{'s' if changed != 1 else ''} marked read.")
    response = redirect("console:notifications")
    response.status_code = 303  # See Other: the browser GETs the list, a reload does not repost
    return response
