from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class WelcomeCardBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=80)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "openquote"
        label = _("Welcome message")
        template = "portal_pages/cards/welcome.html"
        preview_value = {"heading": "Welcome", "text": "<p>We are glad you are here.</p>"}
        description = _("A short welcome in your own words.")


class DashboardCards(blocks.StreamBlock):
    welcome = WelcomeCardBlock()
