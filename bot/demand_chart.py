"""The demand report's chart: requested against ordered by week, and the cancellations by reason, as a PNG.

matplotlib with the Agg backend (no display); drawing takes a moment, so callers run `demand_chart` in a
thread (`asyncio.to_thread`). The words come from templates, in the reader's language.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from core.use_cases.demand import DemandReport
from templates import render_plain

WIDTH, HEIGHT, DPI = 1000, 450, 100  # pixels: two charts side by side, whole on a phone turned sideways
THOUSAND = 1000
WORDS = ("title", "requested", "ordered", "amount", "reasons", "none")


def demand_chart_words(lang: str) -> dict[str, str]:
    return {which: render_plain("bot/demand/chart_label.html.j2", lang=lang, which=which) for which in WORDS}


def demand_chart(report: DemandReport, words: dict[str, str]) -> bytes:
    """Bars of the value requested and ordered per week (in thousands), and the cancellations per reason."""
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    weekly, reasons = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    places = range(len(report.weeks))
    requested = [float(week.figures.requested) / THOUSAND for week in report.weeks]
    ordered = [float(week.figures.ordered) / THOUSAND for week in report.weeks]
    weekly.bar([p - 0.2 for p in places], requested, width=0.4, label=words["requested"])
    weekly.bar([p + 0.2 for p in places], ordered, width=0.4, label=words["ordered"])
    weekly.set_xticks(list(places), [week.monday.strftime("%d.%m") for week in report.weeks])
    weekly.set_title(words["title"])
    weekly.set_ylabel(words["amount"])
    weekly.legend()
    reasons.set_title(words["reasons"])
    if report.reasons:
        shown = list(reversed(report.reasons))  # the most frequent on top
        reasons.barh([row.name[:24] for row in shown], [row.count for row in shown], color="tab:red")
        reasons.xaxis.get_major_locator().set_params(integer=True)
    else:
        reasons.text(0.5, 0.5, words["none"], ha="center", va="center", transform=reasons.transAxes)
        reasons.set_axis_off()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
