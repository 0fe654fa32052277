"""Steps 1-6 of a departure case in a real (headless) Chromium, four people, four browser contexts.

HR opens the case, the leaver prepares the checklist, the manager holds the
meeting, items are handed over (htmx, no page reload) and accepted, a trial task
is done and verified, everybody signs and HR downloads the confirmation PDF.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from handover import services
from handover.forms import person_label
from handover.models import ChecklistItem, Departure, ItemState, ModuleKind, State
from handover.permissions import ensure_roles
from handover.selectors import ITEMS_PREVIEW
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
PRODUCT = str(ModuleKind.PRODUCT.label)

NEW_ITEM = "Supplier price list for spring"
EDITED_ITEM = "Supplier price lists for spring and summer"
REMOVED_ITEM = "Live catalogue and who can edit it"
RETURNED_ITEM = EDITED_ITEM
TRIAL_TASK = "Publish the weekly price update"
ACTION_ITEM = "Share the supplier price sheets"
DEMONSTRATION = "Repricing a product live"


@pytest.fixture
def baseline(default_templates):
    """What a migrated database holds and a transactional flush may have removed."""
    # The role groups come back after a flush (post_migrate hook); make sure, then check.
    ensure_roles()
    assert set(Group.objects.values_list("name", flat=True)) >= {Role.HR, Role.MANAGER, Role.STAFF}
    assert Group.objects.get(name=Role.HR).permissions.filter(codename="add_departure").exists()


@pytest.fixture
def documents(settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    return settings.HANDOVER_DOCUMENT_DIR


def case_state(page: Page):
    return page.locator("header.case-head .badge").first


def item_row(page: Page, title: str):
    return page.locator("li.item").filter(has=page.get_by_text(title, exact=True))


def answer_survey(page: Page, case_path: str, comment: str, *, anonymous: bool = False) -> None:
    """From the case's overview: the survey's four questions (one answer each), a comment."""
    page.goto(case_path)
    page.get_by_role("link", name="How did the handover go? The survey").click()
    for question, answer in (
        ("Was there enough time for the handover?", "Partly"),
        ("Were the materials complete?", "Mostly"),
        ("How useful were the demonstrations?", "Fully"),
        ("How useful was the trial run?", "Mostly"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_label("Anything else: what helped, what was missing").fill(comment)
    if anonymous:
        page.get_by_label("Answer anonymously towards the manager").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you: your answers help the next handover.")


def pick_person(page: Page, label: str, person) -> None:
    """Type part of the name, see the person among the suggestions, take them."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.fill(person.name.split()[0][:3].lower())
    suggestions = page.locator(f"datalist#{box.get_attribute('list')}")
    expect(suggestions.locator(f'option[value="{person_label(person)}"]')).to_have_count(1)
    box.fill(person_label(person))


def open_part(page: Page, name: str) -> None:
    """Open a part of the case by its tab: loaded in place (htmx), the address follows."""
    tabs = page.get_by_role("navigation", name="Parts of the case")
    tabs.get_by_role("link", name=re.compile(rf"^{re.escape(name)}( \d+)?$")).click()
    expect(tabs.locator("[aria-current=page]")).to_contain_text(name)


def test_departure_case_end_to_end(log_in, open_page, people, make_case, baseline, documents, celery_eager):
    # A second case, someone else's, that the leaver must not see.
    other = make_case(employee=people.stranger, successors={"orders": people.successor_b})

    hr = log_in(people.hr)
    leaver = log_in(people.leaver)
    successor = log_in(people.successor_a)
    manager = log_in(people.manager)

    # 1. HR opens the case: product only, with its successor; reason; dates.
    today = timezone.localdate()
    hr.get_by_role("link", name="Open a case").click()
    expect(hr).to_have_url(re.compile(r"/cases/new/$"))
    pick_person(hr, "Departing employee", people.leaver)
    pick_person(hr, "Manager (signs off)", people.manager)
    hr.get_by_label("Notice date").fill(today.isoformat())
    hr.get_by_label("Last working day").fill((today + timedelta(days=30)).isoformat())
    hr.get_by_label("Case language").select_option("en")
    hr.get_by_role("combobox", name="Reason", exact=True).select_option("career")
    hr.get_by_label("In the employee's words").fill("A new role closer to home.")
    for kind, label in ModuleKind.choices:
        checkbox = hr.get_by_label(str(label), exact=True)
        expect(checkbox).to_be_checked()
        if kind != ModuleKind.PRODUCT:
            checkbox.uncheck()
    pick_person(hr, f"Successor for {PRODUCT}", people.successor_a)
    hr.get_by_role("button", name="Open the case").click()

    expect(hr).to_have_url(re.compile(r"/cases/\d+/$"))
    case_id = int(re.search(r"/cases/(\d+)/", hr.url).group(1))
    departure = Departure.objects.get(pk=case_id)
    case_path = f"/cases/{case_id}/"
    expect(hr.get_by_role("status")).to_contain_text(f"Case {departure.number} is open.")
    expect(hr.get_by_role("heading", level=1)).to_have_text(f"{departure.number} · {people.leaver.name}")
    expect(case_state(hr)).to_have_text("Intent confirmed")
    assert list(departure.modules.values_list("kind", flat=True)) == [ModuleKind.PRODUCT]
    expect(hr.get_by_role("region", name="Progress per module")).to_contain_text(people.successor_a.name)
    expect(hr.get_by_role("region", name="Reason for leaving")).to_contain_text("A new role closer to home.")
    template_items = list(
        ChecklistItem.objects.filter(module__departure=departure).values_list("title", flat=True)
    )
    assert REMOVED_ITEM in template_items
    hr.get_by_role("button", name="Start preparing", exact=True).click()
    # HR lands on the announcement Handover drafted, edits it, sees whom it reaches and sends it.
    expect(hr.get_by_role("heading", level=1)).to_have_text("Announcement of the departure")
    text = hr.get_by_role("textbox", name="Announcement", exact=True)
    expect(text).to_have_value(re.compile(re.escape(people.successor_a.name)))
    text.fill(text.input_value() + "\nListing questions go to Sam from Monday.")
    hr.get_by_label("Only the people on the case").check()
    hr.get_by_role("button", name="See whom it reaches").click()
    expect(hr.get_by_role("heading", name=re.compile(r"It will reach \d+ people"))).to_be_visible()
    expect(text).to_have_value(re.compile("Listing questions go to Sam from Monday."))
    hr.get_by_role("button", name="Send the announcement").click()
    expect(hr.get_by_role("status")).to_contain_text("The announcement is sent.")
    expect(hr.get_by_role("main")).to_contain_text("Listing questions go to Sam from Monday.")
    hr.get_by_role("link", name=f"← {departure.number} · {people.leaver.name}").click()
    expect(case_state(hr)).to_have_text("Preparing")
    expect(hr.get_by_role("main")).to_contain_text("The departure is announced")

    # 2. The leaver sees only their own case, and adds, edits and removes items.
    leaver.get_by_role("link", name="My work").click()
    cases = leaver.get_by_role("main").get_by_role("heading", level=2)
    expect(cases).to_have_count(1)
    expect(cases).to_have_text(f"{departure.number} · {people.leaver.name}")
    expect(leaver.get_by_role("main")).not_to_contain_text(other.number)
    cases.get_by_role("link").click()
    expect(leaver).to_have_url(re.compile(re.escape(case_path) + "$"))
    expect(leaver.get_by_role("region", name="Reason for leaving")).to_be_visible()
    expect(leaver.get_by_role("region", name="Your to-dos on this case")).to_contain_text(
        "Complete your handover checklist"
    )

    # The modules open on the leaver's own (all of them while the checklist is built); a module's
    # page holds all its items and the form to add one.
    leaver.evaluate("window.__marker = 1")
    open_part(leaver, "Work modules")
    expect(leaver).to_have_url(re.compile(re.escape(case_path) + "modules/$"))
    assert leaver.evaluate("window.__marker") == 1, "the tab reloaded the page"
    expect(leaver.get_by_role("region", name=PRODUCT).locator("li.item")).to_have_count(
        min(len(template_items), ITEMS_PREVIEW)
    )
    leaver.get_by_role("region", name=PRODUCT).get_by_role("link", name=PRODUCT, exact=True).click()
    product = leaver.get_by_role("region", name=PRODUCT)
    expect(product.locator("li.item")).to_have_count(len(template_items))
    product.get_by_text(f"Add an item to {PRODUCT}").click()
    product.get_by_label("Title").fill(NEW_ITEM)
    product.get_by_label("Steps").fill("1. Open the shared drive.\n2. Check the supplier folder.")
    product.get_by_label("Key moments").fill("Prices change on the first of the month.")
    product.get_by_label("Cautions").fill("Two suppliers send prices by chat only.")
    product.get_by_label("Due date").fill((today + timedelta(days=20)).isoformat())
    product.get_by_label("Evidence link").fill("https://drive.example.com/suppliers")
    product.get_by_role("button", name="Add the item").click()
    expect(leaver.get_by_role("status")).to_contain_text(f"“{NEW_ITEM}” added.")
    expect(item_row(leaver, NEW_ITEM)).to_be_visible()

    item_row(leaver, NEW_ITEM).get_by_role("link", name=f"Edit {NEW_ITEM}").click()
    expect(leaver.get_by_role("heading", level=1)).to_have_text("Edit item")
    expect(leaver.get_by_label("Title")).to_have_value(NEW_ITEM)
    leaver.get_by_label("Title").fill(EDITED_ITEM)
    leaver.get_by_role("button", name="Save").click()
    expect(leaver.get_by_role("status")).to_contain_text(f"“{EDITED_ITEM}” saved.")
    expect(item_row(leaver, EDITED_ITEM)).to_be_visible()
    expect(item_row(leaver, NEW_ITEM)).to_have_count(0)

    item_row(leaver, REMOVED_ITEM).get_by_role("link", name=f"Remove {REMOVED_ITEM}").click()
    expect(leaver.get_by_role("heading", level=1)).to_have_text("Remove item")
    leaver.get_by_role("button", name="Remove").click()
    expect(leaver.get_by_role("status")).to_contain_text(f"“{REMOVED_ITEM}” removed.")
    expect(item_row(leaver, REMOVED_ITEM)).to_have_count(0)
    titles = [t for t in template_items if t != REMOVED_ITEM] + [EDITED_ITEM]
    expect(leaver.get_by_role("region", name=PRODUCT).locator("li.item")).to_have_count(len(titles))

    # 3. The manager schedules and records the meeting, then starts executing.
    manager.goto(case_path)
    expect(case_state(manager)).to_have_text("Preparing")
    execute = manager.get_by_role("button", name="Start executing", exact=True)
    expect(execute).to_be_disabled()
    expect(manager.locator(".blockers")).to_contain_text("The handover meeting has not taken place yet.")
    open_part(manager, "Meeting")
    meeting = manager.get_by_role("region", name="Handover meeting")
    now = timezone.localtime().replace(second=0, microsecond=0)
    meeting.get_by_label("Date and time").fill(now.strftime("%Y-%m-%dT%H:%M"))
    meeting.get_by_label("Place or link").fill("Meeting room 3")
    meeting.get_by_label("Agenda").fill("Walk through the product checklist.")
    meeting.get_by_role("button", name="Save the meeting").click()
    expect(manager.get_by_role("status")).to_contain_text("The handover meeting is scheduled.")
    meeting = manager.get_by_role("region", name="Handover meeting")
    expect(meeting).to_contain_text("Meeting room 3")
    meeting.get_by_text("Record that the meeting took place").click()
    expect(meeting.get_by_label("Held at")).not_to_have_value("")
    meeting.get_by_label("Minutes").fill("Went through every item; prices are the main risk.")
    # An action item agreed in the meeting becomes a checklist item of the module in the same step.
    meeting.get_by_label("Action item 1").fill(ACTION_ITEM)
    meeting.locator("#id_action_1_module").select_option(label=PRODUCT)
    meeting.get_by_role("button", name="Record the meeting").click()
    expect(manager.get_by_role("status")).to_contain_text("The handover meeting is recorded.")
    titles.append(ACTION_ITEM)
    expect(manager.get_by_role("region", name="Handover meeting")).to_contain_text("prices are the main risk")
    open_part(manager, "Overview")
    manager.get_by_role("button", name="Start executing", exact=True).click()
    expect(case_state(manager)).to_have_text("Executing")

    # 4. The leaver hands items over without a page reload (htmx swaps the item's row).
    module_path = f"{case_path}modules/{departure.modules.get().pk}/"
    leaver.goto(module_path)
    expect(case_state(leaver)).to_have_text("Executing")
    leaver.evaluate("window.__marker = 1")
    for title in titles:
        row = item_row(leaver, title)
        expect(row.locator(".badge")).to_have_text("To hand over")
        with leaver.expect_response(re.compile(r"/hand-over/$")) as answer:
            row.get_by_role("button", name="Mark handed over").click()
        assert answer.value.request.headers.get("hx-request") == "true"
        expect(row.locator(".badge")).to_have_text("Handed over")
        expect(row.get_by_role("button", name="Mark handed over")).to_have_count(0)
    assert leaver.evaluate("window.__marker") == 1, "the page reloaded"
    # The module's progress followed without a reload.
    expect(leaver.locator(".module-state .counts")).to_contain_text(f"{len(titles)} waiting for acceptance")
    assert not ChecklistItem.objects.filter(module__departure=departure, state=ItemState.PENDING).exists()

    # The successor returns one item with a question; the leaver answers it.
    successor.goto(case_path)
    expect(successor.get_by_role("region", name="Reason for leaving")).to_have_count(0)
    successor.goto(module_path)
    expect(successor.get_by_role("region", name=PRODUCT)).to_contain_text("yours")
    row = item_row(successor, RETURNED_ITEM)
    row.get_by_text("Return with a question").click()
    row.get_by_label("Your question").fill("Which supplier sends prices by chat?")
    row.get_by_role("button", name="Send back").click()
    expect(row.locator(".badge")).to_have_text("Returned with a question")
    expect(row).to_contain_text("Which supplier sends prices by chat?")

    leaver.reload()
    row = item_row(leaver, RETURNED_ITEM)
    expect(row.locator(".badge")).to_have_text("Returned with a question")
    row.get_by_label("Your answer").fill("Acme Textiles; the contact is in the supplier sheet.")
    row.get_by_role("button", name="Answer and hand over again").click()
    expect(row.locator(".badge")).to_have_text("Handed over")
    expect(row).to_contain_text("Acme Textiles")

    # The successor accepts one item on its own, then all the others at once.
    successor.reload()
    row = item_row(successor, titles[0])
    row.get_by_role("button", name="Accept").click()
    expect(row.locator(".badge")).to_have_text("Accepted")
    expect(row).to_contain_text(f"accepted by {people.successor_a.name}")
    successor.get_by_role("link", name=f"Accept all {len(titles) - 1} items {PRODUCT}").click()
    successor.get_by_role("button", name="Accept them").click()
    expect(successor.get_by_role("status")).to_contain_text(f"{len(titles) - 1} items accepted.")
    expect(successor.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    assert not ChecklistItem.objects.filter(module__departure=departure).exclude(state=ItemState.ACCEPTED)

    # The leaver demonstrates repricing live; the successor confirms seeing it.
    leaver.goto(f"{case_path}meeting/")
    leaver.get_by_role("link", name="Schedule a demonstration").click()
    leaver.get_by_label("What is shown").fill(DEMONSTRATION)
    started = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    leaver.get_by_label("When").fill(started.strftime("%Y-%m-%dT%H:%M"))
    leaver.get_by_label("Place or meeting link").fill("Desk 12, second screen")
    leaver.get_by_label("Items it covers").select_option(label=f"{PRODUCT} · {titles[0]}")
    leaver.get_by_label(people.successor_a.name).check()
    leaver.get_by_role("button", name="Schedule it").click()
    expect(leaver.get_by_role("status")).to_contain_text("The demonstration is scheduled.")
    shown = leaver.locator(".demonstration").filter(has_text=DEMONSTRATION)
    shown.get_by_text("Record it as held").click()
    shown.get_by_label("Held at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    shown.get_by_label("What was shown").fill("Repriced three products, then checked the price floor.")
    shown.get_by_role("button", name="Record the demonstration").click()
    expect(leaver.get_by_role("status")).to_contain_text("recorded")
    successor.goto(f"{case_path}meeting/")
    shown = successor.locator(".demonstration").filter(has_text=DEMONSTRATION)
    shown.get_by_role("button", name="I saw it").click()
    expect(successor.locator(".demonstration").filter(has_text=DEMONSTRATION)).to_contain_text(
        f"{people.successor_a.name} (saw it)"
    )

    # The successor notes a lesson learned on the module.
    successor.goto(module_path)
    successor.get_by_text("Note a lesson learned").click()
    successor.get_by_label("What went wrong").fill("Prices were changed in one store and not the other.")
    successor.get_by_label("How it was solved").fill("One sheet feeds both stores now.")
    successor.get_by_role("button", name="Note the lesson").click()
    expect(successor.get_by_role("status")).to_contain_text("The lesson is noted.")
    expect(successor.locator(".lessons-learned")).to_contain_text("One sheet feeds both stores now.")

    # The leaver writes the module's operation manual, which starts from the items' steps.
    leaver.goto(module_path)
    leaver.get_by_role("link", name=re.compile("^Write the manual")).click()
    leaver.get_by_role("link", name="Write the manual").click()
    text = leaver.get_by_label("The manual")
    expect(text).to_have_value(re.compile(r"^# Product management: operation manual"))
    text.fill(text.input_value() + "\nAfter any price change, compare **both stores**.\n")
    leaver.get_by_role("button", name="Save the manual").click()
    expect(leaver.get_by_role("status")).to_contain_text("The manual is saved.")
    expect(leaver.locator("article.manual strong", has_text="both stores")).to_be_visible()

    # The manager checks in: the module is at risk, and "What is stuck" says so.
    manager.goto(module_path)
    manager.get_by_text("Check in on this module").click()
    manager.get_by_label("At risk").check()
    manager.get_by_label("What you heard from the successor").fill("Unsure about the summer range.")
    manager.get_by_role("button", name="Note the check-in").click()
    expect(manager.get_by_role("status")).to_contain_text("Check-in noted.")
    manager.get_by_role("link", name="My work").click()
    manager.get_by_role("link", name="What is stuck").first.click()
    at_risk = manager.get_by_role("region", name="Modules at risk")
    expect(at_risk).to_contain_text(departure.number)
    expect(at_risk).to_contain_text(PRODUCT)

    manager.goto(case_path)
    manager.get_by_role("button", name="Start the trial run", exact=True).click()
    expect(case_state(manager)).to_have_text("Trial run")

    # 5. A trial task: the leaver adds it, the successor does it, the leaver verifies it.
    leaver.goto(case_path)
    open_part(leaver, "Trial run")
    trial = leaver.get_by_role("region", name="Trial run")
    trial.get_by_text("Add a trial task").click()
    trial.get_by_label("Module").select_option(label=PRODUCT)
    trial.get_by_label("Task").fill(TRIAL_TASK)
    trial.get_by_label("Description").fill("Update the prices of the spring range in every store.")
    trial.get_by_role("button", name="Add the task").click()
    expect(leaver.get_by_role("status")).to_contain_text("Trial task added.")
    expect(leaver.get_by_role("region", name="Trial run").locator("li.item")).to_contain_text(["Assigned"])

    successor.goto(f"{case_path}trial/")
    task = successor.get_by_role("region", name="Trial run").locator("li.item").filter(has_text=TRIAL_TASK)
    task.get_by_label("What you did").fill("Updated 42 prices in both stores.")
    task.get_by_role("button", name="Mark done").click()
    expect(successor.get_by_role("status")).to_contain_text("Marked done")
    expect(task.locator(".badge")).to_have_text("Done, awaiting verification")

    leaver.reload()
    task = leaver.get_by_role("region", name="Trial run").locator("li.item").filter(has_text=TRIAL_TASK)
    expect(task).to_contain_text("Updated 42 prices in both stores.")
    task.get_by_label("Feedback").fill("Checked in both stores; all correct.")
    task.get_by_role("button", name="Verify").click()
    expect(leaver.get_by_role("status")).to_contain_text("Trial task verified.")
    expect(task.locator(".badge")).to_have_text("Verified")

    # 6. The leaver (drawing) and the successor (typing) sign, the manager signs last: signed off.
    for page, name, draw in ((leaver, people.leaver.name, True), (successor, people.successor_a.name, False)):
        page.goto(f"{case_path}signatures/")
        page.get_by_role("region", name="Signatures").get_by_role(
            "link", name="Read and sign the confirmation"
        ).click()
        expect(page.get_by_role("article")).to_contain_text("Updated 42 prices in both stores.")
        if draw:
            page.get_by_label("Drawn signature").check()
            pad = page.locator("canvas[data-signature-pad]")
            box = pad.bounding_box()
            page.mouse.move(box["x"] + 20, box["y"] + 40)
            page.mouse.down()
            for step in range(1, 12):
                page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 15)
            page.mouse.up()
            assert page.locator("input[name=drawing]").input_value().startswith("data:image/png;base64,")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("You have signed the handover confirmation.")
        expect(page.get_by_role("region", name="Signatures").locator(".signatures")).to_contain_text(name)
        expect(page.get_by_role("link", name="Read and sign the confirmation")).to_have_count(0)
    assert departure.signatures.get(signer=people.leaver).image is not None

    # 7. The manager confirms that the successor does the work alone (asked on My work), then signs.
    manager.goto(case_path)
    expect(manager.get_by_role("region", name="Next step")).to_contain_text(f"Still waiting: {PRODUCT}.")
    manager.get_by_role("link", name="My work").click()
    manager.get_by_role("link", name=f"Confirm that the successor does {PRODUCT} alone").click()
    expect(manager).to_have_url(re.compile(re.escape(module_path)))
    manager.get_by_label("What they did alone (optional)").fill("Repriced the spring range alone.")
    manager.get_by_role("button", name=f"Confirm {people.successor_a.name} does this alone").click()
    expect(manager.get_by_role("status")).to_contain_text("Confirmed: the successor does this work alone.")
    expect(manager.locator(".independence")).to_contain_text(f"Confirmed by {people.manager.name}")

    manager.goto(case_path)
    ready = "Ready: the manager's signature signs the handover off."
    expect(manager.get_by_role("region", name="Next step")).to_contain_text(ready)
    manager.get_by_role("link", name="Read and sign the confirmation").click()
    manager.get_by_label("Your password").fill(PASSWORD)
    manager.get_by_role("button", name="Sign", exact=True).click()
    expect(case_state(manager)).to_have_text("Signed off")
    departure.refresh_from_db()
    assert departure.state == State.SIGNED_OFF
    assert departure.signatures.count() == 3

    # The manager leaves the successor upkeep; the successor ticks it off from My work.
    manager.goto(module_path)
    manager.get_by_text("Leave the successor a follow-up").click()
    manager.get_by_label("What the successor should do").fill("Review the summer prices in June")
    manager.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    manager.get_by_role("button", name="Leave the follow-up").click()
    expect(manager.get_by_role("status")).to_contain_text("Follow-up left to the successor.")
    successor.goto("/")
    successor.get_by_role("link", name="My work").click()
    successor.get_by_role("link", name=re.compile(r"Do 1 follow-up")).click()
    follow_up = successor.locator(".follow-ups li").filter(has_text="Review the summer prices in June")
    follow_up.get_by_label("What you did (optional)").fill("Reviewed with the category manager.")
    follow_up.get_by_role("button", name="Mark done").click()
    expect(successor.get_by_role("status")).to_contain_text("Follow-up done.")
    expect(successor.locator(".follow-ups li").first.locator(".badge")).to_have_text("Done")

    # The survey of the sign-off: the leaver answers anonymously, the successor and the manager
    # with their names; HR reads the figures and the leaver's comment without a name.
    answer_survey(leaver, case_path, "Two weeks were short for the supplier contacts.", anonymous=True)
    answer_survey(successor, case_path, "The live demonstration helped most.")
    answer_survey(manager, case_path, "")
    expect(manager.get_by_role("main")).to_contain_text("The live demonstration helped most.")
    expect(manager.get_by_role("main")).not_to_contain_text("Two weeks were short")
    expect(manager.get_by_role("main")).to_contain_text("1 answer was given anonymously")
    hr.get_by_role("link", name="Feedback", exact=True).click()
    expect(hr.get_by_role("main")).to_contain_text("Two weeks were short for the supplier contacts.")
    expect(hr.get_by_role("main")).not_to_contain_text(people.leaver.name)
    expect(hr.get_by_role("main").get_by_text("3 answers").first).to_be_visible()
    hr.goto(case_path)

    # HR downloads the confirmation PDF (produced on commit; Celery is eager here).
    hr.reload()
    expect(case_state(hr)).to_have_text("Signed off")
    link = hr.get_by_role("link", name="Download the signed confirmation (PDF)")
    expect(link).to_be_visible()
    with hr.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{departure.number}-v1.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert departure.confirmations.get().sha256 in hr.locator(".next").inner_text()

    # Anyone can check the downloaded file on the verification page, without logging in.
    visitor = open_page()
    visitor.goto("/verify/")
    visitor.get_by_label("Confirmation PDF").set_input_files(download.path())
    visitor.get_by_role("button", name="Check the document").click()
    expect(visitor.get_by_role("status")).to_contain_text(
        "Intact: sealed by this organisation and unchanged."
    )
    expect(visitor.locator("main")).not_to_contain_text(people.leaver.name)
    visitor.context.close()

    # Screenshots of the finished case page for the README: desktop and phone.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    hr.screenshot(path=SCREENSHOTS / "case-page-desktop.png", full_page=True)
    phone = hr.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(case_path)
    expect(case_state(phone)).to_have_text("Signed off")
    phone.screenshot(path=SCREENSHOTS / "case-page-phone.png", full_page=True)

    # 8. Aftercare. The last working day comes (the daily tasks start aftercare and, once the day is
    # over, end the leaver's normal login); the successor asks the former employee, who answers
    # through the personal link of the mail; the successor marks it solved. After the support
    # period the link no longer works.
    today = timezone.localdate()
    Departure.objects.filter(pk=case_id).update(
        notice_date=today - timedelta(days=30), last_working_day=today
    )
    services.departure_begin_aftercare(actor=None, departure=Departure.objects.get(pk=case_id))
    services.former_logins_end(today + timedelta(days=1))
    leaver.reload()
    expect(leaver).to_have_url(re.compile(re.escape(reverse("login"))))
    ended = "Your Handover login ended with your last working day"
    expect(leaver.get_by_role("main")).to_contain_text(ended)
    leaver.get_by_label("Username").fill(people.leaver.username)
    leaver.get_by_label("Password").fill(PASSWORD)
    leaver.get_by_role("button", name="Log in").click()
    expect(leaver.get_by_role("alert")).to_contain_text("enter a correct username and password")

    successor.goto(case_path)
    successor.get_by_role("link", name="Aftercare: questions to the former employee").click()
    successor.get_by_label("Module").select_option(label=str(ModuleKind.PRODUCT.label))
    successor.get_by_role("textbox", name="Your question").fill("Which supplier sends the summer prices?")
    successor.get_by_role("button", name="Send the question").click()
    expect(successor.get_by_role("status")).to_contain_text("Your question is sent to")
    [asked] = [m for m in mail.outbox if "Which supplier sends the summer prices?" in m.body]
    assert asked.to == [people.leaver.email]
    link = re.search(r"http://[^\s]+(/aftercare/[^\s/]+/)", asked.body).group(1)

    former = open_page()
    former.goto(link)
    expect(former.get_by_role("main")).to_contain_text("Which supplier sends the summer prices?")
    former.get_by_role("textbox", name="Your answer").fill("Ningbo Home Goods, every May.")
    former.get_by_role("button", name="Send my answer").click()
    expect(former.get_by_role("status")).to_contain_text("Thank you: your answer is sent.")

    successor.reload()
    expect(successor.get_by_role("main")).to_contain_text("Ningbo Home Goods, every May.")
    successor.get_by_role("button", name="This solves it").click()
    expect(successor.get_by_role("status")).to_contain_text("Marked as solved.")
    former.reload()
    expect(former.get_by_role("main")).to_contain_text("No question waits for you.")

    # The successor takes the lesson and the answer into the manual, one click each.
    successor.goto(f"{module_path}manual/")
    waiting = successor.get_by_role("region", name="Not yet in the manual").locator("li")
    waiting.filter(has_text="Prices were changed").get_by_role(
        "button", name=re.compile("^Add to the manual")
    ).click()
    expect(successor.get_by_role("status")).to_contain_text("The lesson is added to the manual.")
    waiting.filter(has_text="Which supplier").get_by_role(
        "button", name=re.compile("^Add to the manual")
    ).click()
    expect(successor.get_by_role("status")).to_contain_text("The answer is added to the manual.")
    manual = successor.locator("article.manual")
    expect(manual).to_contain_text("One sheet feeds both stores now.")
    expect(manual).to_contain_text("Ningbo Home Goods, every May.")
    expect(successor.get_by_role("main")).not_to_contain_text("Not yet in the manual")
    successor.get_by_role("link", name="All versions").click()
    expect(successor.locator("ol.history li")).to_have_count(3)

    Departure.objects.filter(pk=case_id).update(support_until=today - timedelta(days=1))
    former.reload()
    expect(former.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    former.context.close()

    # 9. HR closes the case; what it taught is proposed for the checklist template, and HR takes
    # the lesson into a new version of it.
    hr.goto(case_path)
    hr.get_by_role("button", name="Close the case").click()
    expect(case_state(hr)).to_have_text("Closed")
    hr.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    hr.get_by_role("link", name=re.compile("waiting")).click()
    proposal = hr.locator(".proposal").filter(has_text="One sheet feeds both stores now.")
    proposal.get_by_label("Take it in").check()
    hr.get_by_role("button", name="Save the decisions").click()
    expect(hr.get_by_role("status")).to_contain_text("The template is now at version 2.")
    expect(hr.get_by_role("main")).to_contain_text("Prices were changed in one store and not the other.")
    expect(hr.locator("ol.history").first).to_contain_text("Took in proposed changes")

    for page in (hr, leaver, successor, manager):
        page.context.close()
