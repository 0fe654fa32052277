"""A deactivated person is signed out everywhere, and stays out if the account comes back."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sessions_of(user) -> int:
    return sum(
        1 for session in Session.objects.all() if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    )


def may_work(client: Client) -> bool:
    return client.get(reverse("handover:my_work")).status_code == 200


def test_deactivating_a_person_ends_all_their_sessions_and_no_one_elses():
    ming, colleague = UserFactory(username="ming"), UserFactory(username="colleague")
    laptop, phone, other = signed_in(ming), signed_in(ming), signed_in(colleague)
    assert (sessions_of(ming), sessions_of(colleague)) == (2, 1)
    ming.is_active = False
    ming.save()
    assert (sessions_of(ming), sessions_of(colleague)) == (0, 1)
    # Reactivated, the account starts from a sign-in; the old devices stay signed out.
    ming.is_active = True
    ming.save()
    assert not may_work(laptop) and not may_work(phone)
    assert may_work(other)


def test_deactivating_in_the_admin_ends_the_sessions(admin_client):
    ming = UserFactory(username="ming", display_name="Ming Li")
    laptop = signed_in(ming)
    url = reverse("admin:accounts_user_change", args=[ming.pk])
    response = admin_client.post(
        url,
        {
            "username": "ming", "first_name": "", "last_name": "", "email": ming.email,
            "groups": list(ming.groups.values_list("pk", flat=True)), "user_permissions": [],
            "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00",
            "display_name": "Ming Li", "job_title": "", "department": "", "language": "",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    ming.refresh_from_db()
    assert not ming.is_active
    assert sessions_of(ming) == 0
    assert not may_work(laptop)


def test_saving_an_active_person_or_an_inactive_one_again_keeps_sessions_as_they_are():
    ming = UserFactory(username="ming")
    laptop = signed_in(ming)
    ming.job_title = "Store manager"
    ming.save()
    ming.is_active = False
    ming.save(update_fields=["job_title"])  # is_active is not written: still active in the database
    assert sessions_of(ming) == 1 and may_work(laptop)
