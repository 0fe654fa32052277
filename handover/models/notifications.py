"""Reaching people: notices in the app, what each person chose to receive, and the outbox every
message leaves through."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from handover.notifications.chat import Platform


class NoticeKind(models.TextChoices):
    """Kinds of message a person can choose about."""

    ITEM_RETURNED = "item_returned", _("An item came back with a question")
    ITEM_ANSWERED = "item_answered", _("A question of yours was answered")
    TRIAL_DONE = "trial_done", _("A trial task is done and waits for you")
    TRIAL_REWORK = "trial_rework", _("A trial task was sent back to you")
    SIGNATURE_VOIDED = "signature_voided", _("Your signature was voided by a change")
    CONFIRMATION_READY = "confirmation_ready", _("The signed confirmation is ready")
    ANNOUNCEMENT = "announcement", _("Announcements of a departure that concerns you")
    INVITATION = "invitation", _("Invitations to the meeting and demonstrations")
    DUE = "due", _("Reminders of due dates and the last working day")
    UPCOMING = "upcoming", _("Reminders of the meeting and demonstrations coming up")
    WAITING = "waiting", _("Reminders of work waiting for you: questions, trial tasks, signatures")
    ESCALATION = "escalation", _("Late work on the cases you supervise")
    AFTERCARE = "aftercare", _("Questions from your successors after you left")
    FEEDBACK = "feedback", _("The survey on how the handover went")


class Timing(models.TextChoices):
    NOW = "now", _("At once")
    DIGEST = "digest", _("In the daily digest")
    APP_ONLY = "app", _("No mail")


class Notification(models.Model):
    """A notice in the person's notification centre; created in the transaction of the act that
    causes it, once (``key``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    departure = models.ForeignKey(
        "handover.Departure",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Waiting for the next daily digest (the person chose the digest for this kind).
    in_next_digest = models.BooleanField(_("in the next digest"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="unread_notifications")]

    def __str__(self) -> str:
        return self.title


class NoticePreference(models.Model):
    """How one person wants one kind of message; without a row, the default (mail at once, not to
    their own chat)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    timing = models.CharField(_("mail"), max_length=10, choices=Timing.choices, default=Timing.NOW)
    # Also posted to the person's own chat, when they connected one.
    chat = models.BooleanField(_("to my chat"), default=False)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.timing}"


class Channel(models.TextChoices):
    MAIL = "mail", _("Mail")
    CHAT = "chat", _("Chat group")


class ChatChannel(models.Model):
    """A group chat's bot (WeCom, DingTalk, Feishu/Lark, Slack, Teams) that HR connects for a
    department, or for the whole organisation; or a person's own chat bot (``owner``). Its webhook
    address carries the bot's token and, with the signing secret, is kept encrypted with the vault
    key; pages show only its host."""

    name = models.CharField(_("name"), max_length=120)
    # A person's own chat (a bot in a chat of theirs), which only they connect and choose for
    # messages; groups have none.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation (announcements only)."),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    host = models.CharField(_("host"), max_length=255)
    webhook_token = models.BinaryField(_("webhook address (encrypted)"))
    secret_token = models.BinaryField(_("signing secret (encrypted)"), blank=True, default=b"")
    key_id = models.CharField(_("vault key"), max_length=16, editable=False)
    announcements = models.BooleanField(_("departure announcements"), default=True)
    escalations = models.BooleanField(_("late work and escalations"), default=True)
    created_by_name = models.CharField(_("connected by"), max_length=150)
    created_at = models.DateTimeField(_("connected at"), auto_now_add=True)

    class Meta:
        ordering = ["department__name", "name", "id"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(owner__isnull=False), name="one_own_chat_per_person"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A message on its way out, written before it is sent, in the transaction of the act that causes
    it. ``key`` makes it once; a worker claims it for a while (``lease_until``) to send it, so that a
    second worker, a second run or a worker that died leave it sent exactly once."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=254)
    departure = models.ForeignKey(
        "handover.Departure",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # An iCalendar invitation sent with the mail (REQUEST or CANCEL, in the file itself).
    calendar = models.TextField(_("calendar invitation"), blank=True)
    # A chat message: the group it goes to, and the page it links to with the link's words.
    chat_channel = models.ForeignKey(
        ChatChannel,
        verbose_name=_("chat channel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    link = models.CharField(_("link"), max_length=500, blank=True)
    link_label = models.CharField(_("link text"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(_("not before"), db_index=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["state", "not_before"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}: {self.subject}"


class Audience(models.TextChoices):
    """Who reads a departure's announcement, besides the people on the case (always told)."""

    CASE = "case", _("Only the people on the case")
    DEPARTMENT = "department", _("The employee's department")
    DEPARTMENTS = "departments", _("Chosen departments")
    COMPANY = "company", _("The whole company")


class Announcement(models.Model):
    """The internal announcement of a departure, as HR reviewed and sent it, once per case: what,
    when, who takes over what and whom to contact, to the audience HR picked and the chat groups
    HR chose."""

    departure = models.OneToOneField(
        "handover.Departure",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="announcement",
    )
    text = models.TextField(_("announcement"))
    contact = models.CharField(_("whom to contact"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )
    chat_channels = models.ManyToManyField(
        ChatChannel, verbose_name=_("chat groups"), blank=True, related_name="+"
    )
    # How many people it reached when it was sent (the people on the case included).
    people = models.PositiveIntegerField(_("people told"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_by_name = models.CharField(_("sent by"), max_length=150)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"{self.departure_id}: {self.get_audience_display()}"
