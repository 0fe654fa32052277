"""Alumni: the leaver may consent to stay in touch from the sign-off on and withdraw at any time
(which deletes the contact), also through the link of the mail once their login has ended; HR keeps
a rehire note only HR reads, and the list of alumni."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from handover import services
from handover.models import AlumniConsent, EventKind, OutboxMessage, RehireNote, State

pytestmark = pytest.mark.django_db


def page(departure):
    return reverse("handover:case_alumni", args=[departure.pk])


def join(client, departure, **data):
    form = {"act": "join", "contact": "leo.private@example.org", "news": "on", "openings": "on", **data}
    return client.post(page(departure), form)


def test_the_leaver_stays_in_touch_and_withdraws_which_deletes_the_contact(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    client.force_login(people.leaver)
    refused = join(client, departure, news="", openings="", contact="kept@example.org").content.decode()
    assert "Tick what you agree to receive." in refused and "kept@example.org" in refused
    assert not AlumniConsent.objects.exists()
    assert join(client, departure).status_code == 302
    consent = AlumniConsent.objects.get()
    assert (consent.person, consent.news, consent.openings, consent.events) == (
        people.leaver,
        True,
        True,
        False,
    )
    assert departure.events.filter(kind=EventKind.ALUMNI_JOINED, actor=people.leaver).exists()
    [mailed] = OutboxMessage.objects.filter(kind="alumni")
    assert mailed.address == "leo.private@example.org" and "/alumni/leave/" in mailed.text

    client.post(page(departure), {"act": "leave"})
    assert not AlumniConsent.objects.exists()
    assert departure.events.filter(kind=EventKind.ALUMNI_LEFT, actor=people.leaver).exists()
    assert "leo.private@example.org" not in str(list(departure.events.values_list("subject", flat=True)))


def test_the_link_of_the_mail_withdraws_after_the_login_ended(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    services.alumni_join(actor=people.leaver, departure=departure, contact="leo@example.org", events=True)
    link = re.search(r"http://[^\s]+(/alumni/leave/[^\s/]+/)", OutboxMessage.objects.get(kind="alumni").text)[
        1
    ]
    services.former_logins_end(departure.last_working_day + timedelta(days=1))
    assert "Withdraw your consent" in client.get(link).content.decode()
    assert AlumniConsent.objects.exists()
    assert "Your consent is withdrawn" in client.post(link).content.decode()
    assert not AlumniConsent.objects.exists()
    assert client.get(link[:-4] + "abc/").status_code == 404


def test_hr_keeps_a_rehire_note_only_hr_reads_and_lists_the_alumni(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    services.alumni_join(actor=people.leaver, departure=departure, contact="+86 138 0000 0000", news=True)
    client.force_login(people.hr)
    client.post(page(departure), {"act": "rehire", "rehire": "conditions", "note": "Only in a senior role."})
    assert RehireNote.objects.get().rehire == "conditions"
    listed = client.get(reverse("handover:alumni_list")).content.decode()
    assert (
        "Leo Leaver" in listed and "+86 138 0000 0000" in listed and "Would rehire, with conditions" in listed
    )
    for role in ("leaver", "manager", "successor_a", "head"):
        client.force_login(getattr(people, role))
        seen = client.get(page(departure))
        assert "Only in a senior role." not in seen.content.decode()
        assert client.get(reverse("handover:alumni_list")).status_code == 404
    client.force_login(people.manager)
    assert client.get(page(departure)).status_code == 403
    client.force_login(people.stranger)
    assert client.get(page(departure)).status_code == 404


def test_before_the_sign_off_nobody_is_asked_to_stay_in_touch(client, people, make_case):
    departure = make_case(State.TRIAL_RUN)
    client.force_login(people.leaver)
    assert client.get(page(departure)).status_code == 403
    assert join(client, departure).status_code == 403
    assert not AlumniConsent.objects.exists()


def test_the_alumni_list_is_paged(client, people, make_case, monkeypatch):
    from handover.views import alumni

    monkeypatch.setattr(alumni, "PAGE_SIZE", 1)
    first = make_case(State.SIGNED_OFF)
    second = make_case(State.SIGNED_OFF, employee=people.stranger)
    services.alumni_join(actor=people.leaver, departure=first, contact="leo@example.org", news=True)
    services.alumni_join(actor=people.stranger, departure=second, contact="stan@example.org", news=True)
    client.force_login(people.hr)
    url = reverse("handover:alumni_list")
    one, two = client.get(url).content.decode(), client.get(f"{url}?page=2").content.decode()
    assert "Page 1 of 2" in one and ("leo@example.org" in one) != ("leo@example.org" in two)
    assert ("stan@example.org" in one) != ("stan@example.org" in two)


def test_after_the_login_ended_the_former_employee_stays_in_touch_from_their_personal_page(
    client, people, make_case
):
    from handover.aftercare_links import personal_link

    departure = make_case(State.AFTERCARE)
    services.former_logins_end(departure.last_working_day + timedelta(days=1))
    client.get(personal_link(departure.pk, people.leaver.pk))
    page = reverse("handover:aftercare_answer")
    assert "Stay in touch" in client.get(page).content.decode()
    refused = client.post(page, {"act": "alumni", "alumni-contact": "leo@example.org"}).content.decode()
    assert "Tick what you agree to receive." in refused and not AlumniConsent.objects.exists()
    client.post(page, {"act": "alumni", "alumni-contact": "leo@example.org", "alumni-events": "on"})
    consent = AlumniConsent.objects.get()
    assert (consent.person, consent.contact, consent.events, consent.news) == (
        people.leaver,
        "leo@example.org",
        True,
        False,
    )
    assert "You agreed on" in client.get(page).content.decode()
    client.post(page, {"act": "alumni_leave"})
    assert not AlumniConsent.objects.exists()
    assert departure.events.filter(kind=EventKind.ALUMNI_LEFT).exists()
