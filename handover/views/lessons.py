from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from handover import services
from handover.forms import LessonForm
from handover.http import AuthenticatedHttpRequest

from .common import case_action, module_form_page


@login_required
def lesson_add(request: AuthenticatedHttpRequest, pk: int, module_id: int) -> HttpResponse:
    def act(departure, data):
        item = data.pop("item")
        services.lesson_add(
            actor=request.user,
            departure=departure,
            module_id=module_id,
            item_id=item.pk if item is not None else None,
            **data,
        )

    return module_form_page(
        request,
        pk,
        module_id,
        form_class=LessonForm,
        act=act,
        title=_("Note a lesson learned"),
        submit=_("Note the lesson"),
        done=_("The lesson is noted."),
    )


@case_action("module-{module_id}")
def lesson_remove(request: AuthenticatedHttpRequest, departure, access, module_id: int, lesson_id: int):
    services.lesson_remove(actor=request.user, departure=departure, lesson_id=lesson_id)
    messages.success(request, _("The lesson is removed."))
