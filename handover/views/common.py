from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from handover import policy
from handover.errors import HandoverError
from handover.models import Departure
from handover.permissions import CaseAccess, case_access
from handover.places import case_url


def load_case(request: HttpRequest, pk: int) -> tuple[Departure, CaseAccess]:
    """The case and what this user may do on it; a case they may not see does not exist (404)."""
    departure = get_object_or_404(Departure.objects.select_related("department", "meeting"), pk=pk)
    access = case_access(request.user, departure)
    if not access.can_view:
        raise Http404
    return departure, access


def theirs(decision: policy.Decision) -> None:
    """A page for an act opens for whoever the act is for (403 for anyone else who sees the case);
    what blocks it now, the service says when it is submitted."""
    if decision.forbidden:
        raise PermissionDenied


def case_action(anchor: str = "") -> Callable[[Callable], Callable]:
    """A POST-only action on a case: 404 unless visible, domain errors become a message.

    The wrapped view returns a response or None; then, and after an error, the page of the case
    that shows ``anchor`` follows (formatted with the view's URL arguments, e.g. "access-{access_id}").
    """

    def decorate(view: Callable) -> Callable:
        @login_required
        @require_POST
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            departure, access = load_case(request, pk)
            back = case_url(departure.pk, anchor.format(**kwargs))
            try:
                response = view(request, departure, access, *args, **kwargs)
            except HandoverError as error:
                messages.error(request, error.message)
                return redirect(back)
            return response or redirect(back)

        return wrapper

    return decorate


def module_form_page(
    request: HttpRequest,
    pk: int,
    module_id: int,
    *,
    form_class: Any,
    act: Callable[[Departure, dict[str, Any]], Any],
    title: str,
    submit: str,
    done: str,
) -> HttpResponse:
    """A form about one of the case's modules, posted from the module's page: done, back to the
    module; refused, the form again on a page of its own with what was typed and why. Another case's
    module is not found; a GET goes to the module, where the form lives."""
    departure, _access = load_case(request, pk)
    if not departure.modules.filter(pk=module_id).exists():
        raise Http404
    back = case_url(departure.pk, f"module-{module_id}")
    if request.method != "POST":
        return redirect(back)
    form = form_class(request.POST, module=departure.modules.get(pk=module_id))
    if submitted(request, form, lambda data: act(departure, data) or True):
        messages.success(request, done)
        return redirect(back)
    return form_page(request, departure, form, title=title, submit=submit, back=back)


def query_without(request: HttpRequest, *keys: str) -> str:
    """The page's query string without ``keys`` (the page number, a row to find): what its pager
    and filters carry on."""
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


def form_page(
    request: HttpRequest,
    departure: Departure,
    form: Any,
    *,
    title: str,
    submit: str,
    back: str,
    intro: str = "",
    files: bool = False,
    danger: bool = False,
    blocked: str = "",
) -> HttpResponse:
    """A page with one form (or only a confirmation, when ``form`` is None) about a case; when the
    act is blocked now, the reason instead of the form, so nobody fills in a form in vain."""
    return render(
        request,
        "handover/form_page.html",
        {
            "departure": departure,
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "intro": intro,
            "multipart": files,
            "danger": danger,
            "blocked": blocked,
        },
    )


def submitted(request: HttpRequest, form: Any, act: Callable[[dict[str, Any]], Any]) -> Any:
    """For a valid POST, what ``act(cleaned_data)`` returns; None when there is nothing to act on
    yet or the service refused (its message is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except HandoverError as error:
        form.add_error(None, error.message)
        return None


@sensitive_variables()
def inventory_case(request: HttpRequest, pk: int) -> tuple[Departure, CaseAccess]:
    """The case, for someone who may see its accounts and materials; 404 for anyone else."""
    departure, access = load_case(request, pk)
    if not access.can_see_inventory:
        raise Http404
    return departure, access


def case_row(
    request: HttpRequest, pk: int, rows: QuerySet[Any], row_id: int
) -> tuple[Departure, CaseAccess, Any]:
    """The case, what this person may do on it, and one of its accounts or materials: 404 for
    anyone who may not see the inventory, and for a row of another case."""
    departure, access = inventory_case(request, pk)
    row = rows.filter(pk=row_id, departure=departure).first()
    if row is None:
        raise Http404
    return departure, access, row
