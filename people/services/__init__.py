"""Writes about people, a module per job: ``accounts`` (a person and their client
accounts, invitations, verification), ``client_record`` (staff edits of an account from
the workspace, notes, preferences), ``team`` (staff memberships) and ``audit`` (the audit
trail). Callers import from here."""

from people.errors import ClientError  # noqa: F401
from people.services.accounts import (  # noqa: F401
    client_account_ensure,
    client_add_at_desk,
    client_contact_update,
    client_invite,
    client_search_text_refresh,
    client_upsert,
    email_is_verified,
    email_mark_verified,
    password_set_url,
    split_name,
    user_get_or_create,
)
from people.services.audit import (  # noqa: F401
    audit_changes,
    audit_entries_redact,
    audit_record,
    request_origin,
)
from people.services.client_record import (  # noqa: F401
    CLIENT_ACCOUNT_FIELDS,
    CLIENT_EDITABLE_FIELDS,
    CLIENT_USER_FIELDS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    client_archive,
    client_deactivate,
    client_online_booking_unblock,
    client_preferences_update,
    client_reactivate,
    client_unarchive,
    client_update,
    note_create,
    note_pin,
)
from people.services.devices import (  # noqa: F401
    api_tokens_revoke,
    device_token_issue,
    device_token_revoke,
    device_tokens_revoke_here,
)
from people.services.team import membership_grant, membership_revoke  # noqa: F401
