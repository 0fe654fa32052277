"""Pages keep a fixed number of queries however many cases and items there are."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handover import selectors, services
from handover.models import AccessSystem, State
from tests.conftest import advance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counted_as_served(settings) -> None:
    """Queries as a server reads them: without the tests' check of the cached case snapshots."""
    settings.HANDOVER_CHECK_CACHES = False


def count_queries(client, url: str) -> int:
    """The queries of a page whose cases' snapshots are not cached (the most it reads)."""
    client.get(url)  # warm the per-process content-type cache, as on any running server
    for each in caches.all():
        each.clear()
    selectors.RECENT_SNAPSHOTS.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def session_read(settings) -> int:
    """The session's query on a page once it is stored: none when sessions are read from the cache
    (with Redis)."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def grow(make_case, people, n: int) -> None:
    """Add ``n`` more cases the manager supervises, each with extra items."""
    for i in range(n):
        leaver = UserFactory(username=f"grow{n}_{i}")
        departure = make_case(State.EXECUTING, employee=leaver)
        module = departure.modules.first()
        for j in range(5):
            services.item_create(actor=leaver, departure=departure, module=module, title=f"Extra {j}")


def test_my_work_queries_are_constant(client, people, make_case, settings):
    make_case(State.EXECUTING)
    client.force_login(people.manager)
    url = reverse("handover:my_work")
    # session, user, their roles and permissions (one query, accounts.grants: a server keeps them
    # between requests, a test's transaction reads them each time), then: the modules the person
    # takes over, the cases' snapshot names (their updated_at), and, none being cached: cases,
    # modules with item counts, trial task counts, open accesses, important materials not found,
    # follow-ups open, meetings, signatures, demonstrations due, demonstrations unconfirmed
    assert count_queries(client, url) == 15
    grow(make_case, people, 3)
    assert count_queries(client, url) == 15
    # Cached (nothing changed since): the session (unless it is cached too), the user, roles,
    # modules and names alone.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 4 + session_read(settings)


def test_case_list_queries_are_constant(client, people, make_case, settings):
    make_case(State.EXECUTING)
    client.force_login(people.hr)
    url = reverse("handover:case_list")
    # session, user, the two-factor device that verified the session (HR must have one), roles and
    # permissions (is HR, may open a case: for the menu), per-state chart (which also counts the
    # cases), page of cases, departments for the filter; and, the page's cases not being cached,
    # their facts (ten queries, as My work)
    assert count_queries(client, url) == 17
    grow(make_case, people, 3)
    assert count_queries(client, url) == 17
    # Filtered by more than the state, the list counts its cases itself.
    assert count_queries(client, f"{url}?q=HO") == 18
    # Cached (nothing changed since): no facts read.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 6 + session_read(settings)


@pytest.mark.parametrize("role", ["hr", "manager", "head"])
def test_the_case_list_counts_what_it_shows(client, people, make_case, role):
    """The count and the pages come from the chart when only the state filters the list: they
    must be those of the cases the person sees, filtered or not."""
    for n in range(3):
        make_case(State.EXECUTING, employee=UserFactory(username=f"count{n}"))
    make_case(State.PREPARING)
    user = getattr(people, role)
    client.force_login(user)
    for query in ("", "?state=executing", "?state=preparing", "?state=closed", "?q=HO"):
        state = query.removeprefix("?state=") if query.startswith("?state=") else ""
        filters = selectors.CaseFilters(state=state, q="HO" if "q=" in query else "")
        expected = selectors.case_list(user, filters).count()
        page = client.get(reverse("handover:case_list") + query).content.decode()
        assert f"{expected} case" in page, (role, query)
        assert page.count('<tr><td><a href="/cases/') == expected


def test_case_list_queries_are_constant_for_non_hr(client, people, make_case):
    make_case(State.EXECUTING)
    client.force_login(people.manager)
    url = reverse("handover:case_list")
    first = count_queries(client, url)
    grow(make_case, people, 3)
    assert count_queries(client, url) == first


# Queries of each page of a case: session, user, case with its meeting and department, the user's
# grants on it, their roles and permissions; when the case's snapshot is not cached
# (handover.selectors.snapshots), its name (the case's updated_at) then the facts (case, modules
# with item counts, trial counts, accesses, materials, follow-ups, meeting, signatures,
# demonstrations due and unconfirmed): 16.
# Then what the section itself reads.
SECTION_QUERIES = {
    "case_detail": 17,  # confirmation versions
    "case_modules": 18,  # modules, the first items of the viewer's own modules
    # The module, its items' count, a page of them, the demonstrations covering them, its
    # follow-ups, check-ins and lessons learned, and the items a lesson may be about (for those who
    # may note one), and whether it has an operation manual.
    "case_module": 25,
    "case_accounts": 19,  # modules, the count, a page of accounts with their systems
    "case_materials": 19,
    "case_meeting": 18,  # its participants; the demonstrations (with items and attendees when some)
    "case_trial": 17,  # trial tasks with their modules
    "case_signatures": 18,  # signatures, confirmation versions
    "case_timeline": 18,  # the count, a page of events
}


@pytest.fixture
def system(db) -> AccessSystem:
    return AccessSystem.objects.create(name="Tmall seller centre", category="marketplace")


def add_rows(departure, module, people, system, start: int, n: int) -> None:
    for j in range(start, start + n):
        services.item_create(actor=people.leaver, departure=departure, module=module, title=f"More {j}")
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=module.items.last().pk)
        services.access_create(
            actor=people.leaver,
            departure=departure,
            module=module,
            system=system,
            account=f"a{j}",
            kind="personal",
        )
        services.material_create(
            actor=people.leaver,
            departure=departure,
            module=module,
            title=f"M{j}",
            category="contract",
            medium="electronic",
            location="Drive",
            importance="high",
        )


@pytest.mark.parametrize("section", SECTION_QUERIES)
@pytest.mark.parametrize("role", ["leaver", "successor_a", "hr"])
def test_case_page_queries_do_not_grow_with_rows(client, people, make_case, system, section, role):
    """From a few rows to more than a page of them (50): the same queries on every page."""
    departure = make_case(State.EXECUTING)
    module = departure.modules.get(kind="product")
    add_rows(departure, module, people, system, 0, 3)
    client.force_login(getattr(people, role))
    args = [departure.pk, module.pk] if section == "case_module" else [departure.pk]
    url = reverse(f"handover:{section}", args=args)
    before = count_queries(client, url)
    add_rows(departure, module, people, system, 3, 60)
    # HR takes no module over: nothing of theirs to open on the modules section, no lesson to note.
    expected = SECTION_QUERIES[section] - (section in ("case_modules", "case_module") and role == "hr")
    # HR's session loads the two-factor device that verified it.
    expected += role == "hr"
    assert count_queries(client, url) == before == expected


def test_manual_page_queries_are_constant(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    module = departure.modules.get(kind="product")

    def grow_manual(start: int, n: int) -> None:
        for j in range(start, start + n):
            lesson = services.lesson_add(
                actor=people.manager, departure=departure, module_id=module.pk, went_wrong=f"W{j}", solved="S"
            )
            services.manual_add_lesson(
                actor=people.manager, departure=departure, module_id=module.pk, lesson_id=lesson.pk
            )
            services.lesson_add(
                actor=people.manager, departure=departure, module_id=module.pk, went_wrong=f"N{j}", solved="S"
            )
            question = services.question_ask(
                actor=people.successor_a, departure=departure, module_id=module.pk, question=f"Q{j}"
            )
            services.question_answer(
                actor=people.leaver, departure=departure, question_id=question.pk, answer="A"
            )

    grow_manual(0, 2)
    client.force_login(people.successor_a)
    url = reverse("handover:module_manual", args=[departure.pk, module.pk])
    # session, user, roles (is HR, for the menu), case with its department, module, the user's
    # grants on the case; the manual, its latest versions, the lessons and the answered questions
    # not taken in yet (with their items)
    first = count_queries(client, url)
    assert first == 10
    grow_manual(2, 15)
    assert count_queries(client, url) == first
    history = reverse("handover:manual_history", args=[departure.pk, module.pk])
    # the same six, then the versions' count and a page of them
    assert count_queries(client, history) == 8
    version = reverse("handover:manual_version", args=[departure.pk, module.pk, 3])
    assert count_queries(client, version) == 7  # the six, then the version and the one before


def test_manual_library_queries_are_constant(client, people, make_case):
    departure = make_case(State.EXECUTING)
    for module in departure.modules.all():
        services.manual_save(
            actor=people.leaver, departure=departure, module_id=module.pk, body="# How", base_version=0
        )
    client.force_login(people.successor_a)
    url = reverse("handover:manual_library")
    # session, user, roles (is HR, for the menu), the modules they hold (as department and kind
    # pairs), the count and the page of manuals with their modules and cases
    assert count_queries(client, url) == 6
    for n in range(3):
        other = make_case(State.EXECUTING, employee=UserFactory(username=f"lib{n}"))
        for module in other.modules.all():
            services.manual_save(
                actor=other.employee, departure=other, module_id=module.pk, body="# How", base_version=0
            )
    assert count_queries(client, url) == 6


def test_template_page_queries_are_constant(client, people, make_case):
    from handover.models import ChecklistTemplate, TemplateItem
    from handover.services.templates import template_item_save

    def close_a_case(n: int) -> None:
        leaver = UserFactory(username=f"taught{n}")
        departure = make_case(State.EXECUTING, employee=leaver)
        module = departure.modules.first()
        for j in range(3):
            services.item_create(actor=leaver, departure=departure, module=module, title=f"Taught {n}.{j}")
        from tests.conftest import advance

        advance(departure, people, State.CLOSED)

    close_a_case(0)
    template = ChecklistTemplate.objects.get(language="en", is_default=True)
    client.force_login(people.hr)
    url = reverse("handover:template_detail", args=[template.pk])
    # session, user, the two-factor device, roles and permissions, the template, the proposals
    # waiting (with their cases and targets), its latest versions, its items
    first = count_queries(client, url)
    assert first == 8
    close_a_case(1)
    template_item_save(
        actor=people.hr, item=TemplateItem(template=template, module="orders", title="One more")
    )
    assert count_queries(client, url) == first


def after_the_sign_off(make_case, people, n: int) -> list:
    """``n`` more cases in aftercare, each with a question answered, the survey answered by the
    manager and the leaver's consent to stay in touch."""
    made = []
    for i in range(n):
        leaver = UserFactory(username=f"after{n}_{i}")
        departure = make_case(State.AFTERCARE, employee=leaver)
        module = departure.modules.first()
        question = services.question_ask(
            actor=people.manager, departure=departure, module_id=module.pk, question=f"Where {i}?"
        )
        services.question_answer(actor=leaver, departure=departure, question_id=question.pk, answer="Here.")
        services.feedback_give(
            actor=people.manager,
            departure=departure,
            ratings={
                "time_enough": 3,
                "materials_complete": 4,
                "demonstrations_useful": 4,
                "trial_useful": 5,
            },
            comment=f"Comment {i}",
        )
        services.alumni_join(
            actor=leaver, departure=departure, contact=f"{leaver.username}@example.org", news=True
        )
        made.append(departure)
    return made


def test_pages_after_the_sign_off_keep_their_queries(client, people, make_case):
    [departure] = after_the_sign_off(make_case, people, 1)
    # Every page: session, user, HR's two-factor device, roles and permissions (is HR, and for the
    # menu) (4); a case page also reads the case and HR's grants on it (6).
    pinned = {
        # averages per template and per department, the latest comments, quality per version
        reverse("handover:feedback_figures"): 8,
        # the count and a page of consents (with their cases and rehire notes)
        reverse("handover:alumni_list"): 6,
        # the case's snapshot name and facts (12 with a case in aftercare), its questions with their
        # modules and items
        reverse("handover:case_aftercare", args=[departure.pk]): 19,
        reverse("handover:case_feedback", args=[departure.pk]): 7,  # the answers
        reverse("handover:case_alumni", args=[departure.pk]): 8,  # the consent, the rehire note
        # the retention, four counts, the count and a page of the record
        reverse("handover:privacy_settings"): 11,
        # the person, the cases that name them (one union), which are open, a page of the cases
        # (their number is known: no count), the confirmations that name them
        reverse("handover:privacy_person", args=[departure.employee_id]): 9,
        # the cases that name HR and a page of them
        reverse("handover:my_data"): 6,
    }
    client.force_login(people.hr)
    assert {url: count_queries(client, url) for url in pinned} == pinned
    client.force_login(people.manager)
    aftercare = reverse("handover:case_aftercare", args=[departure.pk])
    assert count_queries(client, aftercare) == 20  # no two-factor device
    for other in after_the_sign_off(make_case, people, 3):
        services.question_ask(
            actor=people.manager,
            departure=departure,
            module_id=departure.modules.first().pk,
            question="More?",
        )
        advance(other, people, State.CLOSED)
    assert count_queries(client, aftercare) == 20
    client.force_login(people.hr)
    assert {url: count_queries(client, url) for url in pinned} == pinned
