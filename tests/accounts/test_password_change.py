"""A signed-in person changes their password from the Security page; their other sessions end."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-9"


def test_a_person_changes_their_password_and_their_other_sessions_end(client):
    ming = UserFactory(username="ming")
    elsewhere = Client()
    elsewhere.force_login(ming)
    client.force_login(ming)
    security = client.get(reverse("accounts:security")).content.decode()
    assert reverse("password_change") in security
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your new password is set." in done.content.decode()
    ming.refresh_from_db()
    assert ming.check_password(NEW_PASSWORD)
    # This session goes on; the other one, signed in with the old password, is over.
    assert client.get(reverse("handover:my_work")).status_code == 200
    assert reverse("login") in elsewhere.get(reverse("handover:my_work"))["Location"]


def test_changing_the_password_needs_a_signed_in_person(client):
    assert reverse("login") in client.get(reverse("password_change"))["Location"]
