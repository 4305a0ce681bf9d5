from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal_pages.blocks import DashboardCards


class PortalHomePage(Page):
    """The root page of a clinic's portal: a dashboard of cards the manager arranges."""

    cards = StreamField(
        DashboardCards(), blank=True, use_json_field=True, verbose_name=_("dashboard cards")
    )

    content_panels = [*Page.content_panels, FieldPanel("cards")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("portal home page")

    def get_context(self, request, *args, **kwargs):
        from portal_pages.selectors import dashboard_for

        context = super().get_context(request, *args, **kwargs)
        clinic = getattr(request, "clinic", None)
        if clinic is not None:
            dashboard = dashboard_for(clinic, request.user, page=self, request=request)
            context["dashboard"] = dashboard
            if any(card.block_type == "notifications" for card in dashboard.cards):
                # The card counted them already: the header's badge needs no query.
                context["unread_notifications"] = dashboard.unread
        return context


class ContentPage(Page):
    """A page of text: about us, aftercare advice, FAQs."""

    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["portal_pages.PortalHomePage", "portal_pages.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class PolicyPage(Page):
    """The clinic's cancellation and booking policy. Its numbers are the clinic's
    booking policy settings, shown in an "at a glance" box and wherever the text uses a
    placeholder such as {free_cancellation_hours}, so the page always says what the
    booking engine enforces."""

    body = RichTextField(
        _("text"),
        blank=True,
        help_text=_(
            "You may write these placeholders; they show your booking policy's current "
            "values: {free_cancellation_hours}, {late_cancellation_fee}, {reschedule_limit}, "
            "{reschedule_window_hours}, {minimum_notice}, {no_show_fee}."
        ),
    )
    show_summary = models.BooleanField(
        _("show the policy at a glance"),
        default=True,
        help_text=_("A box above the text with the free cancellation window, fees and limits."),
    )

    content_panels = [*Page.content_panels, FieldPanel("show_summary"), FieldPanel("body")]
    parent_page_types = ["portal_pages.PortalHomePage", "portal_pages.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy page")

    def get_context(self, request, *args, **kwargs):
        from portal_pages.policy import policy_numbers

        context = super().get_context(request, *args, **kwargs)
        clinic = getattr(request, "clinic", None)
        context["policy_numbers"] = policy_numbers(clinic) if clinic is not None else {}
        return context
