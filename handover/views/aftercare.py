"""Aftercare pages: the case's questions to the former employee (asked, answered, solved; the
support period extended by HR), and the former employee's own page, opened by their personal link
because their login ended with their last working day."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from handover import policy, selectors, services
from handover.aftercare_links import link_holder
from handover.errors import HandoverError
from handover.forms import (
    AftercareAnswerForm,
    AftercareContactForm,
    AftercareQuestionForm,
    AlumniForm,
    SupportExtendForm,
)
from handover.http import AuthenticatedHttpRequest
from handover.models import AftercareQuestion, AlumniConsent, Departure

from .common import case_action, load_case, submitted, theirs


@login_required
def case_aftercare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    departure, access = load_case(request, pk)
    facts = selectors.case_progress(departure)
    today = timezone.localdate()
    ask = policy.aftercare_decision(facts, access, "ask", today)
    extend = policy.case_decision(facts, access, "extend_support")
    contact = policy.aftercare_contact_decision(departure.state, access)
    act = request.POST.get("act", "")
    extending = act == "extend"
    if act == "contact":
        theirs(contact)
        return _contact(request, departure, request.user, "handover:case_aftercare", pk=departure.pk)
    end_links = policy.case_decision(facts, access, "end_personal_links")
    if act == "end_links":
        theirs(end_links)
        try:
            services.personal_links_end(actor=request.user, departure=departure)
        except HandoverError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The links sent so far no longer open anything."))
        return redirect("handover:case_aftercare", pk=departure.pk)
    if request.method == "POST":
        theirs(extend if extending else ask)
    form = AftercareQuestionForm(None if extending else request.POST or None, departure=departure)
    extend_form = SupportExtendForm(request.POST if extending else None)

    def ask_it(data: dict[str, Any]) -> Any:
        return services.question_ask(
            actor=request.user,
            departure=departure,
            module_id=data["module"].pk,
            item_id=data["item"].pk if data["item"] else None,
            question=data["question"],
        )

    def extend_it(data: dict[str, Any]) -> Any:
        return services.support_extend(actor=request.user, departure=departure, **data)

    if extending and submitted(request, extend_form, extend_it):
        messages.success(request, _("The support period is extended."))
        return redirect("handover:case_aftercare", pk=departure.pk)
    if not extending and submitted(request, form, ask_it):
        messages.success(request, _("Your question is sent to %(name)s.") % {"name": departure.employee_name})
        return redirect("handover:case_aftercare", pk=departure.pk)
    questions = AftercareQuestion.objects.filter(departure=departure).select_related("module", "item")
    rows = [(q, policy.aftercare_decision(facts, access, "solve", today, q)) for q in questions]
    return render(
        request,
        "handover/aftercare.html",
        {
            "departure": departure,
            "rows": rows,
            "form": form if ask else None,
            "blocked": "" if ask.forbidden else ask.message,
            "extend_form": extend_form if extend else None,
            "contact_form": _contact_form(departure, shown=departure.aftercare_email) if contact else None,
            "may_end_links": bool(end_links),
        },
    )


@case_action(anchor="aftercare")
def question_again(request: AuthenticatedHttpRequest, departure, access, question_id: int):
    services.question_ask_again(
        actor=request.user,
        departure=departure,
        question_id=question_id,
        follow_up=request.POST.get("follow_up", ""),
    )
    messages.success(request, _("Asked again: %(name)s is told.") % {"name": departure.employee_name})


@case_action(anchor="aftercare")
def question_solved(request: AuthenticatedHttpRequest, departure, access, question_id: int):
    services.question_solve(actor=request.user, departure=departure, question_id=question_id)
    messages.success(request, _("Marked as solved. Thank you for closing the loop."))


# The personal link's token, kept in the session once opened, so that the address the pages, logs
# and error reports see never carries it.
LINK_SESSION_KEY = "handover_aftercare_link"


@never_cache
def aftercare_link(request, token: str) -> HttpResponse:
    """The link of the mail: a token Handover signed goes into the session, and the page follows at
    an address without it."""
    if link_holder(token) is None:
        raise Http404
    request.session[LINK_SESSION_KEY] = token
    return redirect("handover:aftercare_answer")


@never_cache
def aftercare_answer(request) -> HttpResponse:
    """The former employee's page: their open questions on one case, each with an answer form.
    No login: the signed link names the case and the person; the policy says whether it still
    opens anything (the support period)."""
    holder = link_holder(request.session.get(LINK_SESSION_KEY, ""))
    if holder is None:
        raise Http404
    user_id = holder.user_id
    departure = (
        Departure.objects.select_related("employee").filter(pk=holder.case_id, employee_id=user_id).first()
    )
    if departure is None:
        raise Http404
    facts = selectors.case_progress(departure)
    if not holder.fresh or not policy.may_use_personal_link(
        facts, user_id, timezone.localdate(), holder.issued_at
    ):
        return render(request, "handover/aftercare_closed.html", {"departure": departure}, status=410)
    act = request.POST.get("act", "") if request.method == "POST" else ""
    holder_access = policy.access_as(facts, user_id)
    contact = policy.aftercare_contact_decision(departure.state, holder_access)
    if act == "contact" and contact:
        return _contact(request, departure, departure.employee, request.path)
    # Their login has ended: staying in touch is offered here too, as the policy allows it.
    consent = AlumniConsent.objects.filter(departure=departure, person_id=user_id).first()
    alumni = policy.alumni_decision(departure.state, holder_access)
    if act == "alumni_leave" and consent is not None:
        services.alumni_leave(departure_id=departure.pk, person_id=user_id)
        messages.success(request, _("Your consent is withdrawn and your contact deleted."))
        return redirect(request.path)
    alumni_form = AlumniForm(request.POST if act == "alumni" else None, prefix="alumni") if alumni else None
    if alumni_form is not None and submitted(
        request,
        alumni_form,
        lambda data: services.alumni_join(actor=departure.employee, departure=departure, **data),
    ):
        messages.success(request, _("Thank you: you stay in touch."))
        return redirect(request.path)
    open_questions = AftercareQuestion.objects.filter(departure=departure, solved_at=None)
    posted = request.POST.get("question", "") if request.method == "POST" else ""
    forms = {
        question: AftercareAnswerForm(
            request.POST if posted == str(question.pk) else None,
            question_id=question.pk,
            initial={"answer": question.answer},
        )
        for question in open_questions.select_related("module", "item")
    }
    for question, form in forms.items():
        if form.is_bound and submitted(request, form, _answering(departure, question.pk)):
            messages.success(request, _("Thank you: your answer is sent."))
            return redirect(request.path)
    return render(
        request,
        "handover/aftercare_answer.html",
        {
            "departure": departure,
            "forms": forms,
            # Whoever holds a forwarded link must not read the private address: it is never shown here.
            "contact_form": _contact_form(departure) if contact else None,
            "has_private_address": bool(departure.aftercare_email),
            "consent": consent,
            "alumni_form": alumni_form if consent is None else None,
        },
    )


def _contact_form(departure: Departure, data: Any = None, shown: str = "") -> AftercareContactForm:
    return AftercareContactForm(data, initial={"email": shown}, prefix="contact")


def _contact(
    request: HttpRequest, departure: Departure, actor: Any, *back: Any, **back_kwargs: Any
) -> HttpResponse:
    """The former employee's private address, from the case's aftercare page (signed in) or their
    own page (the link); refused, the message says why (the form is one field)."""
    form = _contact_form(departure, request.POST)
    saved = submitted(
        request,
        form,
        lambda data: services.aftercare_contact_set(actor=actor, departure=departure, email=data["email"]),
    )
    if saved and form.cleaned_data["email"]:
        messages.success(request, _("Saved: this is where questions reach you after you leave."))
    elif saved:
        messages.success(request, _("Saved: questions reach you at your company address."))
    else:
        for error in [*form.non_field_errors(), *form.errors.get("email", [])]:
            messages.error(request, error)
    return redirect(*back, **back_kwargs)


def _answering(departure: Departure, question_id: int) -> Callable[[dict[str, Any]], Any]:
    def answer(data: dict[str, Any]) -> Any:
        return services.question_answer(
            actor=departure.employee, departure=departure, question_id=question_id, answer=data["answer"]
        )

    return answer
