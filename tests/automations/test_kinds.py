"""Each kind of nudge: win-back after N months, birthday (with the loyalty bonus where
it is on), the public review request after a happy survey answer (only if the clinic
turns it on), and vets' health reminders at the chosen offsets and when overdue, with a
"Book" link that chooses the pet — never for an inactive pet."""

import datetime
import re

import pytest

from automations.models import AutomationKind, AutomationSettings, Nudge, PetHealthDue
from automations.services import automation_run, nudge_for_link
from branding.links import portal_url
from loyalty.services import programme_upsert
from notifications.models import Notification
from notifications.services import preferences_update
from records.feedback.services import feedback_submit
from tests.factories.records import PetFactory
from tests.fixtures.automations import NOON, make_automation, opted_in_patient, visit

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"


def bodies(kind):
    return [n.body for n in Notification.objects.filter(kind=f"nudge.{kind}").order_by("pk")]


def with_tracked_link(body, nudge):
    """The body with its tracked link put back as ``{link}``, once the link is checked to
    lead to this nudge at its clinic (the token is signed with the time, so it cannot be
    compared letter for letter with one made a second later)."""
    match = re.search(r"https?://\S+/n/([^/\s]+)/", body)
    assert match, body
    assert nudge_for_link(nudge.clinic, match.group(1)) == nudge
    return body.replace(match.group(0), "{link}")


# --- Win-back -------------------------------------------------------------------------


def test_winback_after_n_months_without_a_visit_once(clinic, botox, nurse):
    winback = make_automation(
        clinic,
        AutomationKind.WINBACK,
        months=6,
        body_template="We miss you after {months} months: {link}",
    )
    lapsed = opted_in_patient(clinic)
    visit(clinic, lapsed, botox, nurse, NOON - 183 * DAY)
    recent = opted_in_patient(clinic)
    visit(clinic, recent, botox, nurse, NOON - 150 * DAY)
    came_back = opted_in_patient(clinic)
    visit(clinic, came_back, botox, nurse, NOON - 200 * DAY)
    visit(clinic, came_back, botox, nurse, NOON - 20 * DAY)

    assert automation_run(automation=winback, now=NOON) == 1
    assert automation_run(automation=winback, now=NOON + DAY) == 0
    assert Nudge.objects.get().client == lapsed
    # The link books the last service again, with anyone free.
    nudge = Nudge.objects.get()
    assert nudge.link == portal_url(clinic, f"/book/service/{botox.pk}/any/")
    [body] = bodies("winback")
    assert with_tracked_link(body, nudge) == "We miss you after 6 months: {link}"


def test_winback_names_who_they_last_saw(clinic, botox, nurse):
    """Found trying the demo: {staff} was listed for win-back but refused on save."""
    winback = make_automation(
        clinic, AutomationKind.WINBACK, months=6, body_template="{staff} misses you"
    )
    visit(clinic, opted_in_patient(clinic), botox, nurse, NOON - 183 * DAY)
    assert automation_run(automation=winback, now=NOON) == 1
    assert bodies("winback") == [f"{nurse.display_name} misses you"]


# --- Birthday ---------------------------------------------------------------------------


def test_birthday_on_the_clinic_calendar_with_the_loyalty_bonus(clinic):
    programme_upsert(clinic=clinic, unit_name="points", per_visit=10, birthday_bonus=50)
    birthday = make_automation(
        clinic,
        AutomationKind.BIRTHDAY,
        title_template="Happy birthday, {first_name}!",
        body_template="{birthday_bonus} points are waiting for you.",
    )
    today = opted_in_patient(clinic, date_of_birth=datetime.date(1990, 1, 13))
    opted_in_patient(clinic, date_of_birth=datetime.date(1990, 1, 14))
    assert automation_run(automation=birthday, now=NOON) == 1
    assert Nudge.objects.get().client == today
    assert bodies("birthday") == ["50 points are waiting for you."]
    # Once a year, however often the task runs that day.
    assert automation_run(automation=birthday, now=NOON + datetime.timedelta(hours=3)) == 0


def test_birthday_of_29_february_on_the_28th_in_other_years(clinic):
    birthday = make_automation(clinic, AutomationKind.BIRTHDAY)
    leapling = opted_in_patient(clinic, date_of_birth=datetime.date(2000, 2, 29))
    feb_28 = datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC)
    assert automation_run(automation=birthday, now=feb_28) == 1
    assert Nudge.objects.get().client == leapling


# --- Review request ---------------------------------------------------------------------


@pytest.fixture
def review(clinic):
    return make_automation(
        clinic,
        AutomationKind.REVIEW,
        body_template="Glad you liked your {service}! Would you tell others? {link}",
    )


def rated(clinic, client, botox, nurse, rating):
    booking = visit(clinic, client, botox, nurse, NOON - 2 * DAY)
    feedback = feedback_submit(clinic=clinic, booking_id=booking.pk, rating=rating)
    type(feedback).objects.filter(pk=feedback.pk).update(created_at=NOON - DAY)
    return feedback


def test_review_request_only_for_happy_answers_when_the_clinic_turns_it_on(
    clinic, botox, nurse, review
):
    happy = opted_in_patient(clinic)
    rated(clinic, happy, botox, nurse, 5)
    unhappy = opted_in_patient(clinic)
    rated(clinic, unhappy, botox, nurse, 2)
    # Off by default: nothing.
    assert automation_run(automation=review, now=NOON) == 0
    AutomationSettings.objects.create(
        clinic=clinic, ask_public_review=True, public_review_url="https://g.page/glow/review"
    )
    assert automation_run(automation=review, now=NOON) == 1
    assert Nudge.objects.get().client == happy
    nudge = Nudge.objects.get()
    assert nudge.link == "https://g.page/glow/review"
    [body] = bodies("review")
    assert (
        with_tracked_link(body, nudge) == "Glad you liked your Botox! Would you tell others? {link}"
    )


# --- Vets' health reminders ---------------------------------------------------------------


@pytest.fixture
def health(clinic):
    return make_automation(
        clinic,
        AutomationKind.PET_HEALTH,
        offsets_days="28,7",
        body_template="{pet} is due for {due} on {due_date}: {link}",
    )


@pytest.fixture
def owner(clinic):
    client = opted_in_patient(clinic)
    # A health reminder is a reminder: sent by the reminder preferences, no opt-in needed.
    preferences_update(clinic=clinic, user=client.user, marketing_email=False)
    return client


def test_pet_reminded_at_each_offset_and_when_overdue(clinic, owner, botox, health):
    rex = PetFactory(clinic=clinic, owner=owner, name="Rex")
    due_on = (NOON + 28 * DAY).date()
    PetHealthDue.objects.create(
        clinic=clinic, pet=rex, name="Rabies booster", due_on=due_on, service=botox
    )
    runs = [
        NOON - DAY,
        NOON,
        NOON + DAY,
        NOON + 21 * DAY,
        NOON + 22 * DAY,
        NOON + 28 * DAY,
        NOON + 29 * DAY,
        NOON + 40 * DAY,
    ]
    sent = [automation_run(automation=health, now=now) for now in runs]
    assert sent == [0, 1, 0, 1, 0, 0, 1, 0]  # 4 weeks, 1 week, overdue: once each
    keys = sorted(Nudge.objects.values_list("occasion_key", flat=True))
    assert [k.rsplit("-", 1)[1] for k in keys] == ["28", "7", "overdue"]
    (first, *_rest) = bodies("pet_health")
    assert first.startswith("Rex is due for Rabies booster on ")
    assert {n.link for n in Nudge.objects.all()} == {
        portal_url(clinic, f"/book/service/{botox.pk}/any/?pet={rex.pk}")
    }


def test_never_for_an_inactive_pet(clinic, owner, health):
    gone = PetFactory(clinic=clinic, owner=owner, name="Bella", active=False)
    PetHealthDue.objects.create(clinic=clinic, pet=gone, name="Vaccine", due_on=NOON.date())
    assert automation_run(automation=health, now=NOON) == 0
    assert not Nudge.objects.exists()


def test_book_link_chooses_the_pet_in_the_wizard(clinic, owner, botox, nurse, health, open_policy):
    from branding.services import features_update
    from tests.fixtures.clinics import host_client

    features_update(clinic=clinic, pets=True)
    PetFactory(clinic=clinic, owner=owner, name="Alfie")
    rex = PetFactory(clinic=clinic, owner=owner, name="Rex")
    browser = host_client(clinic)
    browser.force_login(owner.user)
    assert browser.get(f"/book/service/{botox.pk}/any/?pet={rex.pk}").status_code == 200
    start = int((NOON + 60 * DAY).timestamp())
    page = browser.get(f"/book/confirm/?service={botox.pk}&staff=any&t={start}")
    assert page.context["form"].fields["pet"].initial == str(rex.pk)
