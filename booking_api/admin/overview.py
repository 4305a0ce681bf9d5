"""Booking's part of the client account's Overview (``register_client_overview_panel``):
alerts for an active no-show block (who marked it and why) and for a patch test that
failed or is missing for an upcoming visit, and a card with the next and last visits."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from booking_api.client_selectors import client_visit_summary
from booking_api.models import PatchTestResult
from booking_api.patch_test_selectors import client_patch_test_status, client_patch_tests
from booking_api.selectors import no_show_block
from branding.clinic_time import format_date, format_datetime
from people.account_tabs import ClientOverviewPanel, OverviewAlert, client_tab_url, per_request

UPCOMING_SHOWN = 3


def upcoming_for(request, clinic, account):
    """The client's next few visits, read once for the page's panels (with the header's
    summary: the same query)."""
    return visit_summary_for(request, clinic, account).upcoming


def visit_summary_for(request, clinic, account):
    """The header's figures and the next few visits, read once per request."""
    return per_request(
        request,
        ("visit_summary", account.pk),
        lambda: client_visit_summary(clinic, account, upcoming=UPCOMING_SHOWN),
    )


def patch_tests_for(request, clinic, account):
    """The client's patch tests, newest first, read once for the tab and the alerts."""
    return per_request(
        request, ("patch_tests", account.pk), lambda: list(client_patch_tests(clinic, account))
    )


def _client_url(account, tab):
    return client_tab_url(account.pk, tab)


def _booking_url(booking):
    try:
        return reverse("booking_calendar:booking", args=[booking.pk])
    except NoReverseMatch:
        return None


def no_show_alerts(request, clinic, account):
    if not account.online_booking_blocked:
        return []
    block = no_show_block(clinic, account)
    if block is None:
        return [
            OverviewAlert(
                key="booking-block", title=_("Online booking is blocked"), level="warning"
            )
        ]
    who = block.actor.get_full_name() if block.actor else _("the system")
    detail = _("After a no-show: %(service)s, %(when)s, marked by %(who)s.") % {
        "service": block.booking.service.name,
        "when": format_datetime(block.booking.start),
        "who": who,
    }
    if block.reason:
        detail = f"{detail} {_('Reason:')} {block.reason}"
    return [
        OverviewAlert(
            key="booking-block",
            title=_("Online booking is blocked"),
            detail=detail,
            url=_booking_url(block.booking),
            level="warning",
        )
    ]


def patch_test_alerts(request, clinic, account):
    upcoming = upcoming_for(request, clinic, account)
    tests = patch_tests_for(request, clinic, account)
    latest, missing = client_patch_test_status(clinic, account, upcoming, tests=tests)
    url = _client_url(account, "patch_tests")
    alerts = []
    if latest is not None and latest.result == PatchTestResult.FAILED:
        alerts.append(
            OverviewAlert(
                key="patch-test-failed",
                title=_("Patch test failed (reaction)"),
                detail=_("Tested on %(day)s.") % {"day": format_date(latest.tested_on)}
                + (f" {latest.notes}" if latest.notes else ""),
                url=url,
                level="critical",
            )
        )
    for booking in missing:
        alerts.append(
            OverviewAlert(
                key="patch-test-missing",
                title=_("No valid patch test for an upcoming visit"),
                detail=_("%(service)s on %(when)s needs a passed patch test.")
                % {"service": booking.service.name, "when": format_datetime(booking.start)},
                url=url,
                level="warning",
            )
        )
    if latest is not None and not alerts:
        alerts.append(
            OverviewAlert(
                key="patch-test",
                title=_("Patch test: %(result)s") % {"result": latest.get_result_display()},
                detail=_("Tested on %(day)s.") % {"day": format_date(latest.tested_on)},
                url=url,
                level="info",
            )
        )
    return alerts


def visits_context(request, clinic, account):
    upcoming = upcoming_for(request, clinic, account)
    for booking in upcoming:
        booking.open_url = _booking_url(booking)
    last = visit_summary_for(request, clinic, account).last
    if last is not None:
        last.open_url = _booking_url(last)
    return {"upcoming": upcoming, "last": last, "all_url": _client_url(account, "appointments")}


def overview_panels():
    return [
        ClientOverviewPanel(key="no_show", order=10, get_alerts=no_show_alerts),
        ClientOverviewPanel(key="patch_tests", order=30, get_alerts=patch_test_alerts),
        ClientOverviewPanel(
            key="visits",
            order=10,
            template_name="booking_api/admin/overview_visits.html",
            get_context=visits_context,
        ),
    ]
