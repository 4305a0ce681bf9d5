from django.utils.html import format_html, format_html_join
from wagtail.admin.panels import HelpPanel

from branding.validators import HEX_COLOUR


class ContrastWarningPanel(HelpPanel):
    """Shows WCAG AA contrast warnings for the saved brand colours (warnings, not errors:
    a clinic may keep its colours, but should know they are hard to read)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            colours = (
                getattr(self.instance, "primary_color", None),
                getattr(self.instance, "accent_color", None),
            )
            if not all(HEX_COLOUR.match(c or "") for c in colours):
                # An invalid colour is refused by its own field; nothing to judge yet.
                self.content = ""
                return
            warnings = self.instance.contrast_warnings()
            if warnings:
                self.content = format_html(
                    '<div class="help-block help-warning" role="status"><p><strong>{}</strong>'
                    "</p><ul>{}</ul></div>",
                    "Contrast warning",
                    format_html_join("", "<li>{}</li>", ((w,) for w in warnings)),
                )
            else:
                self.content = format_html(
                    '<p class="help-block help-info">{}</p>',
                    "Your colours meet the WCAG AA contrast minimum.",
                )
