"""Exit feedback: the survey on how the handover went, asked at the sign-off and answered once by
the leaver, each successor and the manager."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from handover import places, policy
from handover.errors import HandoverError
from handover.models import FEEDBACK_QUESTIONS, Departure, EventKind, ExitFeedback, NoticeKind, Rating
from handover.notifications.notices import Notice, notify

from ._base import access_for, facts_of, lock_case, record


def feedback_ask(departure: Departure, actor: User | None = None) -> None:
    """At the sign-off: the leaver, the successors and the manager are asked the survey."""
    facts = facts_of(departure)
    people = {facts.employee_id, facts.manager_id, *facts.successor_ids}
    notify(
        kind=NoticeKind.FEEDBACK,
        users=User.objects.filter(pk__in=people),
        case_id=departure.pk,
        key=f"feedback:{departure.pk}",
        compose=lambda user: Notice(
            title=_("How did the handover of %(number)s go?") % {"number": departure.number},
            body=_("Four questions and a comment, two minutes: they make the next handover better."),
            link=places.case_url(departure.pk, "feedback"),
        ),
    )


def feedback_give(
    *,
    actor: User,
    departure: Departure,
    ratings: dict[str, int],
    comment: str = "",
    anonymous: bool = False,
) -> ExitFeedback:
    """One person's answers, once; the leaver may answer anonymously towards the manager."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        answered = ExitFeedback.objects.filter(departure=departure, respondent=actor).exists()
        policy.feedback_decision(departure.state, access, answered=answered).enforce()
        if anonymous and not policy.may_answer_anonymously(access):
            raise HandoverError(_("Only the departing employee answers anonymously."))
        if set(ratings) != set(FEEDBACK_QUESTIONS) or any(
            value not in Rating.values for value in ratings.values()
        ):
            raise HandoverError(_("Answer each question from “Not at all” to “Fully”."))
        try:
            with transaction.atomic():
                feedback = ExitFeedback.objects.create(
                    departure=departure,
                    respondent=actor,
                    role=policy.feedback_role(access) or "",
                    comment=comment.strip()[:4000],
                    anonymous=anonymous,
                    **ratings,
                )
        except IntegrityError as error:
            raise HandoverError(_("You have already answered the survey. Thank you.")) from error
        record(departure, actor, EventKind.FEEDBACK_GIVEN)
    return feedback
