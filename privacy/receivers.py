"""What privacy does when other apps tell it something (after their commit)."""

from notifications import events


def record_marketing_change(sender, *, clinic, user, before, after, source, **kwargs):
    """Offers switched on or off through any door is consent given or withdrawn."""
    from people.selectors import client_account_for_user
    from privacy.services import marketing_switches_record

    client = client_account_for_user(clinic, user)
    if client is not None:
        marketing_switches_record(
            clinic=clinic, client=client, before=before, after=after, source=source
        )


def connect():
    events.marketing_changed.connect(record_marketing_change, dispatch_uid="privacy_marketing")
