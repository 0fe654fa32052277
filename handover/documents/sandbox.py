"""A PDF's seal checked in a child process that may use only so much time and memory.

Anyone may upload a file to the verification page, and a hostile PDF can keep pyHanko parsing
for many seconds or make it allocate without end. So the worker never parses an upload itself:
it runs ``python -m handover.documents.sandbox``, which caps its own address space
(RLIMIT_AS) and CPU time (RLIMIT_CPU) before it reads the file, and kills the child when its
wall-clock time is up. This bounds one bad PDF whatever the worker's pool: Celery's own time
limits need the prefork pool, and its memory limit only replaces a worker after the task.

The child gets neither the settings nor the environment (database, keys, passphrases): the
organisation's root certificate and the file arrive on its standard input.
"""

import datetime as dt
import json
import os
import resource
import struct
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from asn1crypto import x509 as asn1_x509

from handover.documents import seal

# The folder that holds the ``handover`` package: the child imports it from there.
ROOT = Path(__file__).resolve().parents[2]
NOT_A_PDF = "not a readable PDF"


class CheckAborted(Exception):
    """The check ran out of time or memory, or the child failed: the file could not be checked."""


def check_pdf(data: bytes, *, seconds: float, memory_bytes: int) -> seal.Verdict:
    """``seal.check_pdf`` in a child process bounded in time and memory. Raises ValueError for a
    file that is not a readable PDF, SealError when there is no organisation key, CheckAborted
    when the bounds were reached."""
    root = seal.root_certificate().dump()
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    # glibc reserves 64 MB of address space per thread arena: without a cap RLIMIT_AS would count
    # reservations, not use.
    environment["MALLOC_ARENA_MAX"] = "2"
    try:
        # The command is this interpreter and this module; the untrusted file only goes to its stdin.
        child = subprocess.run(  # noqa: S603
            [sys.executable, "-E", "-s", "-B", "-m", __name__, str(memory_bytes), str(max(1, int(seconds)))],
            input=struct.pack(">I", len(root)) + root + data,
            capture_output=True,
            timeout=seconds,
            cwd=ROOT,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise CheckAborted(f"no verdict within {seconds} s") from error
    if child.returncode != 0:
        raise CheckAborted(f"the check ended with status {child.returncode}")
    answer = json.loads(child.stdout)
    if answer is None:
        raise ValueError(NOT_A_PDF)
    signed_at = answer.pop("signed_at")
    return seal.Verdict(**answer, signed_at=dt.datetime.fromisoformat(signed_at) if signed_at else None)


def _main(memory_bytes: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # Past the soft limit the kernel sends SIGXCPU, which ends the process.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    payload = sys.stdin.buffer.read()
    (length,) = struct.unpack(">I", payload[:4])
    root = asn1_x509.Certificate.load(payload[4 : 4 + length])
    try:
        verdict = seal.check_pdf(payload[4 + length :], root)
    except ValueError:
        answer = None
    else:
        answer = asdict(verdict)
        answer["signed_at"] = verdict.signed_at.isoformat() if verdict.signed_at else None
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main(int(sys.argv[1]), int(sys.argv[2]))
