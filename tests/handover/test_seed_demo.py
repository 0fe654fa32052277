from io import StringIO

import pytest
from django.core.management import call_command

from handover.models import Departure, State

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_cases_in_every_state_and_can_run_again():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    states = sorted(Departure.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            State.EXECUTING,
            State.PREPARING,
            State.TRIAL_RUN,
            State.SIGNED_OFF,
            State.INTENT_CONFIRMED,
            State.AFTERCARE,
            State.CLOSED,
        ]
    )
    assert "password: handover-demo" in out.getvalue()
    assert "leaver" in out.getvalue()
