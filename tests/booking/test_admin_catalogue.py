"""The booking catalogue in the admin: categories, services and staff (with schedule and
time off), each limited to the clinic the person manages."""

import datetime

import pytest
from django.test import Client

from booking_api.models import Service, ServiceCategory, StaffMember, TimeOff
from tests.factories.booking import ServiceCategoryFactory, ServiceFactory, StaffFactory
from tests.factories.branding import LocationFactory
from tests.factories.clients import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SERVICES = "/admin/bookings/services/"
STAFF = "/admin/bookings/staff/"
CATEGORIES = "/admin/bookings/categories/"


def signed_in(user, clinic=None):
    client = Client(HTTP_HOST=clinic.site.hostname) if clinic else Client()
    client.force_login(user)
    return client


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def service_form(name="Facial", price="45.00", **extra):
    data = {
        "name": name,
        "description": "",
        "duration_minutes": 60,
        "price": price,
        "deposit": "",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 10,
        "slot_step_minutes": "",
        "active": "on",
    }
    data.update(extra)
    return data


def staff_form(name="Emma Stone", hours=(), time_off=(), **extra):
    data = {"display_name": name, "bio": "Facials and peels.", "active": "on", **extra}
    data.update(formset_data("hours", hours))
    data.update(formset_data("time_off", time_off))
    return data


@pytest.fixture
def soho(clinic):
    return LocationFactory(clinic=clinic, key="soho", name="Glow Soho", is_main=True)


@pytest.fixture
def theirs(other_clinic):
    """The other clinic's catalogue: a location, a category, a service and a therapist."""
    location = LocationFactory(clinic=other_clinic, key="quay", name="Riverside Quay")
    category = ServiceCategoryFactory(clinic=other_clinic, name="Vaccinations")
    service = ServiceFactory(clinic=other_clinic, name="Rabies jab", category=category)
    staff = StaffFactory(clinic=other_clinic, display_name="Dr Otter", services=[service], hours={})
    return {"location": location, "category": category, "service": service, "staff": staff}


# --- Services ------------------------------------------------------------------------


def test_manager_creates_a_service_with_a_decimal_price(clinic, other_clinic, manager, soho):
    category = ServiceCategoryFactory(clinic=clinic, name="Skin")
    emma = StaffFactory(clinic=clinic, display_name="Emma", hours={})

    # Opened on the other clinic's domain: still created for the manager's own clinic.
    response = signed_in(manager, other_clinic).post(
        SERVICES + "new/",
        service_form(
            category=category.pk,
            price="45.00",
            deposit="10.5",
            locations=[soho.pk],
            staff=[emma.pk],
        ),
    )

    assert response.status_code == 302
    service = Service.objects.get(name="Facial")
    assert service.clinic == clinic
    assert (service.price, service.deposit) == (4500, 1050)
    assert isinstance(service.price, int)
    assert service.key == "facial"
    assert service.category == category
    assert (service.duration_minutes, service.buffer_after_minutes) == (60, 10)
    assert list(service.locations.all()) == [soho]
    assert list(service.staff.all()) == [emma]


def test_manager_lists_and_edits_own_services(clinic, manager, theirs):
    service = ServiceFactory(clinic=clinic, name="Consultation", price=4500, key="consult")
    client = signed_in(manager, clinic)

    listing = client.get(SERVICES)
    page = client.get(f"{SERVICES}edit/{service.pk}/")
    response = client.post(
        f"{SERVICES}edit/{service.pk}/", service_form(name="Long consultation", price="60")
    )

    assert listing.status_code == 200
    assert b"Consultation" in listing.content and b"45.00" in listing.content
    assert b"Rabies jab" not in listing.content
    assert page.status_code == 200
    assert page.context["form"]["price"].value() == "45.00"
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.price, service.key) == ("Long consultation", 6000, "consult")
    assert Service.objects.filter(clinic=clinic).count() == 1


def test_another_clinics_service_is_not_found_by_id(clinic, manager, theirs):
    service = theirs["service"]
    client = signed_in(manager, clinic)

    assert client.get(f"{SERVICES}edit/{service.pk}/").status_code == 404
    post = client.post(f"{SERVICES}edit/{service.pk}/", service_form(name="Mine", price="1"))
    assert post.status_code == 404
    assert client.post(f"{SERVICES}delete/{service.pk}/").status_code == 404
    service.refresh_from_db()
    assert (service.name, service.clinic_id) == ("Rabies jab", theirs["location"].clinic_id)


def test_service_form_offers_only_the_clinics_choices(clinic, manager, soho, theirs):
    ours = StaffFactory(clinic=clinic, display_name="Emma", hours={})
    ServiceCategoryFactory(clinic=clinic, name="Skin")

    form = signed_in(manager, clinic).get(SERVICES + "new/").context["form"]

    assert list(form.fields["locations"].queryset) == [soho]
    assert list(form.fields["staff"].queryset) == [ours]
    assert [c.name for c in form.fields["category"].queryset] == ["Skin"]


def test_posting_another_clinics_choices_is_refused(clinic, manager, soho, theirs):
    response = signed_in(manager, clinic).post(
        SERVICES + "new/",
        service_form(
            category=theirs["category"].pk,
            locations=[theirs["location"].pk],
            staff=[theirs["staff"].pk],
        ),
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"category", "locations", "staff"}
    assert not Service.objects.filter(clinic=clinic).exists()


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"price": "4.999"}, "price", "GBP amounts have at most 2 decimal places."),
        ({"price": "abc"}, "price", "Enter an amount such as 45.00."),
        ({"price": "-5"}, "price", "The amount cannot be negative."),
        (
            {"price": "45.00", "deposit": "50"},
            "deposit",
            "The deposit cannot be more than the price (45.00).",
        ),
    ],
)
def test_service_form_names_the_field_at_fault(clinic, manager, fields, field, message):
    response = signed_in(manager, clinic).post(SERVICES + "new/", service_form(**fields))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert not Service.objects.exists()


def test_a_service_with_bookings_is_not_deleted(clinic, manager, patient, soho):
    from booking_api.models import Booking

    service = ServiceFactory(clinic=clinic, name="Consultation")
    staff = StaffFactory(clinic=clinic, hours={})
    start = datetime.datetime(2030, 1, 7, 10, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(minutes=30)
    Booking.objects.create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=staff,
        location=soho,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        price=4500,
        currency="GBP",
        source="staff",
    )

    response = signed_in(manager, clinic).post(f"{SERVICES}delete/{service.pk}/", follow=True)

    assert response.status_code == 200
    assert b"has bookings and cannot be deleted" in response.content
    assert Service.objects.filter(pk=service.pk).exists()


# --- Staff members -------------------------------------------------------------------


def test_manager_creates_staff_with_schedule_and_time_off(clinic, manager, soho, staff_user):
    service = ServiceFactory(clinic=clinic, name="Facial")
    MembershipFactory(clinic=clinic, user=UserFactory(email="nobody@example.com"), role="staff")

    response = signed_in(manager, clinic).post(
        STAFF + "new/",
        staff_form(
            user=staff_user.pk,
            services=[service.pk],
            hours=[
                {"weekday": 0, "start": "09:00", "end": "13:00", "location": soho.pk},
                {"weekday": 0, "start": "14:00", "end": "18:00", "location": soho.pk},
                {"weekday": 2, "start": "10:00", "end": "16:00", "location": soho.pk},
            ],
            # London in summer is UTC+1: 09:00 local is 08:00 UTC.
            time_off=[
                {"start": "2030-07-01T09:00", "end": "2030-07-05T17:30", "reason": "Holiday"}
            ],
        ),
    )

    assert response.status_code == 302
    staff = StaffMember.objects.get(display_name="Emma Stone")
    assert (staff.clinic, staff.user, staff.key) == (clinic, staff_user, "emma-stone")
    assert list(staff.services.all()) == [service]
    assert [
        (h.weekday, f"{h.start:%H:%M}", f"{h.end:%H:%M}") for h in staff.working_hours.all()
    ] == [
        (0, "09:00", "13:00"),
        (0, "14:00", "18:00"),
        (2, "10:00", "16:00"),
    ]
    assert {h.location for h in staff.working_hours.all()} == {soho}
    off = staff.time_off.get()
    assert off.start == datetime.datetime(2030, 7, 1, 8, tzinfo=datetime.UTC)
    assert off.end == datetime.datetime(2030, 7, 5, 16, 30, tzinfo=datetime.UTC)
    assert off.reason == "Holiday"


def test_staff_edit_shows_time_off_in_clinic_time_and_replaces_rows(clinic, manager, soho):
    staff = StaffFactory(clinic=clinic, display_name="Emma", hours={0: [("09:00", "17:00")]})
    off = TimeOff.objects.create(
        staff=staff,
        start=datetime.datetime(2030, 7, 1, 8, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 7, 1, 12, tzinfo=datetime.UTC),
    )
    hours = staff.working_hours.get()
    client = signed_in(manager, clinic)

    page = client.get(f"{STAFF}edit/{staff.pk}/")
    time_off_form = page.context["form"].time_off_formset.forms[0]
    assert time_off_form["start"].value() == datetime.datetime(2030, 7, 1, 9)
    # typed and shown in the clinic's order (dd/mm/yyyy in London), 24-hour
    assert b'value="01/07/2030 09:00"' in page.content

    data = staff_form(name="Emma")
    data.update(
        formset_data(
            "hours",
            [
                {
                    "id": hours.pk,
                    "staff": staff.pk,
                    "weekday": 0,
                    "start": "10:00",
                    "end": "17:00",
                    "location": soho.pk,
                }
            ],
            initial=1,
        )
    )
    data.update(
        formset_data(
            "time_off",
            [
                {
                    "id": off.pk,
                    "staff": staff.pk,
                    "start": "01/07/2030 09:00",
                    "end": "2030-07-01T13:00",
                    "DELETE": "on",
                }
            ],
            initial=1,
        )
    )
    response = client.post(f"{STAFF}edit/{staff.pk}/", data)

    assert response.status_code == 302
    assert [(h.start, h.end) for h in staff.working_hours.all()] == [
        (datetime.time(10), datetime.time(17))
    ]
    assert not staff.time_off.exists()


def test_staff_form_offers_only_the_clinics_choices(clinic, manager, staff_user, soho, theirs):
    ours = ServiceFactory(clinic=clinic, name="Facial")
    outsider = MembershipFactory(clinic=theirs["location"].clinic, role="staff").user

    form = signed_in(manager, clinic).get(STAFF + "new/").context["form"]

    assert list(form.fields["services"].queryset) == [ours]
    assert set(form.fields["user"].queryset) == {manager, staff_user}
    assert outsider not in form.fields["user"].queryset
    hours_form = form.schedule_formset.forms[0]
    assert list(hours_form.fields["location"].queryset) == [soho]


def test_posting_another_clinics_location_or_login_is_refused(clinic, manager, soho, theirs):
    outsider = MembershipFactory(clinic=theirs["location"].clinic, role="staff").user

    response = signed_in(manager, clinic).post(
        STAFF + "new/",
        staff_form(
            user=outsider.pk,
            services=[theirs["service"].pk],
            hours=[
                {
                    "weekday": 0,
                    "start": "09:00",
                    "end": "17:00",
                    "location": theirs["location"].pk,
                }
            ],
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"user", "services"}
    assert set(form.schedule_formset.errors[0]) == {"location"}
    assert not StaffMember.objects.filter(clinic=clinic).exists()


def test_staff_form_names_the_field_at_fault(clinic, manager, soho):
    response = signed_in(manager, clinic).post(
        STAFF + "new/",
        staff_form(
            hours=[
                {"weekday": 1, "start": "09:00", "end": "13:00", "location": soho.pk},
                {"weekday": 1, "start": "12:00", "end": "15:00", "location": soho.pk},
                {"weekday": 2, "start": "18:00", "end": "09:00", "location": soho.pk},
            ],
            time_off=[{"start": "2030-07-05T09:00", "end": "2030-07-01T09:00"}],
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.schedule_formset.errors == [
        {},
        {"start": ["Overlaps 09:00–13:00 on Tuesday."]},
        {"end": ["Must be after the start."]},
    ]
    assert form.time_off_formset.errors == [{"end": ["Must be after the start."]}]
    assert "Overlaps 09:00–13:00 on Tuesday." in response.content.decode()
    assert not StaffMember.objects.exists()


def test_a_login_links_to_one_staff_member_only(clinic, manager, staff_user):
    StaffFactory(clinic=clinic, display_name="Emma", user=staff_user, hours={})

    response = signed_in(manager, clinic).post(STAFF + "new/", staff_form(user=staff_user.pk))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["user"]


def test_another_clinics_staff_is_not_found_or_listed(clinic, manager, theirs):
    staff = theirs["staff"]
    StaffFactory(clinic=clinic, display_name="Emma", hours={})
    client = signed_in(manager, clinic)

    listing = client.get(STAFF)
    assert b"Emma" in listing.content and b"Dr Otter" not in listing.content
    assert client.get(f"{STAFF}edit/{staff.pk}/").status_code == 404
    assert client.post(f"{STAFF}edit/{staff.pk}/", staff_form(name="Mine")).status_code == 404
    assert client.post(f"{STAFF}delete/{staff.pk}/").status_code == 404
    staff.refresh_from_db()
    assert staff.display_name == "Dr Otter"


# --- Categories ----------------------------------------------------------------------


def test_manager_creates_and_lists_categories(clinic, manager, theirs):
    client = signed_in(manager, clinic)

    response = client.post(CATEGORIES + "new/", {"name": "Skin", "position": 1})
    duplicate = client.post(CATEGORIES + "new/", {"name": "skin", "position": 2})
    listing = client.get(CATEGORIES)

    assert response.status_code == 302
    assert ServiceCategory.objects.get(name="Skin").clinic == clinic
    assert list(duplicate.context["form"].errors) == ["name"]
    assert b"Skin" in listing.content and b"Vaccinations" not in listing.content
    assert client.get(f"{CATEGORIES}edit/{theirs['category'].pk}/").status_code == 404


def test_a_category_with_services_is_not_deleted(clinic, manager):
    category = ServiceCategoryFactory(clinic=clinic, name="Skin")
    ServiceFactory(clinic=clinic, category=category)

    response = signed_in(manager, clinic).post(f"{CATEGORIES}delete/{category.pk}/", follow=True)

    assert b"still has services" in response.content
    assert ServiceCategory.objects.filter(pk=category.pk).exists()


# --- Who may do what -----------------------------------------------------------------


def test_staff_read_the_lists_but_cannot_change_them(clinic, staff_user, soho):
    service = ServiceFactory(clinic=clinic, name="Consultation")
    emma = StaffFactory(clinic=clinic, display_name="Emma", hours={})
    client = signed_in(staff_user, clinic)

    services = client.get(SERVICES)
    assert services.status_code == 200 and b"Consultation" in services.content
    assert f"{SERVICES}edit/{service.pk}/".encode() not in services.content
    assert f"{SERVICES}new/".encode() not in services.content
    assert b"Emma" in client.get(STAFF).content
    assert client.get(f"{SERVICES}edit/{service.pk}/").status_code in (302, 403, 404)
    assert client.post(SERVICES + "new/", service_form()).status_code in (302, 403)
    assert client.post(STAFF + "new/", staff_form()).status_code in (302, 403)
    assert client.post(f"{STAFF}delete/{emma.pk}/").status_code in (302, 403, 404)
    assert client.get(CATEGORIES).status_code in (302, 403)
    assert not Service.objects.filter(name="Facial").exists()
    assert StaffMember.objects.filter(clinic=clinic).count() == 1


def test_therapists_have_no_booking_catalogue(clinic):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    client = signed_in(therapist, clinic)

    assert client.get(SERVICES).status_code in (302, 403)
    assert client.get(STAFF).status_code in (302, 403)
    menu = client.get("/admin/").content
    assert all(url.encode() not in menu for url in (SERVICES, STAFF, CATEGORIES))
    assert b"/admin/bookings/calendar/" in menu  # their own schedule only


def test_menu_shows_the_bookings_group_by_role(clinic, manager, staff_user):
    manager_menu = signed_in(manager, clinic).get("/admin/").content
    staff_menu = signed_in(staff_user, clinic).get("/admin/").content

    assert all(url.encode() in manager_menu for url in (SERVICES, STAFF, CATEGORIES))
    assert SERVICES.encode() in staff_menu and STAFF.encode() in staff_menu
    assert CATEGORIES.encode() not in staff_menu


def test_lists_can_be_searched(clinic, manager):
    ServiceFactory(clinic=clinic, name="Consultation")
    ServiceFactory(clinic=clinic, name="Facial")
    StaffFactory(clinic=clinic, display_name="Emma", hours={})
    client = signed_in(manager, clinic)

    services = client.get(SERVICES, {"q": "facial"})
    staff = client.get(STAFF, {"q": "emma"})

    assert b"Facial" in services.content and b"Consultation" not in services.content
    assert staff.status_code == 200 and b"Emma" in staff.content


@pytest.mark.parametrize("currency,typed,stored", [("JPY", "4500", 4500), ("USD", "19.9", 1990)])
def test_amounts_follow_the_clinics_currency(clinic, manager, currency, typed, stored):
    clinic.currency = currency
    clinic.save()

    response = signed_in(manager, clinic).post(SERVICES + "new/", service_form(price=typed))

    assert response.status_code == 302
    assert Service.objects.get(clinic=clinic).price == stored


def test_yen_amounts_have_no_decimals(clinic, manager):
    clinic.currency = "JPY"
    clinic.save()

    response = signed_in(manager, clinic).post(SERVICES + "new/", service_form(price="45.50"))

    assert response.context["form"].errors == {"price": ["JPY amounts have no decimal places."]}
