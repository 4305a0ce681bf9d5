"""django-q2 entry points of the automations app. Idempotent: each occasion is sent once.

The schedule (every 15 minutes) is made by migration 0002; moving this function means a
migration updating its ``Schedule.func``."""


def run_automations():
    from automations.services import automations_run_due

    return automations_run_due()
