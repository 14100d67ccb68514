"""Sign-up, confirmed by email, and password reset behind a rate limit. Log in, log out, password change
and the rest of password reset are django.contrib.auth's views; the login lockout is django-axes.

Neither page tells a visitor whether an email address has an account. Sign-up answers "check your email"
to every valid form and creates nothing yet: a new address gets a link to choose a password, which
creates the account; an address that already has one gets a notice saying so (with a way back in). Since
nothing is written before the link is followed, not even the chosen username is held, so a second
attempt cannot tell the two cases apart either. Password reset is Django's, which already answers alike.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm, UsernameField
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordResetView
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from papers import ratelimits
from papers.redirects import local_path

SIGNUP_TOKEN_SALT = "papers.accounts.views.signup.signup"
TAKEN_USERNAME = "A user with that username already exists."


class SignupForm(forms.ModelForm):
    """A username and an email address; the password is chosen behind the link sent to that address."""

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}
        help_texts = {"email": "We email you a link to finish signing up. Nobody else ever sees it."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        # Usernames are public handles (shown on the site), so a taken one has to be reported: the form
        # cannot create an account otherwise. That tells nothing about email addresses, which is what
        # this page must not give away; reporting taken usernames is the accepted practice.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(TAKEN_USERNAME, code="unique")
        return username

    def validate_unique(self) -> None:
        # clean_username asked already, ignoring case; email addresses are deliberately not checked here.
        pass


def _safe_next(request: HttpRequest, target: str | None = None) -> str:
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    path = local_path(request, target) or ""
    # Sending a signed-in user back to sign-up would loop.
    return "" if urlsplit(path).path == request.path else path


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.signup_limited(request):
            return ratelimits.too_many_requests(request, what="sign-up attempts")
        if form.is_valid():
            _send_signup_email(
                request,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                next_url=next_url,
            )
            # The same answer whether or not the address has an account.
            return redirect("signup_done")
    context: dict[str, Any] = {"form": form, "next": next_url}
    return render(request, "registration/signup.html", context)


def _send_signup_email(request: HttpRequest, *, username: str, email: str, next_url: str) -> None:
    if not ratelimits.signup_email_allowed(request, email):
        return
    context = {"protocol": "https" if request.is_secure() else "http", "domain": request.get_host()}
    owner = User.objects.filter(email__iexact=email).order_by("pk").first()
    if owner is None:
        token = signing.dumps(
            {"u": username, "e": email, "n": next_url}, salt=SIGNUP_TOKEN_SALT, compress=True
        )
        context |= {"username": username, "confirm_path": reverse("signup_confirm", args=[token])}
        subject = "Finish creating your Papershelf account"
        body = render_to_string("registration/signup_email.txt", context)
        recipient = email
    else:
        context |= {"username": owner.get_username(), "reset_path": reverse("password_reset")}
        subject = "Someone tried to sign up to Papershelf with your address"
        body = render_to_string("registration/signup_existing_email.txt", context)
        recipient = owner.email
    send_mail(subject, body, None, [recipient])


@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html")


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up email: choose a password, which creates the account and logs in.

    Following the link (GET) writes nothing; the account exists only once the form is posted. The link
    works for PASSWORD_RESET_TIMEOUT and only once: afterwards its username is taken.
    """
    try:
        data = signing.loads(token, salt=SIGNUP_TOKEN_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        return _signup_link_refused(request, "This link is not valid, or it is more than three days old.")
    username, email = str(data["u"]), str(data["e"])
    problem = _signup_problem(username, email)
    if problem:
        return _signup_link_refused(request, problem)
    form = SetPasswordForm(User(username=username, email=email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                problem = _signup_problem(username, email)
                user = None if problem else form.save()
        except IntegrityError:
            problem, user = TAKEN_USERNAME, None
        if user is None:
            return _signup_link_refused(request, problem)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Papershelf, {user.get_username()}.")
        next_url = _safe_next(request, str(data.get("n") or ""))
        # A new reader's first stop is onboarding (a few topics make the feed theirs from day one),
        # unless they signed up on the way to something.
        return redirect(next_url or "papers:onboarding")
    return render(request, "registration/signup_confirm.html", {"form": form, "username": username})


def _signup_problem(username: str, email: str) -> str:
    """Why the account of a sign-up link cannot be created any more, or ""."""
    if User.objects.filter(email__iexact=email).exists():
        return "This email address has an account already (this link may have been used). Log in instead."
    if User.objects.filter(username__iexact=username).exists():
        return f"Someone has taken the username “{username}” since you signed up. Please sign up again."
    return ""


def _signup_link_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "registration/signup_confirm.html", {"refused": reason})


_password_reset = PasswordResetView.as_view()


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Django's password reset, at most PASSWORD_RESET_RATE_PER_* requests an hour.

    Django's own answer is already the same for every address ("if an account uses that address…").
    """
    if request.method == "POST" and ratelimits.password_reset_limited(request):
        return ratelimits.too_many_requests(request, what="password reset requests")
    return _password_reset(request)
