"""Pure: the quality score of a handover, from what happened on the case, with how it was computed.

A handover starts at 100 points and loses some for each sign of friction, each capped so that one
kind cannot hide the others: items that came back with a question, trial tasks sent back for rework,
items accepted after their due date, questions the successors still had to ask in aftercare, and
what the people on the case said in the survey (an average below "Fully" costs points).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (points per occurrence, most points lost this way)
RULES: dict[str, tuple[float, float]] = {
    "returned": (2, 20),
    "rework": (3, 15),
    "late": (2, 20),
    "questions": (1, 10),
}
# Each point of the survey's average below 5 ("Fully") costs this many, at most 20 (an average of 1).
FEEDBACK_POINTS = 5

LABELS: dict[str, Promise] = {
    "returned": _("Items that came back with a question"),
    "rework": _("Trial tasks sent back for rework"),
    "late": _("Items accepted after their due date"),
    "questions": _("Questions asked in aftercare"),
    "feedback": _("Survey average (1 to 5)"),
}


@dataclass(frozen=True)
class Friction:
    """What happened on one case that the score looks at."""

    returned: int = 0
    rework: int = 0
    late: int = 0
    questions: int = 0
    # The average of every rating of the survey's answers, or None without answers.
    feedback: float | None = None


@dataclass(frozen=True)
class Part:
    label: str
    seen: str
    lost: float


@dataclass(frozen=True)
class Score:
    value: int
    parts: list[Part]


def score(friction: Friction) -> Score:
    parts = []
    for name, (each, most) in RULES.items():
        seen = getattr(friction, name)
        parts.append(Part(str(LABELS[name]), str(seen), min(most, each * seen)))
    if friction.feedback is not None:
        lost = round(FEEDBACK_POINTS * (5 - friction.feedback), 1)
        parts.append(Part(str(LABELS["feedback"]), f"{friction.feedback:.1f}", lost))
    else:
        parts.append(Part(str(LABELS["feedback"]), "—", 0))
    return Score(value=max(0, round(100 - sum(part.lost for part in parts))), parts=parts)
