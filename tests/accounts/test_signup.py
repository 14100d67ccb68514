from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def signup_data(**overrides: str) -> dict[str, str]:
    return {"username": "alice", "email": "alice@example.org", **overrides}


def confirm_path(mailoutbox) -> str:
    """The path of the link in the last sign-up email."""
    link = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    return link[1]


def choose_password(client, path: str, password: str = "a-long-Passphrase-42", again: str | None = None):
    return client.post(path, {"new_password1": password, "new_password2": again or password})


def test_signing_up_emails_a_link_and_creates_nothing_yet(client, mailoutbox):
    response = client.post("/accounts/signup/", signup_data())

    assertRedirects(response, "/accounts/signup/done/")
    assertContains(client.get("/accounts/signup/done/"), "Check your email")
    (email,) = mailoutbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Finish creating your Papershelf account"
    assert not get_user_model().objects.exists()
    assert "_auth_user_id" not in client.session


def test_following_the_link_and_choosing_a_password_creates_the_user_and_logs_them_in(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())
    path = confirm_path(mailoutbox)

    form_page = client.get(path)
    response = choose_password(client, path)

    assertContains(form_page, "Choose your password")
    # A new reader starts with onboarding, so the feed is theirs from the first visit.
    assertRedirects(response, "/onboarding/", fetch_redirect_response=False)
    user = get_user_model().objects.get(username="alice")
    assert user.email == "alice@example.org"
    assert user.check_password("a-long-Passphrase-42")
    assert client.session["_auth_user_id"] == str(user.pk)
    assertContains(client.get("/onboarding/"), "Welcome to Papershelf, alice.")


def test_sign_up_needs_an_email_address(client, mailoutbox):
    response = client.post("/accounts/signup/", signup_data(email=""))

    assert response.status_code == 200
    assertContains(response, "This field is required.")
    assert not get_user_model().objects.exists()
    assert mailoutbox == []


def test_a_taken_username_is_refused_with_a_clear_message(client):
    UserFactory(username="alice")

    response = client.post("/accounts/signup/", signup_data(email="other@example.org"))

    assertContains(response, "A user with that username already exists.")
    assert get_user_model().objects.count() == 1


def test_a_taken_username_in_another_letter_case_is_refused(client):
    UserFactory(username="Alice")

    response = client.post("/accounts/signup/", signup_data(email="other@example.org"))

    assertContains(response, "A user with that username already exists.")


def test_a_taken_email_address_gets_the_same_answer_and_its_owner_a_notice(client, mailoutbox):
    UserFactory(username="bob", email="Alice@Example.org")

    response = client.post("/accounts/signup/", signup_data())

    assertRedirects(response, "/accounts/signup/done/")
    (email,) = mailoutbox
    assert email.to == ["Alice@Example.org"]
    assert 'already\nhas an account: yours, with the username "bob"' in email.body
    assert "/accounts/password_reset/" in email.body
    assert get_user_model().objects.count() == 1


def test_mismatched_passwords_are_refused(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())

    response = choose_password(client, confirm_path(mailoutbox), again="something-else-42")

    assertContains(response, "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match.")
    assert not get_user_model().objects.exists()


def test_a_sign_up_link_works_once(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())
    path = confirm_path(mailoutbox)
    choose_password(client, path)
    client.post("/accounts/logout/")

    response = choose_password(client, path, "another-long-Passphrase-7")

    assertContains(response, "This link cannot be used")
    assert get_user_model().objects.get(username="alice").check_password("a-long-Passphrase-42")


def test_a_forged_or_edited_sign_up_link_is_refused(client):
    response = client.get("/accounts/signup/confirm/eyJ1IjoibWFsbG9yeSJ9:forged:signature/")

    assertContains(response, "This link cannot be used")
    assertNotContains(response, "new_password1")


def test_sign_up_goes_on_to_a_safe_next_page(client, mailoutbox):
    client.post("/accounts/signup/", {**signup_data(), "next": "/trending/"})

    response = choose_password(client, confirm_path(mailoutbox))

    assertRedirects(response, "/trending/", fetch_redirect_response=False)


def test_sign_up_ignores_a_next_page_on_another_site(client, mailoutbox):
    client.post("/accounts/signup/", {**signup_data(), "next": "https://evil.example/"})

    response = choose_password(client, confirm_path(mailoutbox))

    assertRedirects(response, "/onboarding/", fetch_redirect_response=False)


def test_a_logged_in_user_visiting_sign_up_is_sent_on(client):
    client.force_login(UserFactory())

    assertRedirects(client.get("/accounts/signup/"), "/", fetch_redirect_response=False)


def test_the_login_page_keeps_next(client):
    response = client.get("/accounts/login/?next=/trending/")

    assertContains(response, '<input type="hidden" name="next" value="/trending/">', html=True)


def test_logging_in_goes_to_next(client):
    UserFactory(username="alice")

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "/trending/"}
    )

    assertRedirects(response, "/trending/", fetch_redirect_response=False)


def test_a_wrong_password_gets_a_clear_error(client):
    UserFactory(username="alice")

    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assertContains(response, "Please enter a correct username and password.")


def test_the_header_links_to_login_with_the_current_page_as_next(client):
    assertContains(client.get("/trending/"), 'href="/accounts/login/?next=/trending/"')


def test_the_header_shows_the_username_and_a_logout_form(client):
    client.force_login(UserFactory(username="alice"))

    response = client.get("/")

    assertContains(response, ">alice</a>")
    assertContains(response, 'action="/accounts/logout/" method="post"')
    assertNotContains(response, "Sign up")


def test_logout_refuses_get(client):
    client.force_login(UserFactory())

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post_logs_out(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert "_auth_user_id" not in client.session


def test_password_reset_emails_a_working_link(client, mailoutbox):
    UserFactory(username="alice", email="alice@example.org")

    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})

    assertRedirects(response, "/accounts/password_reset/done/")
    (email,) = mailoutbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Reset your Papershelf password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body)
    assert link
    form_page = client.get(link[1], follow=True)
    assertContains(form_page, "Choose a new password")
    new_password = "another-long-Passphrase-7"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assertRedirects(done, "/accounts/reset/done/")
    # django-axes needs the request to count the attempt, as every real login passes it.
    assert client.login(request=HttpRequest(), username="alice", password=new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)

    assertContains(response, "Check your email")
    assert mailoutbox == []


def test_changing_the_password_needs_the_old_one(client):
    user = UserFactory(username="alice")
    client.force_login(user)

    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "new-Passphrase-99", "new_password2": "new-Passphrase-99"},
    )
    right = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "new-Passphrase-99",
            "new_password2": "new-Passphrase-99",
        },
    )

    assertContains(wrong, "Your old password was entered incorrectly.")
    assertRedirects(right, "/accounts/password_change/done/")
    user.refresh_from_db()
    assert user.check_password("new-Passphrase-99")


def test_changing_the_password_needs_a_login(client):
    response = client.get("/accounts/password_change/")

    assertRedirects(response, "/accounts/login/?next=/accounts/password_change/")


@pytest.mark.parametrize(
    "url", ["/accounts/signup/?next=/accounts/signup/", "/accounts/login/?next=/accounts/login/"]
)
def test_a_next_page_pointing_back_does_not_loop_for_a_logged_in_user(client, url):
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] != url.split("?")[0]
