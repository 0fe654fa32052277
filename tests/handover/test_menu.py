"""The main menu shows each person the pages they may open and marks the one they are on."""

import re

import pytest
from django.urls import reverse

from handover.models import State

pytestmark = pytest.mark.django_db


def current(page: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)" aria-current="page">', page)


def test_the_entry_of_the_page_or_of_the_pages_under_it_is_marked(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.hr)
    cases, open_case = reverse("handover:case_list"), reverse("handover:case_open")
    assert current(client.get(cases).content.decode()) == [cases]
    # A case's pages are under the case list's address; opening a case has an entry of its own.
    for section in ("case_detail", "case_modules", "case_timeline"):
        page = client.get(reverse(f"handover:{section}", args=[departure.pk])).content.decode()
        assert current(page) == [cases], section
    assert current(client.get(open_case).content.decode()) == [open_case]
    assert current(client.get(reverse("handover:my_work")).content.decode()) == [reverse("handover:my_work")]


def test_each_person_sees_the_entries_the_policy_gives_them(client, people):
    client.force_login(people.leaver)
    page = client.get(reverse("handover:my_work")).content.decode()
    assert reverse("handover:case_list") in page and reverse("handover:case_open") not in page
    client.force_login(people.hr)
    page = client.get(reverse("handover:my_work")).content.decode()
    assert f'<li><a href="{reverse("handover:case_open")}">' in page
    assert f'<li><a href="{reverse("handover:privacy_settings")}">' in page
