"""Charts drawn on the server as SVG: no script, no CDN. Each chart has a ``<title>`` and
``<desc>`` (what it shows and its largest value) for screen readers, which then read the
table under it for the figures; the colours pass contrast against white and the two
series differ by pattern as well as colour."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from branding import clinic_time
from reports.display import show
from reports.registry import PERCENT

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 88, 16, 16, 56
COLOURS = ("#1d4f91", "#6b6b6b", "#0b6e4f", "#8a3b12")


def _nice_max(value, kind):
    if kind == PERCENT:
        return max(value, 1.0) if value > 1 else (1.0 if value > 0.5 else max(value, 0.01) * 1.2)
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


def render(table, *, currency, chart_id):
    """The table's chart as inline SVG markup, or "" when it has no chart."""
    if not table.chart or not table.series or not table.rows:
        return ""
    columns = {c.key: c for c in table.columns}
    series = [columns[k] for k in table.series]
    kind = series[0].kind
    label_col = table.columns[0]
    values = [[row.get(s.key) or 0 for s in series] for row in table.rows]
    top = _nice_max(max((v for vs in values for v in vs), default=0), kind)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v):
        return TOP + plot_h - (v / top) * plot_h if top else TOP + plot_h

    parts = []
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    biggest = max((v for vs in values for v in vs), default=0)
    desc = _(
        "%(series)s for each %(what)s; the largest value is %(max)s. "
        "The figures are in the table below."
    ) % {
        "series": ", ".join(str(s.label) for s in series),
        "what": str(label_col.label).lower(),
        "max": show(biggest, kind, currency),
    }
    parts.append(
        f'<svg class="report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" data-chart="{escape(table.key)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(table.title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>'
        '<defs><pattern id="'
        + chart_id
        + '-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#6b6b6b"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
    )
    # grid and axis labels: 0, half, top
    for fraction in (0, 0.5, 1):
        v = top * fraction
        yy = y(v)
        parts.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#d0d0d0"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(show(int(v) if kind != PERCENT else v, kind, currency))}</text>"
        )
    n = len(table.rows)
    labels = [show(row.get(label_col.key), label_col.kind, currency) for row in table.rows]
    # Dates on the axis short ("5 Nov"), and at most eight labels so none overlap.
    axis = [
        clinic_time.format_date(row.get(label_col.key), "day") if label_col.kind == "date" else text
        for row, text in zip(table.rows, labels, strict=True)
    ]
    every = max(1, math.ceil(n / 8))
    if table.chart == "lines":
        step = plot_w / max(n - 1, 1)
        for index, s in enumerate(series):
            points = " ".join(
                f"{LEFT + i * step:.1f},{y(vs[index]):.1f}" for i, vs in enumerate(values)
            )
            dash = ' stroke-dasharray="6 4"' if index else ""
            parts.append(
                f'<polyline fill="none" stroke="{COLOURS[index % 4]}" stroke-width="2.5"{dash} '
                f'points="{points}" data-series="{escape(s.key)}"/>'
            )
        for i in range(n):
            if i % every == 0:
                parts.append(_x_label(LEFT + i * step, axis[i]))
    else:
        group = plot_w / n
        bar = max(2.0, group * 0.8 / len(series))
        for i, vs in enumerate(values):
            x0 = LEFT + i * group + group * 0.1
            for index, v in enumerate(vs):
                fill = (
                    COLOURS[0]
                    if index == 0
                    else (f"url(#{chart_id}-hatch)" if index == 1 else COLOURS[index % 4])
                )
                tip = f"{labels[i]}, {series[index].label}: {show(v, kind, currency)}"
                parts.append(
                    f'<rect x="{x0 + index * bar:.1f}" y="{y(v):.1f}" width="{bar - 1:.1f}" '
                    f'height="{TOP + plot_h - y(v):.1f}" fill="{fill}" '
                    f'data-series="{escape(series[index].key)}"><title>{escape(tip)}</title></rect>'
                )
            if i % every == 0:
                parts.append(_x_label(LEFT + i * group + group / 2, axis[i]))
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="report-key report-key-{index}" aria-hidden="true"></span>'
        f"{escape(str(s.label))}</li>"
        for index, s in enumerate(series)
    )
    return mark_safe("".join(parts) + f'<ul class="report-legend">{legend}</ul>')


def _x_label(x, text):
    text = text if len(text) <= 18 else text[:17] + "…"
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
        f'fill="#333">{escape(text)}</text>'
    )
