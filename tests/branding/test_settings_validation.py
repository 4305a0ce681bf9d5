"""Clinic settings refuse bad values with the field named, in the admin form and in the
services; the contrast panel warns about hard-to-read brand colours."""

import pytest

from branding.models import BookingPolicySettings, BrandingSettings
from branding.selectors import clinic_branding, clinic_policy
from branding.services import ClinicError, branding_update, policy_update

pytestmark = pytest.mark.django_db


def branding_url(clinic):
    return f"/admin/settings/branding/brandingsettings/{clinic.site_id}/"


def policy_url(clinic):
    return f"/admin/settings/branding/bookingpolicysettings/{clinic.site_id}/"


def branding_form(**overrides):
    data = {"primary_color": "#2f5d8a", "accent_color": "#333333", "font": "system"}
    data.update(app_name="", logo="", favicon="")
    data.update(overrides)
    return data


def policy_form(**overrides):
    data = {
        "min_notice_minutes": 60,
        "max_advance_days": 90,
        "cancellation_window_hours": 24,
        "late_cancel_fee_kind": "none",
        "late_cancel_fee_value": "",
        "reschedule_limit": 2,
        "reschedule_window_hours": 24,
        "deposit_percent": "",
        "payment_mode": "none",
        "payment_hold_minutes": 10,
        "no_show_fee_kind": "none",
        "no_show_fee_value": "",
        "guest_verification": "email",
        "guest_hold_minutes": 15,
    }
    data.update(overrides)
    return data


# --- Branding through the admin -----------------------------------------------------


def test_admin_refuses_an_invalid_hex_colour_naming_the_field(clinic, manager_admin):
    response = manager_admin.post(branding_url(clinic), branding_form(primary_color="blue"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["primary_color"]
    assert "#rrggbb" in errors["primary_color"][0]
    assert b"blue is not a colour in the form #rrggbb" in response.content
    assert clinic_branding(clinic).primary_color == "#2f5d8a"


def test_contrast_panel_warns_about_a_pale_primary_colour(clinic, manager_admin):
    branding_update(clinic=clinic, primary_color="#f2c14e")

    response = manager_admin.get(branding_url(clinic))

    assert response.status_code == 200
    assert b"Contrast warning" in response.content
    assert b"meet the WCAG AA contrast minimum" not in response.content


def test_contrast_panel_shows_no_warning_for_dark_colours(clinic, manager_admin):
    branding_update(clinic=clinic, primary_color="#1d3557", accent_color="#f2c14e")

    response = manager_admin.get(branding_url(clinic))

    assert b"Contrast warning" not in response.content
    assert b"Your colours meet the WCAG AA contrast minimum." in response.content


def test_saving_a_pale_colour_is_allowed_but_then_warned_about(clinic, manager_admin):
    response = manager_admin.post(
        branding_url(clinic), branding_form(primary_color="#f2c14e"), follow=True
    )

    assert response.status_code == 200
    assert BrandingSettings.objects.get(site=clinic.site).primary_color == "#f2c14e"
    assert b"Contrast warning" in response.content


# --- Branding through the services ----------------------------------------------------


@pytest.mark.parametrize("value", ["blue", "#12345", "#gggggg", "123456", ""])
def test_branding_update_refuses_invalid_hex_naming_the_field(clinic, value):
    with pytest.raises(ClinicError) as exc:
        branding_update(clinic=clinic, accent_color=value)

    assert exc.value.field == "accent_color"
    assert clinic_branding(clinic).accent_color == "#f2c14e"


def test_branding_update_accepts_valid_hex(clinic):
    branding_update(clinic=clinic, primary_color="#ABCDEF")
    assert clinic_branding(clinic).primary_color == "#ABCDEF"


# --- Booking policy through the admin -----------------------------------------------


@pytest.mark.parametrize("kind", ["percent", "fixed"])
def test_admin_requires_a_fee_value_when_a_fee_kind_is_chosen(clinic, manager_admin, kind):
    response = manager_admin.post(
        policy_url(clinic), policy_form(late_cancel_fee_kind=kind, late_cancel_fee_value="")
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["late_cancel_fee_value"]
    assert b"Give a fee greater than zero" in response.content
    assert not BookingPolicySettings.objects.filter(
        site=clinic.site, late_cancel_fee_kind=kind
    ).exists()


def test_admin_refuses_a_percentage_fee_over_100(clinic, manager_admin):
    response = manager_admin.post(
        policy_url(clinic), policy_form(no_show_fee_kind="percent", no_show_fee_value=150)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["no_show_fee_value"]
    assert b"A percentage fee cannot exceed 100." in response.content


def test_admin_saves_a_consistent_policy(clinic, manager_admin):
    response = manager_admin.post(
        policy_url(clinic),
        policy_form(
            late_cancel_fee_kind="percent",
            late_cancel_fee_value=100,
            no_show_fee_kind="fixed",
            no_show_fee_value=2500,
        ),
    )

    assert response.status_code == 302
    policy = BookingPolicySettings.objects.get(site=clinic.site)
    assert (policy.late_cancel_fee_value, policy.no_show_fee_value) == (100, 2500)


def test_the_manager_chooses_how_guests_confirm_and_how_long_their_slot_is_held(
    clinic, manager_admin
):
    saved = manager_admin.post(
        policy_url(clinic), policy_form(guest_verification="card", guest_hold_minutes=10)
    )
    assert saved.status_code == 302
    policy = BookingPolicySettings.objects.get(site=clinic.site)
    assert (policy.guest_verification, policy.guest_hold_minutes) == ("card", 10)

    too_long = manager_admin.post(policy_url(clinic), policy_form(guest_hold_minutes=120))
    assert too_long.status_code == 200
    assert list(too_long.context["form"].errors) == ["guest_hold_minutes"]


# --- Booking policy through the services ----------------------------------------------


@pytest.mark.parametrize("kind", ["percent", "fixed"])
@pytest.mark.parametrize("value", [None, 0])
def test_policy_update_requires_a_fee_value(clinic, kind, value):
    with pytest.raises(ClinicError) as exc:
        policy_update(clinic=clinic, late_cancel_fee_kind=kind, late_cancel_fee_value=value)

    assert exc.value.field == "late_cancel_fee_value"
    assert clinic_policy(clinic).late_cancel_fee_kind == "none"


def test_policy_update_refuses_a_percentage_over_100(clinic):
    with pytest.raises(ClinicError) as exc:
        policy_update(clinic=clinic, no_show_fee_kind="percent", no_show_fee_value=101)

    assert exc.value.field == "no_show_fee_value"
    assert "100" in exc.value.message


def test_policy_update_allows_a_fixed_fee_over_100_minor_units(clinic):
    policy = policy_update(clinic=clinic, no_show_fee_kind="fixed", no_show_fee_value=5000)
    assert policy.no_show_fee_value == 5000


def test_policy_update_allows_no_fee_without_a_value(clinic):
    policy = policy_update(clinic=clinic, late_cancel_fee_kind="none", late_cancel_fee_value=None)
    assert policy.late_cancel_fee_kind == "none"
