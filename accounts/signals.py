from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Sign this person out on every device: delete each of their live sessions (but ``keep``).

    The database store keeps whose session it is only inside the signed session data, so every
    live session is read; people are deactivated, or turn two-factor sign-in on, rarely enough
    for that.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = str(user.pk)
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in live.iterator(chunk_size=2000):
        if key != keep and store().decode(data).get(SESSION_KEY) == theirs:
            store(session_key=key).delete()
            ended += 1
    return ended


@receiver(pre_save, sender=User)
def end_sessions_on_deactivation(
    sender, instance: User, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """Whoever deactivates a person (the admin, a script) ends their sessions. Requests already
    treat an inactive person as signed out, but a session left behind, on a laptop they kept, would
    come back to life if the account were ever reactivated."""
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    if sender._default_manager.filter(pk=instance.pk, is_active=True).exists():
        end_sessions(instance)
