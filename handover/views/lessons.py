from django.contrib import messages
from django.utils.translation import gettext as _

from handover import services
from handover.forms import LessonForm
from handover.http import AuthenticatedHttpRequest

from .common import case_action, posted_module_form


@case_action("module-{module_id}")
def lesson_add(request: AuthenticatedHttpRequest, departure, access, module_id: int):
    data = posted_module_form(
        request,
        departure,
        module_id,
        LessonForm,
        lambda form: _("Say what went wrong and how it was solved."),
    )
    item = data.pop("item")
    services.lesson_add(
        actor=request.user,
        departure=departure,
        module_id=module_id,
        item_id=item.pk if item is not None else None,
        **data,
    )
    messages.success(request, _("The lesson is noted."))


@case_action("module-{module_id}")
def lesson_remove(request: AuthenticatedHttpRequest, departure, access, module_id: int, lesson_id: int):
    services.lesson_remove(actor=request.user, departure=departure, lesson_id=lesson_id)
    messages.success(request, _("The lesson is removed."))
