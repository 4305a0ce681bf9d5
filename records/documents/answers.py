"""The answers to a form's questions, checked by a Django form built from them: the
portal renders it, and the signing service validates with it whatever door answers."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _field_for(question):
    kind, required = question["type"], question["required"]
    common = {
        "label": question["label"],
        "help_text": question.get("help_text") or "",
        "required": required,
    }
    if kind == "text":
        return forms.CharField(max_length=500, **common)
    if kind == "long_text":
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == "yes_no":
        # Radios, not a checkbox: "no" is an answer, and a required question needs one.
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "choice":
        choices = [(c, c) for c in question.get("choices") or []]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    raise ValueError(f"Unknown question type {kind!r}.")


def answers_form_class(questions):
    """A form class with one field per question, named by the question's key."""
    fields = {q["key"]: _field_for(q) for q in questions}
    return type("AnswersForm", (forms.Form,), fields)


def json_answers(questions, cleaned_data):
    """Cleaned values as JSON: yes/no as booleans, dates as ISO strings, unanswered
    optional questions as None."""
    answers = {}
    for question in questions:
        value = cleaned_data.get(question["key"])
        if question["type"] == "yes_no":
            value = {"yes": True, "no": False}.get(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif value == "":
            value = None
        answers[question["key"]] = value
    return answers


def answer_display(question, value):
    """An answer as a person reads it (for the PDF and the staff views)."""
    if value is None or value == "":
        return "—"
    if question["type"] == "yes_no":
        return str(_("Yes") if value else _("No"))
    return str(value)
