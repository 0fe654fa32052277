"""Aftercare: the successors and the manager ask the former employee during the support period,
the former employee answers through their personal link, whoever asked marks it solved; HR extends
the support period with a reason; a departing employee's normal login ends with their last day."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from handover import formatting, places, policy
from handover.aftercare_links import personal_link
from handover.errors import HandoverError, NotFound
from handover.models import AftercareQuestion, ChecklistItem, Departure, EventKind, NoticeKind
from handover.notifications.notices import Notice, notify

from ._base import access_for, facts_of, lock_case, locked_row, record, today

QUESTION_LIMIT = 4000


def _text(value: str, empty: str) -> str:
    value = value.strip()
    if not value:
        raise HandoverError(empty)
    if len(value) > QUESTION_LIMIT:
        raise HandoverError(_("At most %(n)d characters.") % {"n": QUESTION_LIMIT})
    return value


def aftercare_contact_set(*, actor: User, departure: Departure, email: str) -> Departure:
    """The departing (or former) employee says where mail reaches them after leaving; an empty
    address goes back to their company address. What they may do is read from the case's grants,
    so the personal link works once their login has ended."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = policy.access_as(facts_of(departure), actor.pk)
        policy.aftercare_contact_decision(departure.state, access).enforce()
        departure.aftercare_email = email.strip()
        departure.save(update_fields=["aftercare_email", "updated_at"])
        record(departure, actor, EventKind.AFTERCARE_CONTACT)
    return departure


def personal_links_end(*, actor: User, departure: Departure) -> Departure:
    """HR ends every personal link sent to the former employee so far (a mail forwarded or gone
    astray); the next question or reminder mails a new one, to the company address: whoever held a
    stray link may have changed the private one."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "end_personal_links").enforce()
        departure.links_ended_at, departure.aftercare_email = timezone.now(), ""
        departure.save(update_fields=["links_ended_at", "aftercare_email", "updated_at"])
        record(departure, actor, EventKind.LINKS_ENDED)
    return departure


def _tell_former_employee(departure: Departure, key: str, title: Callable[[], str], body: str) -> None:
    """Mail the former employee a question with their personal link; ``title`` is read in their
    language."""
    notify(
        kind=NoticeKind.AFTERCARE,
        users=[departure.employee],
        case_id=departure.pk,
        key=key,
        compose=lambda user: Notice(title=title(), body=body, link=personal_link(departure.pk, user.pk)),
    )


def question_ask(
    *, actor: User, departure: Departure, module_id: int, question: str, item_id: int | None = None
) -> AftercareQuestion:
    """A successor or the manager asks the former employee about a module (or one of its items);
    the former employee is told by mail, with their personal link."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        facts = facts_of(departure)
        policy.aftercare_decision(facts, access, "ask", today()).enforce()
        module = departure.modules.filter(pk=module_id).first()
        if module is None:
            raise NotFound
        item = None
        if item_id is not None:
            item = ChecklistItem.objects.filter(pk=item_id, module=module).first()
            if item is None:
                raise HandoverError(_("Choose an item of the chosen module, or none."))
        row = AftercareQuestion.objects.create(
            departure=departure,
            module=module,
            item=item,
            asker=actor,
            asker_name=actor.name,
            question=_text(question, _("Write your question.")),
        )
        record(departure, actor, EventKind.QUESTION_ASKED, subject=row.question)
        _tell_former_employee(
            departure,
            f"aftercare-asked:{row.pk}",
            lambda: (
                _("%(name)s asks you about %(module)s")
                % {"name": actor.name, "module": module.get_kind_display()}
            ),
            row.question,
        )
    return row


def question_answer(*, actor: User, departure: Departure, question_id: int, answer: str) -> AftercareQuestion:
    """The former employee answers (through their personal link: their login has ended, so what
    they may do is read from the case's grants, not from a session); whoever asked is told."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        facts = facts_of(departure)
        access = policy.access_as(facts, actor.pk)
        row = locked_row(AftercareQuestion.objects.filter(departure=departure), pk=question_id)
        policy.aftercare_decision(facts, access, "answer", today(), row).enforce()
        row.answer = _text(answer, _("Write your answer."))
        row.answered_at = timezone.now()
        row.save(update_fields=["answer", "answered_at"])
        # The answer itself on the timeline: a changed answer leaves the earlier one there.
        record(departure, actor, EventKind.QUESTION_ANSWERED, subject=row.answer)
        if row.asker is not None:
            notify(
                kind=NoticeKind.ITEM_ANSWERED,
                users=[row.asker],
                case_id=departure.pk,
                key=f"aftercare-answered:{row.pk}:{row.answered_at.isoformat()}",
                compose=lambda user: Notice(
                    title=_("%(name)s answered: “%(question)s”")
                    % {"name": departure.employee_name, "question": row.question[:80]},
                    body=row.answer,
                    link=places.case_url(departure.pk, "aftercare"),
                ),
            )
    return row


def question_solve(*, actor: User, departure: Departure, question_id: int) -> AftercareQuestion:
    """Whoever asked marks the answer as solving it."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        row = locked_row(AftercareQuestion.objects.filter(departure=departure), pk=question_id)
        policy.aftercare_decision(facts_of(departure), access, "solve", today(), row).enforce()
        row.solved_at = timezone.now()
        row.save(update_fields=["solved_at"])
        record(departure, actor, EventKind.QUESTION_SOLVED, subject=row.question)
    return row


def question_ask_again(
    *, actor: User, departure: Departure, question_id: int, follow_up: str
) -> AftercareQuestion:
    """Whoever asked says the answer does not solve it and asks again: the follow-up joins the
    question, which waits for an answer again, and the former employee is told."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        row = locked_row(AftercareQuestion.objects.filter(departure=departure), pk=question_id)
        policy.aftercare_decision(facts_of(departure), access, "solve", today(), row).enforce()
        follow_up = _text(follow_up, _("Say what is still unclear."))
        row.question = f"{row.question}\n\n{row.answer}\n\n{actor.name}: {follow_up}"[: QUESTION_LIMIT * 4]
        row.answer, row.answered_at = "", None
        row.save(update_fields=["question", "answer", "answered_at"])
        record(departure, actor, EventKind.QUESTION_ASKED, subject=follow_up)
        module = row.module
        _tell_former_employee(
            departure,
            f"aftercare-again:{row.pk}:{timezone.now().timestamp()}",
            lambda: (
                _("%(name)s asks you again about %(module)s")
                % {"name": actor.name, "module": module.get_kind_display()}
            ),
            follow_up,
        )
    return row


def support_extend(*, actor: User, departure: Departure, until: date, reason: str) -> Departure:
    """HR gives the support period more time, with a reason kept on the timeline."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "extend_support").enforce()
        if until <= departure.support_until:
            raise HandoverError(
                _("Choose a day after the current end of the support period (%(day)s).")
                % {"day": formatting.day(departure.support_until)}
            )
        if not policy.date_in_range(until):
            raise HandoverError(policy.date_range_message())
        if not reason.strip():
            raise HandoverError(
                _("Say why the support period is extended; the reason stays on the timeline.")
            )
        departure.support_until = until
        departure.save(update_fields=["support_until"])
        record(
            departure,
            actor,
            EventKind.SUPPORT_EXTENDED,
            subject=f"{formatting.day(until)}: {reason.strip()}",
        )
    return departure


def former_logins_end(day: date | None = None) -> int:
    """Each departing employee whose last working day is over, on a signed-off case, can no longer
    sign in (their sessions end with it); once per case. The query only narrows the candidates: the
    policy decides for each, under the case's lock."""
    day = day or today()
    candidates = list(
        Departure.objects.filter(
            state__in=policy.LOGIN_ENDING_STATES, last_working_day__lt=day, employee__is_active=True
        )
        .exclude(events__kind=EventKind.LOGIN_ENDED)
        .values_list("pk", flat=True)
    )
    ended = 0
    for case_id in candidates:
        with transaction.atomic():
            departure = lock_case(case_id)
            if not policy.login_should_end(departure.state, departure.last_working_day, day):
                continue
            employee = User.objects.select_for_update().get(pk=departure.employee_id)
            employee.is_active = False
            employee.save(update_fields=["is_active"])
            record(departure, None, EventKind.LOGIN_ENDED, subject=employee.name)
        ended += 1
    return ended
