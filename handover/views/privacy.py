"""Privacy: the public notice, HR's retention and record, a person's download of their data, and
HR's page for one person (their data, their erasure)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import User
from handover import policy, privacy, services
from handover.errors import HandoverError
from handover.forms import EraseForm, PersonSearchForm, RetentionForm
from handover.http import AuthenticatedHttpRequest
from handover.models import ConfirmationDocument, Departure, PrivacyRecord, Retention
from handover.services.privacy import open_cases_of, person_cases, retention_due

from .common import submitted

PAGE_SIZE = 50
FOUND = 30


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What Handover keeps about people, why, for how long, and how to get it or have it erased:
    for anyone, signed in or not, read from the retention HR set."""
    context = {"retention": Retention.current(), "mail_days": services.privacy.SENT_MAIL_KEPT_DAYS}
    return render(request, "handover/privacy_notice.html", context)


def _download(data: bytes, person: User) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="handover-data-{person.pk}-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


def _cases_page(request: HttpRequest, ids: set[int]) -> Page:
    """A page of these cases, the newest first. Their number is known: the paginator does not count
    them again (a COUNT over thousands of ids in an IN list)."""
    paginator = Paginator(Departure.objects.filter(pk__in=ids).order_by("-created_at", "-pk"), PAGE_SIZE)
    paginator.count = len(ids)
    return paginator.get_page(request.GET.get("page"))


@login_required
@never_cache
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A person's own page: what is held about them, and the download of all of it."""
    if not policy.may_download_own_data(request.user):
        raise Http404
    if request.method == "POST":
        return _download(services.person_export(actor=request.user, person=request.user), request.user)
    page = _cases_page(request, person_cases(request.user.pk))
    return render(request, "handover/my_data.html", {"page": page})


@login_required
def privacy_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR: how long cases and confirmations are kept, what waits for the next run, and the record."""
    if not policy.may_manage_privacy(request.user):
        raise Http404
    retention = Retention.current()
    form = RetentionForm(request.POST if request.method == "POST" else None, instance=retention)

    def save(data: dict) -> str:
        changed = services.retention_set(
            actor=request.user, case_months=data["case_months"], confirmation_years=data["confirmation_years"]
        )
        return "saved" if changed else "unchanged"

    outcome = submitted(request, form, save)
    if outcome == "unchanged":
        messages.info(request, _("Nothing changed."))
        return redirect("handover:privacy_settings")
    if outcome == "saved":
        messages.success(request, _("The retention periods are saved; the next daily run applies them."))
        return redirect("handover:privacy_settings")
    cases_before, documents_before = retention_due()
    ended = Departure.objects.filter(state__in=privacy.ENDED_STATES)
    held = ConfirmationDocument.objects.filter(file_deleted_at=None, departure__anonymised_at__isnull=False)
    figures = {
        "due": ended.filter(anonymised_at=None, ended_at__lt=cases_before).count(),
        "anonymised": ended.exclude(anonymised_at=None).count(),
        "on_hold": held.count(),
        "hold_ending": held.filter(departure__ended_at__lt=documents_before).count(),
    }
    page = Paginator(PrivacyRecord.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "handover/privacy_settings.html",
        {"form": form, "retention": retention, "figures": figures, "page": page},
    )


@login_required
def privacy_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR finds a person (also one who left, whose account is off) to answer a request about them."""
    if not policy.may_manage_privacy(request.user):
        raise Http404
    form = PersonSearchForm(request.GET or None)
    found: list[User] = []
    # Nothing typed (or only spaces) is no search yet: no list, no "Nobody matches".
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    if searched:
        match = Q()
        for word in form.cleaned_data["q"].split():
            match &= (
                Q(display_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
        found = list(User.objects.filter(match).order_by("display_name", "username")[:FOUND])
    return render(
        request,
        "handover/privacy_people.html",
        {"form": form, "found": found, "limit": FOUND, "searched": searched},
    )


@login_required
def privacy_person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR's page for one person: the cases that name them, their data, their erasure."""
    if not policy.may_manage_privacy(request.user):
        raise Http404
    person = get_object_or_404(User, pk=pk)
    named = person_cases(person.pk)
    decision = policy.person_erase_decision(request.user, person, open_cases_of(named))
    form = EraseForm(request.POST if request.method == "POST" else None) if decision else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.person_erase(actor=request.user, person=person)
        except HandoverError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The person is erased. The record keeps only their account number."))
            return redirect("handover:privacy_person", pk=person.pk)
    page = _cases_page(request, named)
    sealed = ConfirmationDocument.objects.filter(departure__in=named, file_deleted_at=None).count()
    return render(
        request,
        "handover/privacy_person.html",
        {
            "person": person,
            "page": page,
            "decision": decision,
            "form": form,
            "sealed": sealed,
            # Erased (see services.person_erase): nothing of theirs is left to download or erase.
            "erased": policy.is_erased(person),
        },
    )


@login_required
def privacy_person_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR downloads a person's data to answer their request (someone who left cannot sign in).
    A GET (a bookmark, a reload) leads HR to the person's page; anyone else finds nothing here."""
    if not policy.may_manage_privacy(request.user):
        raise Http404
    person = get_object_or_404(User, pk=pk)
    if request.method in ("GET", "HEAD"):
        return redirect("handover:privacy_person", pk=person.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    try:
        data = services.person_export(actor=request.user, person=person)
    except HandoverError as error:
        messages.error(request, error.message)
        return redirect("handover:privacy_person", pk=person.pk)
    return _download(data, person)
