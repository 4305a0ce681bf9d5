"""Half-open intervals of integer seconds, [start, end). Lists are sorted and disjoint."""


def intersect(a, b):
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(ranges, cuts, stop=None):
    """``ranges`` minus ``cuts`` (cuts sorted by start; may overlap each other). Cuts
    starting at or after ``stop`` are not looked at."""
    cuts = list(cuts) if stop is None else _until(cuts, stop)
    if not cuts:
        return list(ranges)
    out = []
    for start, end in ranges:
        cursor = start
        for cut_start, cut_end in cuts:
            if cut_end <= cursor:
                continue
            if cut_start >= end:
                break
            if cut_start > cursor:
                out.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
            if cursor >= end:
                break
        if cursor < end:
            out.append((cursor, end))
    return out


def _until(cuts, stop):
    """The cuts that start before ``stop`` (cuts sorted by start)."""
    out = []
    for cut in cuts:
        if cut[0] >= stop:
            break
        out.append(cut)
    return out


def normalise(ranges):
    """Sort and merge overlapping or touching ranges."""
    ranges = list(ranges)
    if len(ranges) < 2:
        return ranges
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def starts_in(free, duration, step, earliest, latest, grid):
    """Candidate starts: every ``step`` seconds on the grid anchored at the start of the
    ``grid`` range (the day's working time) holding each free range, while the
    appointment fits; kept only between ``earliest`` and ``latest``. The grid does not
    move when a booking ends off it, so times stay round (10:00, 10:15…) and a start
    that was offered stays offered until something takes it."""
    out = []
    anchors = iter(grid)
    anchor_start, anchor_end = next(anchors, (None, None))
    for start, end in free:
        while anchor_end is not None and anchor_end <= start:
            anchor_start, anchor_end = next(anchors, (None, None))
        anchor = start if anchor_start is None or anchor_start > start else anchor_start
        t = anchor + -(-(max(start, earliest) - anchor) // step) * step
        last = end - duration
        while t <= last and t <= latest:
            out.append(t)
            t += step
    return out
