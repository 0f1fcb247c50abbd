"""Console views. This module holds the minimal read-only case list; the
full agent console (inbox views, case page, replies) builds on it."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from cases import selectors


@login_required
@permission_required("cases.view_case", raise_exception=True)
def inbox(request):
    cases = selectors.open_cases_for(user=request.user)
    return render(request, "console/inbox.html", {"cases": cases})
