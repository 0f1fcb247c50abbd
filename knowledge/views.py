"""The help centre's pages: public articles, search and the ask page; the case suggestions and the
gaps report for staff.

Thin: parse input, call one selector or service, render. Public pages need
no login and give every visitor a random id in a signed cookie
(knowledge.visitor), which their answers and questions carry. The
suggestions fragment needs a login, cases.view_case and the case visible to
the user (else 404, as on the case page); the gaps report needs
knowledge.view_knowledge_gaps (managers and admins).
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import cases_visible_to
from cases.views.case import fragment_login_required
from knowledge import selectors, services
from knowledge.models import Article
from knowledge.visitor import remember_visitor, visitor_key
from socialcrm.ratelimit import rate_limited

QUERY_MAX_LENGTH = 300
ASK_MATCHES = 5
HANDLE_RE = re.compile(r"@?[A-Za-z0-9_.]{1,50}")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=QUERY_MAX_LENGTH)


class FeedbackForm(forms.Form):
    solved = forms.TypedChoiceField(choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes")


class AskForm(forms.Form):
    question = forms.CharField(min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    email = forms.EmailField(required=False, label="E-mail")
    handle = forms.CharField(required=False, max_length=51, label="Or your handle (e.g. @name on X)")
    name = forms.CharField(required=False, max_length=200, label="Name (optional)")

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip()
        if handle and not HANDLE_RE.fullmatch(handle):
            raise forms.ValidationError("A handle has letters, digits, dots and underscores only.")
        return handle

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("handle"):
            raise forms.ValidationError("Give an e-mail address or a handle, so we can answer you.")
        return cleaned


def _public(request, template: str, context: dict, status: int = 200):
    visitor_key(request)
    return remember_visitor(request, render(request, template, context, status=status))


def _query(request) -> str:
    form = SearchForm(request.GET)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


@rate_limited("help")
@require_GET
def article_list(request):
    query = _query(request)
    if query:
        results = selectors.search_articles(query=query)
        context = {"query": query, "results": results, "articles": [result.article for result in results]}
    else:
        context = {"query": "", "results": None, "articles": selectors.latest_articles()}
    return _public(request, "knowledge/list.html", context)


@rate_limited("help")
@require_GET
def article_detail(request, slug: str):
    try:
        article = selectors.article_for_page(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    # A counter, not a fact anyone edits: no updated_at change, so the ranking index stays.
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    context = {
        "article": article,
        "body_html": mark_safe(selectors.article_html(article)),  # sanitized by knowledge.markdown
        "answered": request.GET.get("answered"),
    }
    return _public(request, "knowledge/article.html", context)


@rate_limited("help_post", methods=("POST",))
@require_POST
def article_feedback(request, slug: str):
    try:
        article = selectors.article_for_page(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return redirect("knowledge:article", slug=slug)
    solved = form.cleaned_data["solved"]
    services.feedback_record(article=article, visitor_key=visitor_key(request), solved=solved)
    if request.htmx:
        return _public(request, "knowledge/partials/feedback_thanks.html", {"solved": solved, "article": article})
    url = reverse("knowledge:article", args=[slug]) + f"?answered={'yes' if solved else 'no'}#feedback"
    response = redirect(url)
    response.status_code = 303
    return remember_visitor(request, response)


@rate_limited("help", methods=("GET",))
@rate_limited("help_post", methods=("POST",))
@require_http_methods(["GET", "POST"])
def ask(request):
    settings = selectors.knowledge_settings()
    channel = settings.ask_channel if settings.ask_channel and settings.ask_channel.is_active else None
    form = AskForm(request.POST or None)
    if request.method == "POST" and channel is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.ask_question_post(
                visitor_key=visitor_key(request),
                question=data["question"],
                email=data["email"],
                handle=data["handle"],
                name=data["name"],
            )
        except services.AskUnavailable:
            channel = None
        else:
            response = redirect(reverse("knowledge:ask") + "?sent=1")
            response.status_code = 303
            return remember_visitor(request, response)
    query = _query(request)
    context = {
        "form": form,
        "channel": channel,
        "contacts": selectors.contact_channels() if channel is None else [],
        "query": query,
        "results": selectors.search_articles(query=query, limit=ASK_MATCHES) if query else None,
        "sent": request.GET.get("sent") == "1",
    }
    return _public(request, "knowledge/ask.html", context, status=400 if form.errors else 200)


@rate_limited("help")
@require_GET
def ask_matches(request):
    """The articles matching what the visitor is typing (an htmx fragment of the ask page)."""
    query = _query(request)
    results = selectors.search_articles(query=query, limit=ASK_MATCHES) if query else None
    return _public(request, "knowledge/partials/ask_matches.html", {"query": query, "results": results})


@fragment_login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def case_suggestions(request, pk: int):
    """The articles most similar to a case's messages, with a button inserting each link in the reply."""
    case = cases_visible_to(user=request.user).filter(pk=pk).only("id", "subject").first()
    if case is None:
        raise Http404("No such case.")
    suggestions = [
        (suggestion, request.build_absolute_uri(reverse("knowledge:article", args=[suggestion.slug])))
        for suggestion in selectors.case_suggestions(case=case)
    ]
    return render(request, "knowledge/partials/case_suggestions.html", {"case": case, "suggestions": suggestions})


@login_required
@permission_required("knowledge.view_knowledge_gaps", raise_exception=True)
@require_GET
def gaps(request):
    rows = selectors.gaps_report()
    return render(
        request,
        "knowledge/gaps.html",
        {
            "rows": rows,
            "computed_at": rows[0].gap.computed_at if rows else None,
            "threshold": selectors.knowledge_settings().match_threshold,
        },
    )
