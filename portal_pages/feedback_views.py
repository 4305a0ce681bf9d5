"""The post-visit survey (/feedback/<token>/): reached from the survey message, works
without signing in; the signed token names the booking, and each visit is rated once."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from branding.errors import DomainError
from portal_pages.access import rate_limited
from records.feedback.selectors import feedback_for_booking
from records.feedback.services import feedback_submit
from records.feedback.tokens import booking_id_from_token

RATINGS = [(n, str(n)) for n in range(5, 0, -1)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How was your visit? (5 is best)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@require_http_methods(["GET", "POST"])
@rate_limited("feedback_token", methods=("GET", "POST"))
def feedback(request, token):
    clinic = request.clinic
    booking_id = booking_id_from_token(token, clinic)
    if booking_id is None:
        raise Http404(_("This survey link is not valid."))
    answered = feedback_for_booking(clinic, booking_id)
    form = FeedbackForm(request.POST or None)
    if answered is None and request.method == "POST" and form.is_valid():
        try:
            answered = feedback_submit(
                clinic=clinic,
                booking_id=booking_id,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            answered = feedback_for_booking(clinic, booking_id)
            if answered is None:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request, "portal_pages/documents/feedback.html", {"form": form, "answered": answered}
    )
