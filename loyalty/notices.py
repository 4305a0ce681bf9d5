"""What the loyalty programme tells a patient, as short notices in their notification
centre (and a push where they allow it), never an email each time: points added for a
visit, a birthday or by the clinic. Written in the clinic's language, with the unit as
patients read it."""

from django.utils.translation import gettext as _

from loyalty.selectors import programme_for


def points_added_tell(entry, *, why):
    """Tell the patient ``entry`` added points; once per entry, however often called.
    ``why``: the staff member's own words, or a function giving the sentence, called in
    the clinic's language."""
    from notifications.language import speaking_to
    from notifications.models import Category, Channel
    from notifications.services import notify

    clinic = entry.clinic
    with speaking_to(clinic, entry.client.user):
        unit = programme_for(clinic).unit_label
        why = why() if callable(why) else why
        notify(
            clinic=clinic,
            user=entry.client.user,
            kind="points_added",
            category=Category.MESSAGE,
            title=_("+%(amount)s %(unit)s") % {"amount": entry.amount, "unit": unit},
            body=_("%(why)s. Your balance is %(balance)s %(unit)s.")
            % {"why": why.rstrip("."), "balance": entry.balance_after, "unit": unit},
            url="/rewards/",
            channels=[Channel.PUSH],
            idempotency_key=f"points-added-{entry.pk}",
        )
