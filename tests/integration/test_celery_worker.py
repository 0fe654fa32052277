"""A real Celery worker, started as its own process on the configured broker, runs the daily
digest and the aftercare task against the test database."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_string
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from handover import services
from handover.models import Departure, OutboxMessage, OutboxState, State
from handover.tasks import begin_due_aftercare, send_daily_digests
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "HANDOVER_DOCUMENT_DIR": str(tmp_path / "documents"),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield mail_dir
    process.terminate()
    process.wait(timeout=30)
    log.close()


def read_mails(folder: Path) -> list[EmailMessage]:
    """The file-based mail backend writes each message followed by a line of dashes."""
    separator = "\n" + "-" * 79 + "\n"
    texts = [text for path in folder.iterdir() for text in path.read_text().split(separator) if text.strip()]
    return [message_from_string(text, policy=default) for text in texts]


def wait_until(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("the worker did not finish in time")


def test_worker_sends_the_digest_once_and_starts_aftercare(default_templates, make_case, people, worker):
    working = make_case(State.EXECUTING, announced=False)
    leaving_today = make_case(
        State.SIGNED_OFF,
        announced=False,
        employee=UserFactory(username="leaves_today"),
        notice_date=timezone.localdate() - timedelta(days=20),
        last_working_day=timezone.localdate(),
    )
    services.announcement_send(
        actor=people.hr, departure=working, text="Leo leaves.", contact="Mia", audience="case"
    )
    # Tasks run in order on the solo worker: the second digest run follows the first,
    # and the aftercare task comes last, so once it has run both digests have too.
    send_daily_digests.delay()
    send_daily_digests.delay()
    begin_due_aftercare.delay()

    wait_until(lambda: Departure.objects.get(pk=leaving_today.pk).state == State.AFTERCARE)
    assert Departure.objects.get(pk=working.pk).state == State.EXECUTING
    # The digest is queued in the outbox, whose task (queued on commit) sends it.
    sent = OutboxMessage.objects.filter(kind="digest", state=OutboxState.SENT)
    wait_until(lambda: sent.exists())
    announced = OutboxMessage.objects.filter(kind="announcement", state=OutboxState.SENT)
    wait_until(lambda: announced.count() == 5)
    assert list(OutboxMessage.objects.filter(kind="digest").values_list("user__username", flat=True)) == [
        people.leaver.username
    ]
    mails = read_mails(worker)
    digests = [m for m in mails if m["Subject"].startswith("Handover: your open work")]
    assert len(digests) == 1
    assert digests[0]["To"] == people.leaver.email
    assert working.number in digests[0].get_content()
    # The worker also told the people on the case HR announced (not its employee).
    announcements = [m for m in mails if " is leaving on " in m["Subject"]]
    assert len(announcements) == 5 and people.leaver.email not in {m["To"] for m in announcements}
    assert leaving_today.events.filter(to_state=State.AFTERCARE, actor=None).exists()
