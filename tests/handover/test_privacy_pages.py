"""HR's privacy pages as a new user meets them: the retention form's bounds and its "nothing
changed", the settings page's wording, the people search before anything was searched, a GET of a
person's download, and the page of someone already erased."""

import re

import pytest
import time_machine
from django.urls import reverse

from handover import services
from handover.models import PrivacyAct, PrivacyRecord, Retention

pytestmark = pytest.mark.django_db

SETTINGS = "handover:privacy_settings"
MONTHS_ERROR = "Enter a whole number of months from 1 to 240."
YEARS_ERROR = "Enter a whole number of years from 1 to 50."
NOBODY = "Nobody matches."


@pytest.fixture
def hr(client, people):
    client.force_login(people.hr)
    return client


def retention_records() -> int:
    return PrivacyRecord.objects.filter(act=PrivacyAct.RETENTION_SET).count()


# Retention: the bounds, in the browser and on the server.


def test_the_inputs_carry_the_bounds_the_server_accepts(hr):
    page = hr.get(reverse(SETTINGS)).content.decode()
    months = re.search(r'<input[^>]*name="case_months"[^>]*>', page).group()
    years = re.search(r'<input[^>]*name="confirmation_years"[^>]*>', page).group()
    assert 'type="number"' in months and 'min="1"' in months and 'max="240"' in months
    assert 'type="number"' in years and 'min="1"' in years and 'max="50"' in years
    # Each is labelled.
    assert '<label for="id_case_months">' in page and '<label for="id_confirmation_years">' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("case_months", "-1", MONTHS_ERROR),
        ("case_months", "0", MONTHS_ERROR),
        ("case_months", "241", MONTHS_ERROR),
        ("case_months", "abc", MONTHS_ERROR),
        ("case_months", "", MONTHS_ERROR),
        ("confirmation_years", "-1", YEARS_ERROR),
        ("confirmation_years", "0", YEARS_ERROR),
        ("confirmation_years", "51", YEARS_ERROR),
        ("confirmation_years", "abc", YEARS_ERROR),
        ("confirmation_years", "", YEARS_ERROR),
    ],
)
def test_a_period_out_of_bounds_is_refused_with_a_clear_message(hr, people, field, value, message):
    services.retention_set(actor=people.hr, case_months=36, confirmation_years=10)
    records = PrivacyRecord.objects.count()
    sent = {"case_months": "36", "confirmation_years": "10", field: value}
    response = hr.post(reverse(SETTINGS), sent)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "greater than or equal to 0" not in page
    assert response.context["form"].errors[field] == [message]
    retention = Retention.objects.get()
    assert (retention.case_months, retention.confirmation_years) == (36, 10)
    assert PrivacyRecord.objects.count() == records


def test_the_highest_periods_are_accepted(hr):
    response = hr.post(reverse(SETTINGS), {"case_months": "240", "confirmation_years": "50"})
    assert response.status_code == 302
    assert (Retention.current().case_months, Retention.current().confirmation_years) == (240, 50)


# Retention: saving the same periods again changes nothing and records nothing.


@pytest.mark.parametrize("months", ["30", "３０", " 30 ", "  30"])
def test_saving_the_same_periods_records_nothing(hr, people, months):
    services.retention_set(actor=people.hr, case_months=30, confirmation_years=10)
    assert retention_records() == 1
    response = hr.post(reverse(SETTINGS), {"case_months": months, "confirmation_years": " 10 "}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing changed." in page
    assert "The retention periods are saved" not in page
    assert retention_records() == 1


def test_the_defaults_saved_unchanged_record_nothing_and_a_change_is_recorded_once(hr):
    # Nothing set yet: the defaults (24 months, 10 years) apply.
    page = hr.post(reverse(SETTINGS), {"case_months": "24", "confirmation_years": "10"}, follow=True)
    assert "Nothing changed." in page.content.decode()
    assert retention_records() == 0 and not Retention.objects.exists()
    page = hr.post(reverse(SETTINGS), {"case_months": "25", "confirmation_years": "10"}, follow=True)
    assert "The retention periods are saved" in page.content.decode()
    assert "Nothing changed." not in page.content.decode()
    assert retention_records() == 1 and Retention.current().case_months == 25


# The settings page's wording.


def test_one_month_and_one_year_read_in_the_singular(hr):
    with time_machine.travel("2026-12-02 09:00 +08:00", tick=False):
        assert hr.post(reverse(SETTINGS), {"case_months": "1", "confirmation_years": "1"}).status_code == 302
    page = hr.get(reverse(SETTINGS)).content.decode()
    assert "cases 1 month, confirmations 1 year" in page
    assert "1 months" not in page and "1 years" not in page
    # No sentence ends right after the date: "9 a.m.." is not written.
    assert re.search(r"Set by Hana HR \([^()]+\)\.", page)
    assert "a.m.." not in page and "p.m.." not in page


def test_other_periods_read_in_the_plural(hr, people):
    services.retention_set(actor=people.hr, case_months=18, confirmation_years=7)
    page = hr.get(reverse(SETTINGS)).content.decode()
    assert "cases 18 months, confirmations 7 years" in page


# Finding a person.


@pytest.mark.parametrize("query", [None, "", "   "])
def test_nothing_searched_shows_no_result_list(hr, query):
    data = {} if query is None else {"q": query}
    response = hr.get(reverse("handover:privacy_people"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert NOBODY not in page
    assert 'id="found-title"' not in page
    assert 'name="q"' in page


def test_a_search_that_finds_nobody_says_so(hr):
    page = hr.get(reverse("handover:privacy_people"), {"q": "zzzz"}).content.decode()
    assert NOBODY in page and 'id="found-title"' in page


# A GET of a person's download.


def test_a_get_of_the_download_leads_hr_to_the_person_s_page(hr, people):
    url = reverse("handover:privacy_person_export", args=[people.leaver.pk])
    response = hr.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("handover:privacy_person", args=[people.leaver.pk])
    assert not PrivacyRecord.objects.exists()
    assert hr.get(reverse("handover:privacy_person_export", args=[999_999])).status_code == 404


@pytest.mark.parametrize("role", ["manager", "leaver", "head", "stranger"])
def test_a_get_of_the_download_is_not_found_for_anyone_else(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(reverse("handover:privacy_person_export", args=[people.leaver.pk])).status_code == 404
    assert client.get(reverse("handover:privacy_person_export", args=[999_999])).status_code == 404


def test_a_get_of_the_download_asks_a_visitor_to_sign_in(client, people):
    response = client.get(reverse("handover:privacy_person_export", args=[people.leaver.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# An erased person's page.


def test_an_erased_person_s_page_offers_no_download_and_no_erasure(hr, people):
    people.leaver.is_active = False
    people.leaver.save()
    url = reverse("handover:privacy_person", args=[people.leaver.pk])
    export = reverse("handover:privacy_person_export", args=[people.leaver.pk])
    before = hr.get(url).content.decode()
    assert "Download their data" in before and export in before and 'name="confirm"' in before

    response = hr.post(url, {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This person is already erased: only their account number is kept." in page
    assert "Download their data" not in page and export not in page
    assert 'name="confirm"' not in page and "Erase this person" not in page
    assert "Their own cases are anonymised now" not in page
    assert "<h1>" in page and 'id="erased-title"' in page
