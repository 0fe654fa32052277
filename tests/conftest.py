import importlib
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from handover import policy, selectors, services
from handover.demo import Cast, drive_to
from handover.models import Departure, State
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, section_paths

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at full strength costs most of a test's time; the hash is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_signs_in_fully(monkeypatch):
    """``client.force_login(user)`` stands for a whole sign-in, which for HR, IT and anyone with an
    authenticator includes its code: they get one, and the session counts as verified. Tests of the
    second step itself sign in through the login page (or ``client.login``), which is left as is."""
    from django.test import Client

    from tests.two_factor import verify_session

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def default_language():
    """A request leaves its language active in the thread, and the next test run by the same worker
    would read its messages in Chinese: each test starts in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture(autouse=True)
def own_cache(settings, tmp_path) -> str:
    """A cache of each test's own: the verification page counts uploads per address in it, and
    every test asks from 127.0.0.1. Files, as in embedded mode, so that a worker process started
    by the test (``CACHE_URL``, the URL answered) shares it. Beside it, the case snapshots' and
    people's grants' own caches; each snapshot or grants they (or the process's memory) answer is
    checked against a fresh read (a change that does not move the case's ``updated_at``, or does
    not give the grants a new version, fails)."""
    location = tmp_path / "cache"
    settings.HANDOVER_CHECK_CACHES = True
    # Tests reuse case ids and freeze the clock: what a process kept of another test's cases goes.
    selectors.RECENT_SNAPSHOTS.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
        },
        # As Redis keeps them in production: shared by the test's threads (the live server's too).
        **{name: {"BACKEND": LOCMEM, "LOCATION": f"{location}-{name}"} for name in ("snapshots", "grants")},
    }
    return f"filecache://{location}"


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks queued by the app run in the process that queues them, so no test leaves messages
    in a broker; only tests marked ``worker`` hand them to a real worker."""
    from config.celery import app

    if request.node.get_closest_marker("worker"):
        yield app
        return
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory):
    """One organisation key for the whole run (RSA key generation is the slow part); worker
    subprocesses find it through the environment."""
    from django.test import override_settings

    from handover.documents import seal

    folder = tmp_path_factory.mktemp("signing")
    os.environ["HANDOVER_SIGNING_DIR"] = str(folder)
    with override_settings(HANDOVER_SIGNING_DIR=folder):
        seal.init()
    return folder


@pytest.fixture(autouse=True)
def organisation_key(settings, signing_dir):
    settings.HANDOVER_SIGNING_DIR = signing_dir
    return signing_dir


@pytest.fixture
def default_templates(db) -> None:
    """The default checklists are data from a migration, which a transactional test's flush empties."""
    migration = importlib.import_module("handover.migrations.0002_default_templates")
    migration.load_default_templates(django_apps, None)


@dataclass
class People:
    hr: User
    manager: User
    leaver: User
    successor_a: User
    successor_b: User
    head: User
    stranger: User
    password: str = PASSWORD


@pytest.fixture
def people(db) -> People:
    department = DepartmentFactory(name="E-commerce Ops")
    head = UserFactory(username="head", display_name="Dora Head", roles=[Role.MANAGER], department=department)
    department.head = head
    department.save()
    return People(
        hr=UserFactory(username="hr", display_name="Hana HR", roles=[Role.HR]),
        manager=UserFactory(username="manager", display_name="Mia Manager", roles=[Role.MANAGER]),
        leaver=UserFactory(username="leaver", display_name="Leo Leaver", department=department),
        successor_a=UserFactory(username="succ_a", display_name="Sam Successor"),
        successor_b=UserFactory(username="succ_b", display_name="Bea Successor"),
        head=head,
        stranger=UserFactory(username="stranger", display_name="Stan Stranger"),
    )


def advance(departure: Departure, people: People, target: str, *, announced: bool = True) -> Departure:
    """Drive a case through the real services until it reaches ``target`` (HR announcing it to the
    people on the case as the preparation starts, unless ``announced`` is false)."""
    if target == State.CLOSED:
        Departure.objects.filter(pk=departure.pk).update(
            support_until=timezone.localdate() - timedelta(days=1)
        )
    return drive_to(
        departure,
        target,
        Cast(
            hr=people.hr,
            manager=people.manager,
            leaver=departure.employee,
            password=PASSWORD,
            announce=announced,
        ),
    )


@pytest.fixture
def make_case(people):
    def make(
        state: str = State.INTENT_CONFIRMED, *, language: str = "en", announced: bool = True, **overrides
    ) -> Departure:
        today = timezone.localdate()
        kwargs = {
            "actor": people.hr,
            "employee": people.leaver,
            "manager": people.manager,
            "successors": {"product": people.successor_a, "orders": people.successor_b},
            "reason_category": "career",
            "reason_text": "A new role closer to home.",
            "notice_date": today,
            "last_working_day": today + timedelta(days=30),
            "language": language,
        }
        kwargs.update(overrides)
        departure = services.departure_open(**kwargs)
        return advance(departure, people, state, announced=announced)

    return make


@pytest.fixture
def ready_to_sign(make_case, people):
    """A case in trial run with every item accepted and one verified trial task per module; unless
    ``independent`` is false, the manager has confirmed that each successor works alone."""

    def make(*, independent: bool = True) -> Departure:
        departure = make_case(State.TRIAL_RUN)
        for module in departure.modules.select_related("successor"):
            for item in module.items.all():
                services.item_accept(actor=module.successor, departure=departure, item_id=item.pk)
            task = services.trial_task_create(
                actor=people.leaver, departure=departure, module=module, title="Run"
            )
            services.trial_task_complete(
                actor=module.successor, departure=departure, task_id=task.pk, note="Ran"
            )
            services.trial_task_verify(actor=people.leaver, departure=departure, task_id=task.pk)
            if independent:
                services.module_independence(actor=people.manager, departure=departure, module_id=module.pk)
        return departure

    return make


@pytest.fixture
def case(make_case) -> Departure:
    return make_case()


@pytest.fixture
def whole_case(client):
    """Every page of a case as the client's user sees it, joined: the overview, each section they
    may open (404 for the others is checked) and each module's page; for tests that look for a
    button wherever the case shows it."""

    def read(departure: Departure) -> str:
        pages = []
        for name, path in zip(policy.ALL_SECTIONS, section_paths(departure), strict=True):
            response = client.get(path)
            if name in policy.INVENTORY_SECTIONS and response.status_code == 404:
                continue
            assert response.status_code == 200, (name, response.status_code)
            pages.append(response.content.decode())
        for module_id in departure.modules.values_list("pk", flat=True):
            response = client.get(reverse("handover:case_module", args=[departure.pk, module_id]))
            assert response.status_code == 200
            pages.append(response.content.decode())
        return "\n".join(pages)

    return read
