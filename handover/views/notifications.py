"""The notification centre (the bell on every page and the list behind it), each person's choices of
how messages reach them, and HR's list of messages that could not be sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from handover import policy, services
from handover.errors import HandoverError
from handover.forms import ChatChannelForm, NotificationSettingsForm, OwnChatForm
from handover.http import AuthenticatedHttpRequest
from handover.models import ChatChannel, NoticeKind, Notification, OutboxMessage, OutboxState
from handover.notifications.notices import Choice, choices

from .common import submitted

PAGE_SIZE = 30


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = Notification.objects.filter(user=request.user).select_related("departure")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "handover/notifications/list.html", {"page": page, "unread": unread})


@login_required
def unread_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell's count, asked by the page as it loads and again every few seconds."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "handover/notifications/unread.html", {"unread": unread})


@login_required
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a notice: it is read, and its page follows."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notifications_read(user=request.user, notification_id=notice.pk)
    if not url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        raise Http404
    return redirect(notice.link)


@login_required
@require_POST
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every notice read (or the one posted)."""
    chosen = request.POST.get("notification", "")
    services.notifications_read(user=request.user, notification_id=int(chosen) if chosen.isdigit() else None)
    messages.success(request, _("Marked as read."))
    return redirect("handover:notifications")


def _chosen(user) -> dict[str, Choice]:
    return {kind: choice for (_user, kind), choice in choices([user.pk], NoticeKind.values).items()}


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST or None, user=request.user, chosen=_chosen(request.user))

    def save(data: dict) -> bool:
        services.notice_settings_save(user=request.user, **data)
        return True

    if submitted(request, form, save):
        messages.success(request, _("Your choices are saved."))
        return redirect("handover:notification_settings")
    return _settings_page(request, form, OwnChatForm())


def _settings_page(request: AuthenticatedHttpRequest, form, chat_form) -> HttpResponse:
    own = ChatChannel.objects.filter(owner=request.user).first()
    return render(
        request,
        "handover/notifications/settings.html",
        {"form": form, "chat_form": chat_form, "own_chat": own},
    )


@login_required
@require_POST
def own_chat(request: AuthenticatedHttpRequest, act: str) -> HttpResponse:
    """A person connects their own chat, sends it a test message, or disconnects it."""
    if act == "connect":
        form = OwnChatForm(request.POST)
        if not submitted(request, form, lambda data: services.own_chat_connect(actor=request.user, **data)):
            settings_form = NotificationSettingsForm(user=request.user, chosen=_chosen(request.user))
            return _settings_page(request, settings_form, form)
        messages.success(request, _("Your chat is connected. Send it a test message to check."))
    elif act == "test":
        services.own_chat_test(actor=request.user)
        messages.success(request, _("Test message sent; it should reach your chat within a minute."))
    elif act == "disconnect":
        services.own_chat_disconnect(actor=request.user)
        messages.success(request, _("Your chat is disconnected."))
    else:
        raise Http404
    return redirect("handover:notification_settings")


@login_required
def outbox_failed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR: messages that could not be sent after every try, with why; and those still retrying."""
    if not policy.may_use_hr_pages(request.user):
        raise Http404
    troubled = OutboxMessage.objects.filter(
        state__in=[OutboxState.FAILED, OutboxState.PENDING, OutboxState.SENDING], attempts__gt=0
    ).select_related("departure")
    page = Paginator(troubled.order_by("-not_before", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "handover/notifications/failed.html", {"page": page})


@login_required
@require_POST
def outbox_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not policy.may_use_hr_pages(request.user):
        raise Http404
    try:
        services.outbox_retry(actor=request.user, message_id=pk)
    except HandoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("handover:outbox_failed")


@login_required
def chat_channels(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR: the group chats connected (per department, or the organisation's), and a form to connect one."""
    if not policy.may_use_hr_pages(request.user):
        raise Http404
    form = ChatChannelForm(request.POST or None)
    if submitted(request, form, lambda data: services.chat_channel_connect(actor=request.user, **data)):
        messages.success(request, _("The chat group is connected. Send it a test message to check."))
        return redirect("handover:chat_channels")
    groups = ChatChannel.objects.filter(owner__isnull=True).select_related("department")
    failed = OutboxMessage.objects.filter(state=OutboxState.FAILED).count()
    return render(
        request,
        "handover/notifications/chat_channels.html",
        {"form": form, "groups": groups, "failed": failed},
    )


@login_required
@require_POST
def chat_channel_act(request: AuthenticatedHttpRequest, pk: int, act: str) -> HttpResponse:
    """HR sends a group a test message, or disconnects it."""
    if not policy.may_use_hr_pages(request.user) or act not in ("test", "disconnect"):
        raise Http404
    if act == "test":
        services.chat_channel_test(actor=request.user, channel_id=pk)
        messages.success(
            request, _("Test message sent; if it does not arrive, the messages not sent say why.")
        )
    else:
        services.chat_channel_disconnect(actor=request.user, channel_id=pk)
        messages.success(request, _("The chat group is disconnected."))
    return redirect("handover:chat_channels")
