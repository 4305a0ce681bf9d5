from django.utils.html import format_html, format_html_join
from wagtail.admin.panels import HelpPanel


class ContrastWarningPanel(HelpPanel):
    """Shows WCAG AA contrast warnings for the saved brand colours (warnings, not errors:
    a clinic may keep its colours, but should know they are hard to read)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            warnings = self.instance.contrast_warnings() if self.instance else []
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
