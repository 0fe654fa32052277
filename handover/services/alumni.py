"""Alumni: the leaver's consent to stay in touch (given from the sign-off on, withdrawn at any time,
which deletes it), and HR's rehire note."""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from handover import policy
from handover.alumni_links import leave_link
from handover.errors import HandoverError, NotFound
from handover.models import AlumniConsent, Channel, Departure, EventKind, OutboxMessage, Rehire, RehireNote
from handover.notifications.notices import send_soon

from ._base import access_for, facts_of, lock_case, record

log = logging.getLogger(__name__)


def alumni_join(
    *,
    actor: User,
    departure: Departure,
    contact: str,
    news: bool = False,
    openings: bool = False,
    events: bool = False,
) -> AlumniConsent:
    """The leaver agrees to stay in touch, through a contact of their choice, for what they tick
    (asked again, it changes them); a mail to that contact, when it is an address, carries the
    link that withdraws it."""
    contact = contact.strip()
    with transaction.atomic():
        departure = lock_case(departure.pk)
        # The former employee's login may have ended: their part is read from the case's grants.
        access = policy.access_as(facts_of(departure), actor.pk)
        policy.alumni_decision(departure.state, access).enforce()
        if not contact:
            raise HandoverError(_("Give a contact of your choice: a private mail address or a phone number."))
        if not (news or openings or events):
            raise HandoverError(_("Tick what you agree to receive."))
        consent, _created = AlumniConsent.objects.update_or_create(
            departure=departure,
            defaults={
                "person": actor,
                "contact": contact[:254],
                "news": news,
                "openings": openings,
                "events": events,
            },
        )
        record(departure, actor, EventKind.ALUMNI_JOINED)
        if "@" in contact:
            OutboxMessage.objects.create(
                key=f"alumni:{departure.pk}:{uuid.uuid4().hex}",
                channel=Channel.MAIL,
                kind="alumni",
                address=contact[:254],
                departure=departure,
                subject=_("You stay in touch with your former colleagues"),
                text=_(
                    "Thank you. You can withdraw this consent at any time, and your contact is then "
                    "deleted: %(link)s"
                )
                % {"link": settings.HANDOVER_BASE_URL.rstrip("/") + leave_link(departure.pk, actor.pk)},
                not_before=timezone.now(),
            )
            transaction.on_commit(send_soon)
    return consent


def alumni_leave(*, departure_id: int, person_id: int) -> bool:
    """Withdraw the consent: the contact and choices are deleted (the timeline keeps only that it
    happened). True if there was one to withdraw."""
    with transaction.atomic():
        departure = Departure.objects.select_for_update().filter(pk=departure_id).first()
        if departure is None:
            raise NotFound
        deleted, _rows = AlumniConsent.objects.filter(departure=departure, person_id=person_id).delete()
        if deleted:
            person = User.objects.get(pk=person_id)
            record(departure, person, EventKind.ALUMNI_LEFT)
    return bool(deleted)


def rehire_note_save(*, actor: User, departure: Departure, rehire: str, note: str = "") -> RehireNote:
    """HR's note on rehiring this person; only HR reads it."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access_for(actor, departure)
        if not policy.may_keep_rehire_note(actor, departure):
            raise NotFound
        if rehire not in Rehire.values:
            raise HandoverError(_("Choose whether you would rehire this person."))
        saved, _created = RehireNote.objects.update_or_create(
            departure=departure,
            defaults={"rehire": rehire, "note": note.strip()[:4000], "written_by_name": actor.name},
        )
    log.info("rehire note of case %s written by %s", departure.pk, actor.pk)
    return saved
