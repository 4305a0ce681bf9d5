"""The service form's calendar colour: a radio per named colour (``ServiceColour``) with a
swatch of that colour, and a preview of a booking box in the chosen one, so the manager
sees what the calendar will show before saving."""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class ServiceColourWidget(forms.RadioSelect):
    template_name = "booking_api/widgets/service_colour.html"

    class Media:
        css = {"all": ["booking_api/calendar.css"]}
        js = ["booking_api/service_colour.js"]

    def _render(self, template_name, context, renderer=None):
        # The project's templates (the form renderer only looks in Django's own).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 (a template)
