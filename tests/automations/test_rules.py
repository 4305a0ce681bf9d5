"""The rules every nudge keeps: once per occasion (also when the worker dies mid-run and
runs again), the weekly cap across automations, quiet hours on the clinic's clock (DST
too), marketing only to those who opted in, nothing to archived or deactivated clients,
and the one-tap "Book again" link. The clock is passed in (``now``), never the real one."""

import datetime

import pytest
from django.core import mail

from automations import services as automation_services
from automations.models import AutomationKind, AutomationSettings, Nudge
from automations.selectors import nudge_attribution
from automations.services import automation_run, automations_run_due
from booking_api.models import BookingStatus
from branding.links import portal_url
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import preferences_update
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.automations import NOON, make_automation, opted_in_patient, visit
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)
DUE_VISIT = NOON - datetime.timedelta(weeks=12, days=1)


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"


@pytest.fixture
def due(clinic, botox, nurse):
    """A patient who had Botox with Nina 12 weeks and a day ago and booked nothing since."""
    client = opted_in_patient(clinic, email="due@example.com")
    visit(clinic, client, botox, nurse, DUE_VISIT)
    return client


def notifications_of(client):
    return list(Notification.objects.filter(user=client.user, kind__startswith="nudge."))


def test_due_patient_gets_one_book_again_email_with_service_and_staff_chosen(
    clinic, botox, nurse, rebook, due, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert automation_run(automation=rebook, now=NOON) == 1
    (message,) = mail.outbox
    assert message.to == ["due@example.com"]
    assert message.subject == f"Time for your next Botox, {due.user.first_name}?"
    nudge = Nudge.objects.get()
    # The link leads to the wizard with Botox and Nina chosen, through the click counter.
    assert nudge.link == portal_url(clinic, f"/book/service/{botox.pk}/{nurse.pk}/")
    assert message.body.count(portal_url(clinic, "/n/")) >= 1
    # marketing email carries its one-click unsubscribe
    assert "List-Unsubscribe" in message.extra_headers
    assert (nudge.client, nudge.channel, nudge.service) == (due, "email", botox)
    # A second run (and a third) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert automation_run(automation=rebook, now=NOON + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_book_again_link_opens_the_wizard_with_service_and_staff(
    clinic, botox, nurse, rebook, due, signed_in
):
    automation_run(automation=rebook, now=NOON)
    url = Notification.objects.get(kind="nudge.rebook").url
    path = url.removeprefix(portal_url(clinic, ""))
    assert path.startswith("/n/")
    page = signed_in.get(path, follow=True)
    assert page.redirect_chain == [
        (portal_url(clinic, f"/book/service/{botox.pk}/{nurse.pk}/"), 302)
    ]
    assert page.status_code == 200
    assert "Botox" in page.content.decode() and "Nina" in page.content.decode()
    assert Nudge.objects.get().clicked_at is not None  # the reports' "opened"


def test_a_nudge_link_works_only_at_its_own_clinic(clinic, rebook, due, other_portal, portal):
    automation_run(automation=rebook, now=NOON)
    path = Notification.objects.get(kind="nudge.rebook").url.removeprefix(portal_url(clinic, ""))
    assert other_portal.get(path).status_code == 404
    assert portal.get(path[:-3] + "xx/").status_code == 404
    assert Nudge.objects.get().clicked_at is None


def test_not_yet_due_booked_archived_deactivated_and_other_clinic_get_nothing(
    clinic, other_clinic, botox, nurse, rebook
):
    recent = opted_in_patient(clinic)
    visit(clinic, recent, botox, nurse, NOON - datetime.timedelta(weeks=11))
    booked = opted_in_patient(clinic)
    visit(clinic, booked, botox, nurse, DUE_VISIT)
    add_booking(clinic, booked, botox, nurse, NOON + datetime.timedelta(days=3))
    archived = opted_in_patient(clinic, archived_at=NOON - datetime.timedelta(days=1))
    visit(clinic, archived, botox, nurse, DUE_VISIT)
    deactivated = opted_in_patient(clinic, deactivated_at=NOON - datetime.timedelta(days=1))
    visit(clinic, deactivated, botox, nurse, DUE_VISIT)
    cancelled = opted_in_patient(clinic)
    visit(clinic, cancelled, botox, nurse, DUE_VISIT, status=BookingStatus.CANCELLED)
    stranger = opted_in_patient(other_clinic)  # another clinic's client, same kind of visit

    assert automation_run(automation=rebook, now=NOON) == 0
    assert not Nudge.objects.exists()
    assert not Notification.objects.filter(user=stranger.user).exists()


def test_marketing_only_to_those_who_opted_in(clinic, botox, nurse, rebook):
    silent = ClientAccountFactory(clinic=clinic)  # never opted in to offers
    visit(clinic, silent, botox, nurse, DUE_VISIT)
    unsubscribed = opted_in_patient(clinic)
    visit(clinic, unsubscribed, botox, nurse, DUE_VISIT)
    preferences_update(clinic=clinic, user=unsubscribed.user, marketing_email=False)

    assert automation_run(automation=rebook, now=NOON) == 0
    assert not Notification.objects.exists()


def test_channel_order_picks_the_first_channel_the_patient_accepts(
    clinic, botox, nurse, due, settings
):
    sms_first = make_automation(clinic, channel_order="sms,email")
    # Opted in by email only: SMS is not accepted, email is next.
    automation_run(automation=sms_first, now=NOON)
    assert Nudge.objects.get().channel == "email"
    other = opted_in_patient(clinic)
    preferences_update(clinic=clinic, user=other.user, marketing_sms=True)
    visit(clinic, other, botox, nurse, DUE_VISIT)
    automation_run(automation=sms_first, now=NOON)
    nudge = Nudge.objects.get(client=other)
    assert nudge.channel == "sms"
    delivery = Delivery.objects.get(notification=nudge.notification)
    assert delivery.channel == "sms" and delivery.extra["to"] == other.phone
    assert nudge.notification.body.endswith("Reply STOP to opt out.")


def test_worker_killed_mid_run_then_rerun_sends_each_occasion_once(
    clinic, botox, nurse, rebook, monkeypatch, django_capture_on_commit_callbacks
):
    patients = []
    for n in range(3):
        client = opted_in_patient(clinic, email=f"p{n}@example.com")
        visit(clinic, client, botox, nurse, DUE_VISIT + datetime.timedelta(minutes=n))
        patients.append(client)
    real_notify = automation_services.notify
    calls = []

    def dies_on_second(**kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 2:
            raise SystemExit("worker killed")  # the process dies inside the transaction
        return real_notify(**kwargs)

    monkeypatch.setattr(automation_services, "notify", dies_on_second)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        automation_run(automation=rebook, now=NOON)
    assert Nudge.objects.count() == 1  # the second one rolled back, the third never began
    monkeypatch.setattr(automation_services, "notify", real_notify)

    with django_capture_on_commit_callbacks(execute=True):
        assert automation_run(automation=rebook, now=NOON + datetime.timedelta(minutes=15)) == 2
        assert automation_run(automation=rebook, now=NOON + datetime.timedelta(minutes=30)) == 0
    for client in patients:
        assert len(notifications_of(client)) == 1
        assert Nudge.objects.filter(client=client).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "p0@example.com",
        "p1@example.com",
        "p2@example.com",
    ]
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_weekly_cap_across_automations(clinic, botox, nurse, due, nudge_settings):
    nudge_settings.weekly_cap = 1
    nudge_settings.save()
    first = make_automation(clinic, name="First")
    second = make_automation(clinic, name="Second")
    assert automation_run(automation=first, now=NOON) == 1
    assert automation_run(automation=second, now=NOON) == 0  # capped this week
    assert automation_run(automation=second, now=NOON + datetime.timedelta(days=6)) == 0
    # A week on the cap has room again; the occasion was waiting, not dropped.
    assert automation_run(automation=second, now=NOON + datetime.timedelta(days=7)) == 1
    assert len(notifications_of(due)) == 2


def test_default_cap_is_two_a_week(clinic, botox, nurse, due):
    automations = [make_automation(clinic, name=f"A{n}") for n in range(3)]
    sent = [automation_run(automation=a, now=NOON) for a in automations]
    assert sent == [1, 1, 0]


# Europe/London springs forward on 28 March 2027 (01:00 GMT → 02:00 BST) and falls back
# on 31 October 2027. Quiet hours 21:00–09:00 on the wall clock.
@pytest.mark.parametrize(
    ("utc", "quiet"),
    [
        ("2027-03-27T08:59", True),  # Saturday 08:59 GMT
        ("2027-03-27T09:00", False),  # Saturday 09:00 GMT
        ("2027-03-28T07:59", True),  # Sunday 08:59 BST: still quiet though 07:59 UTC
        ("2027-03-28T08:00", False),  # Sunday 09:00 BST
        ("2027-03-28T19:59", False),  # 20:59 BST
        ("2027-03-28T20:00", True),  # 21:00 BST, though only 20:00 UTC
        ("2027-10-31T08:59", True),  # Sunday 08:59 GMT after falling back
        ("2027-10-31T09:00", False),
        ("2027-10-31T20:59", False),
        ("2027-10-31T21:00", True),
    ],
)
def test_quiet_hours_on_the_clinic_clock_across_dst(clinic, botox, nurse, rebook, utc, quiet):
    now = datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC)
    client = opted_in_patient(clinic)
    visit(clinic, client, botox, nurse, now - datetime.timedelta(weeks=12, days=1))
    sent = automation_run(automation=rebook, now=now)
    assert sent == (0 if quiet else 1)


def test_quiet_hours_follow_the_clinic_time_zone(other_clinic):
    # Riverside is in New York: 09:30 there is 14:30 UTC.
    AutomationSettings.objects.create(clinic=other_clinic)
    from automations.selectors import automation_settings_for, in_quiet_hours

    settings = automation_settings_for(other_clinic)
    at = datetime.datetime(2027, 1, 13, 13, 30, tzinfo=datetime.UTC)  # 08:30 in New York
    assert in_quiet_hours(other_clinic, settings, at)
    assert not in_quiet_hours(other_clinic, settings, at + datetime.timedelta(hours=1))


def test_disabled_automation_sends_nothing(clinic, botox, nurse, due, rebook):
    rebook.enabled = False
    rebook.save()
    assert automations_run_due(now=NOON) == 0
    assert not Nudge.objects.exists()


def test_attribution_counts_bookings_within_14_days_once(clinic, botox, nurse, rebook, due):
    automation_run(automation=rebook, now=NOON)
    nudge = Nudge.objects.get()
    Nudge.objects.filter(pk=nudge.pk).update(sent_at=NOON, clicked_at=NOON + 60 * MINUTE)
    within = add_booking(clinic, due, botox, nurse, NOON + datetime.timedelta(days=20))
    later = add_booking(clinic, due, botox, nurse, NOON + datetime.timedelta(days=40))
    cancelled = add_booking(
        clinic, due, botox, nurse, NOON + datetime.timedelta(days=21), status="cancelled"
    )
    from booking_api.models import Booking

    Booking.objects.filter(pk=within.pk).update(created_at=NOON + datetime.timedelta(days=2))
    Booking.objects.filter(pk=cancelled.pk).update(created_at=NOON + datetime.timedelta(days=3))
    Booking.objects.filter(pk=later.pk).update(created_at=NOON + datetime.timedelta(days=15))
    rows = nudge_attribution(
        clinic, NOON - datetime.timedelta(days=1), NOON + datetime.timedelta(days=1)
    )
    assert rows == [
        {
            "automation_id": rebook.pk,
            "name": rebook.name,
            "kind": AutomationKind.REBOOK,
            "sent": 1,
            "clicked": 1,
            "bookings": 1,
            "revenue": 25000,
        }
    ]
    assert (
        nudge_attribution(
            clinic, NOON + datetime.timedelta(days=1), NOON + datetime.timedelta(days=30)
        )
        == []
    )


def test_no_nudge_to_those_unsubscribed_from_all(clinic, botox, nurse, rebook, due):
    preferences_update(clinic=clinic, user=due.user, unsubscribed_all=True)  # offers still ticked
    assert automation_run(automation=rebook, now=NOON) == 0
    assert not Notification.objects.exists()
    preferences_update(clinic=clinic, user=due.user, unsubscribed_all=False)
    assert automation_run(automation=rebook, now=NOON) == 1


def test_no_book_again_nudge_for_a_pet_the_owner_removed_from_the_app(
    clinic, botox, nurse, rebook, due
):
    from people.pet_services import pet_deactivate
    from tests.factories.records import PetFactory

    pet = PetFactory(clinic=clinic, owner=due, name="Old Tom")
    last = due.bookings.get()
    last.pet = pet
    last.save(update_fields=["pet"])
    pet_deactivate(pet=pet)
    assert automation_run(automation=rebook, now=NOON) == 0
    assert not Nudge.objects.exists() and not mail.outbox
