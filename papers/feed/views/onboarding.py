"""/onboarding/: a new reader's first step, so the feed is personal before their first save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from papers.forms import IdsField
from papers.lists.imports import MAX_PASTE_CHARS, MAX_UPLOAD_BYTES, ImportRefused
from papers.redirects import AuthenticatedRequest
from recommender.onboarding import (
    OWN_TOPIC_CHARS,
    OnboardingIncomplete,
    OnboardingTopic,
    complete_onboarding,
    diverse_sample,
    onboarding_topics,
    with_examples,
)


class OnboardingForm(forms.Form):
    topics = forms.MultipleChoiceField(
        required=False,
        error_messages={
            # The only way to send an unknown label from this page is a model retrained since it loaded.
            "invalid_choice": "The topics changed since this page was loaded; please pick again."
        },
    )
    own_topic = forms.CharField(
        required=False,
        max_length=OWN_TOPIC_CHARS,
        strip=True,
        error_messages={"max_length": "Keep your own topic under %(limit_value)d characters."},
    )
    ids = forms.CharField(required=False, max_length=MAX_PASTE_CHARS, strip=True)
    file = forms.FileField(required=False)
    upvote = IdsField(required=False, error_messages={"invalid": "Choose papers from the sample."})

    def __init__(self, *args: Any, topics: list[OnboardingTopic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topics"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(topic.label, topic.label) for topic in topics]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def onboarding(request: AuthenticatedRequest) -> HttpResponse:
    topics = with_examples(onboarding_topics())
    posted = request.method == "POST"
    # Bound on every POST, even an empty one: "nothing chosen" must be answered, not ignored.
    form = OnboardingForm(request.POST if posted else None, request.FILES if posted else None, topics=topics)
    error = ""
    if posted and form.is_valid():
        try:
            result = complete_onboarding(
                user=request.user,
                topic_labels=form.cleaned_data["topics"],
                arxiv_text=form.cleaned_data["ids"],
                upload=form.cleaned_data["file"],
                upvote_paper_ids=form.cleaned_data["upvote"],
                own_topic=form.cleaned_data["own_topic"],
            )
        except (OnboardingIncomplete, ImportRefused) as refused:
            error = str(refused)
        else:
            added = len(result.imported.added) if result.imported else 0
            if added:
                messages.success(request, f"Added {added} paper{'s' if added != 1 else ''} to Read later.")
            for unmatched in result.imported.unmatched if result.imported else []:
                messages.warning(request, f"Not added: {unmatched.label}: {unmatched.reason}.")
            return redirect(f"{reverse('papers:feed')}?welcome=1")
    chosen_upvotes = set(form["upvote"].value() or []) if form.is_bound else set()
    context = {
        "form": form,
        "error": error,
        "topics": topics,
        "chosen_topics": set(form["topics"].value() or []) if form.is_bound else set(),
        "chosen_upvotes": {str(pk) for pk in chosen_upvotes},
        "sample": diverse_sample(topics=topics),
        "max_paste_chars": MAX_PASTE_CHARS,
        "own_topic_chars": OWN_TOPIC_CHARS,
        "max_upload_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
    }
    # A form that was refused answers 200 with its errors, like the other forms of the site.
    return render(request, "feed/onboarding.html", context)
