"""Pages keep a fixed number of queries however many cases and items there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handover import services
from handover.models import State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the per-process content-type cache, as on any running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(make_case, people, n: int) -> None:
    """Add ``n`` more cases the manager supervises, each with extra items."""
    for i in range(n):
        leaver = UserFactory(username=f"grow{n}_{i}")
        departure = make_case(State.EXECUTING, employee=leaver)
        module = departure.modules.first()
        for j in range(5):
            services.item_create(actor=leaver, departure=departure, module=module, title=f"Extra {j}")


def test_my_work_queries_are_constant(client, people, make_case):
    make_case(State.EXECUTING)
    client.force_login(people.manager)
    url = reverse("handover:my_work")
    # session, user, groups (is HR, for the menu), then: cases, modules with item counts,
    # trial task counts, open accesses, important materials not found, meetings, signatures
    assert count_queries(client, url) == 10
    grow(make_case, people, 3)
    assert count_queries(client, url) == 10


def test_case_list_queries_are_constant(client, people, make_case):
    make_case(State.EXECUTING)
    client.force_login(people.hr)
    url = reverse("handover:case_list")
    # session, user, groups (is HR), count, page of cases, item counts of the page,
    # per-state chart, departments for the filter
    assert count_queries(client, url) == 8
    grow(make_case, people, 3)
    assert count_queries(client, url) == 8


def test_case_list_queries_are_constant_for_non_hr(client, people, make_case):
    make_case(State.EXECUTING)
    client.force_login(people.manager)
    url = reverse("handover:case_list")
    first = count_queries(client, url)
    grow(make_case, people, 3)
    assert count_queries(client, url) == first


def test_case_page_queries_do_not_grow_with_items(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.leaver)
    url = reverse("handover:case_detail", args=[departure.pk])
    # session, user, case, the user's grants on it, groups; the page: case with meeting, modules,
    # items, trial tasks, signatures, confirmation versions, accesses with their systems,
    # materials; progress: case,
    # modules, trial counts, open accesses, important materials, meeting, signatures;
    # the timeline (the policy answers every button from these facts without a query)
    before = count_queries(client, url)
    assert before == 21
    module = departure.modules.first()
    for j in range(30):
        services.item_create(actor=people.leaver, departure=departure, module=module, title=f"More {j}")
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=module.items.last().pk)
    assert count_queries(client, url) == before
