"""The notification centre's one-line summary is the body's first sentence."""

from portal_pages.templatetags.portal import notice_summary


def test_a_bulgarian_date_does_not_end_the_sentence():
    # Patient trial: the Bulgarian item stopped at "8.12.2026 г." (its date's own stop).
    body = "Часът ви при Zara Okafor на вт, 8.12.2026 г. в 10:00 е отменен. Можете да запазите нов."
    assert notice_summary(body) == "Часът ви при Zara Okafor на вт, 8.12.2026 г. в 10:00 е отменен."


def test_the_first_sentence_without_links():
    body = "Your appointment is booked. Add it to your calendar: https://x.test/a.ics?token=1"
    assert notice_summary(body) == "Your appointment is booked."
