"""The benchmark scenario, in plain Python so both sides build exactly the same data.

This module is imported by the project's benchmark and by the peer script running in its
own virtual environment (django-appointment), so it must not import Django or the project.

One clinic (Europe/London), one service (30 minutes, slots every 15 minutes, 10 minutes
of buffer after), 20 staff who all perform it, working 09:00–17:00 every day, 30 days
starting tomorrow, 10 bookings per staff-day: 6,000 bookings.

Bookings start 5 minutes past a quarter (09:05, 09:50, ...): a booking's blocked time
(30 minutes + 10 minutes of buffer) then ends on the quarter-hour grid, so every free
range starts on the grid. Our engine steps from the start of each free range, the peer
steps from the start of the working day; on this data both rules give the same starts,
so the two sets of slots can be compared one for one.
"""

import datetime

TIMEZONE = "Europe/London"
STAFF = 20
DAYS = 30
BOOKINGS_PER_DAY = 10
DURATION_MINUTES = 30
STEP_MINUTES = 15
BUFFER_AFTER_MINUTES = 10
WORK_START = datetime.time(9, 0)
WORK_END = datetime.time(17, 0)


def booking_offsets(staff_index, day_index):
    """Start minutes after 09:00 of the day's 10 bookings for one staff member.

    Three shapes, rotating over staff and days (every one respects the 40-minute blocked
    time, and all fit inside 09:00–17:00):
    - packed from 09:05, every 45 minutes: the only free slot is 16:30;
    - packed from 09:20: no free slot (the 20 minutes before and 15 after are too short);
    - from 09:05 with one 60-minute gap somewhere: no free slot (a 20-minute hole).
    """
    shape = (staff_index + day_index) % 3
    if shape == 0:
        return [5 + 45 * k for k in range(BOOKINGS_PER_DAY)]
    if shape == 1:
        return [20 + 45 * k for k in range(BOOKINGS_PER_DAY)]
    gap_after = 1 + (staff_index * 7 + day_index) % (BOOKINGS_PER_DAY - 1)
    return [5 + 45 * k + (15 if k >= gap_after else 0) for k in range(BOOKINGS_PER_DAY)]


def dates(date_from):
    return [date_from + datetime.timedelta(days=d) for d in range(DAYS)]


def local_bookings(date_from):
    """(staff_index, date, start wall time, end wall time) for every booking."""
    out = []
    for staff_index in range(STAFF):
        for day_index, day in enumerate(dates(date_from)):
            for minutes in booking_offsets(staff_index, day_index):
                start = datetime.datetime.combine(day, WORK_START) + datetime.timedelta(
                    minutes=minutes
                )
                end = start + datetime.timedelta(minutes=DURATION_MINUTES)
                out.append((staff_index, day, start.time(), end.time()))
    return out


def slot_key(staff_index, day, wall_time):
    """One offered (staff, local date, local start) as a comparable string."""
    return f"{staff_index:02d} {day.isoformat()} {wall_time.strftime('%H:%M')}"
