"""Settings as a fresh process reads them from a given environment: they are read once, at import,
so a test cannot change the environment and look again in its own process."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# What a developer's shell may carry that would change the answer.
CLEARED = ("DEBUG", "PORT", "HANDOVER_BASE_URL", "EMAIL_BACKEND")

PROBE = """
import json, sys
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))
"""


def settings_under(*names: str, **env: str) -> dict[str, Any]:
    """The named settings, JSON-encoded, in a process started with ``env`` and no other settings."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *names],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in CLEARED},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
