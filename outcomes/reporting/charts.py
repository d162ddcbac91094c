"""Server-rendered SVG charts: no JavaScript, no external chart service.

Accessible: each chart is role="img" with a <title> and <desc> summarising the figures, the same figures
are in a table beside it, each series has a fill pattern as well as a colour, and bars carry value labels,
so colour is never the only cue.
"""

from decimal import Decimal
from itertools import count

from django.utils.html import format_html, format_html_join

from commissioning import formats

# (colour, pattern kind) per series; patterns distinguish series in greyscale and for colour-blind readers.
SERIES_STYLES = [
    ("#1d70b8", "solid"),
    ("#d4351c", "diagonal"),
    ("#00703c", "dots"),
    ("#6f3c97", "cross"),
]
_ids = count(1)


money = formats.money


def _pattern_defs(prefix):
    parts = []
    for i, (colour, kind) in enumerate(SERIES_STYLES):
        pid = f"{prefix}-p{i}"
        if kind == "solid":
            body = format_html('<rect width="8" height="8" fill="{}"/>', colour)
        elif kind == "diagonal":
            body = format_html(
                '<rect width="8" height="8" fill="{}"/><path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>', colour
            )
        elif kind == "dots":
            body = format_html(
                '<rect width="8" height="8" fill="{}"/><circle cx="4" cy="4" r="1.6" fill="#fff"/>', colour
            )
        else:
            body = format_html(
                '<rect width="8" height="8" fill="{}"/><path d="M0,4 H8 M4,0 V8" stroke="#fff" stroke-width="1.5"/>',
                colour,
            )
        parts.append(
            format_html('<pattern id="{}" width="8" height="8" patternUnits="userSpaceOnUse">{}</pattern>', pid, body)
        )
    return format_html("<defs>{}</defs>", format_html_join("", "{}", ((p,) for p in parts)))


def _svg(title, desc, width, height, body, prefix):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{p}-title {p}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" class="reporting-chart">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>{defs}{body}</svg>',
        p=prefix,
        w=width,
        h=height,
        title=title,
        desc=desc,
        defs=_pattern_defs(prefix),
        body=body,
    )


def bar_chart(*, title, categories, series, value_format=money):
    """Horizontal grouped bars. ``series``: [(name, [value per category])]."""
    prefix = f"chart{next(_ids)}"
    label_w, bar_h, gap, chart_w = 220, 18, 14, 360
    values = [Decimal(v) for _, vals in series for v in vals]
    top = max(values + [Decimal(0)]) or Decimal(1)
    legend_h = 24 * len(series)
    group_h = bar_h * len(series) + gap
    height = legend_h + group_h * len(categories) + 10
    width = label_w + chart_w + 130
    parts = []
    for s, (name, _) in enumerate(series):
        y = 4 + 24 * s
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="16" height="16" fill="url(#{}-p{})" stroke="#0b0c0c"/>'
                '<text x="22" y="{}" font-size="13">{}</text>',
                y,
                prefix,
                s,
                y + 13,
                name,
            )
        )
    for c, category in enumerate(categories):
        y0 = legend_h + c * group_h
        parts.append(format_html('<text x="0" y="{}" font-size="13">{}</text>', y0 + bar_h, category))
        for s, (name, vals) in enumerate(series):
            value = Decimal(vals[c])
            w = int(chart_w * value / top)
            y = y0 + s * bar_h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-p{})" '
                    'stroke="#0b0c0c" stroke-width="0.5">'
                    '<title>{}: {} {}</title></rect><text x="{}" y="{}" font-size="12">{}</text>',
                    label_w,
                    y,
                    max(w, 1),
                    bar_h - 3,
                    prefix,
                    s,
                    category,
                    name,
                    value_format(value),
                    label_w + w + 4,
                    y + bar_h - 6,
                    value_format(value),
                )
            )
    desc = "; ".join(
        f"{category}: " + ", ".join(f"{name} {value_format(vals[c])}" for name, vals in series)
        for c, category in enumerate(categories)
    )
    return _svg(title, desc, width, height, format_html_join("", "{}", ((p,) for p in parts)), prefix)


def stacked_bar_chart(*, title, categories, series, value_format=money):
    """Vertical stacked bars: one bar per category, one segment per series. ``series``: [(name, [values])]."""
    prefix = f"chart{next(_ids)}"
    chart_h, bar_w, gap, left, legend_w = 240, 56, 28, 10, 260
    totals = [sum((Decimal(vals[c]) for _, vals in series), Decimal(0)) for c in range(len(categories))]
    top = max(totals + [Decimal(0)]) or Decimal(1)
    width = left + (bar_w + gap) * max(len(categories), 1) + legend_w
    height = chart_h + 70
    parts = []
    for c, category in enumerate(categories):
        x = left + c * (bar_w + gap)
        y = 20 + chart_h
        for s, (name, vals) in enumerate(series):
            value = Decimal(vals[c])
            h = int(chart_h * value / top)
            if h <= 0:
                continue
            y -= h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-p{})" '
                    'stroke="#0b0c0c" stroke-width="0.5">'
                    "<title>{} {}: {}</title></rect>",
                    x,
                    y,
                    bar_w,
                    h,
                    prefix,
                    s,
                    category,
                    name,
                    value_format(value),
                )
            )
        parts.append(format_html('<text x="{}" y="{}" font-size="11">{}</text>', x, y - 4, value_format(totals[c])))
        parts.append(format_html('<text x="{}" y="{}" font-size="12">{}</text>', x, 20 + chart_h + 18, category))
    lx = left + (bar_w + gap) * max(len(categories), 1) + 10
    for s, (name, _) in enumerate(series):
        y = 20 + 24 * s
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="16" height="16" fill="url(#{}-p{})" stroke="#0b0c0c"/>'
                '<text x="{}" y="{}" font-size="13">{}</text>',
                lx,
                y,
                prefix,
                s,
                lx + 22,
                y + 13,
                name,
            )
        )
    desc = "; ".join(
        f"{category}: total {value_format(totals[c])} ("
        + ", ".join(f"{name} {value_format(vals[c])}" for name, vals in series)
        + ")"
        for c, category in enumerate(categories)
    )
    return _svg(title, desc, width, height, format_html_join("", "{}", ((p,) for p in parts)), prefix)
