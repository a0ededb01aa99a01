"""The MPS digest's chart: planned against produced by week, as a PNG (matplotlib, the Agg backend: no display).

Drawing takes a noticeable moment, so callers run `weekly_chart` in a thread (`asyncio.to_thread`).
The chart's words come from templates, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from bot.recipient import Recipient
from core.use_cases.mps_digest import WeekFigures
from templates import render_plain

WIDTH, HEIGHT, DPI = 800, 450, 100  # pixels of the PNG: Telegram shows it whole on a phone


def chart_words(reader: Recipient) -> dict[str, str]:
    def word(which: str) -> str:
        return render_plain("bot/mps/chart_label.html.j2", lang=reader.lang, which=which)

    return {which: word(which) for which in ("title", "planned", "produced", "quantity")}


def weekly_chart(weeks: Sequence[WeekFigures], words: dict[str, str]) -> bytes:
    """Bars of planned and produced per week (oldest first), WIDTH × HEIGHT pixels, as PNG bytes."""
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    axes = figure.add_subplot()
    places = range(len(weeks))
    axes.bar([p - 0.2 for p in places], [float(w.planned) for w in weeks], width=0.4, label=words["planned"])
    axes.bar([p + 0.2 for p in places], [float(w.produced) for w in weeks], width=0.4, label=words["produced"])
    axes.set_xticks(list(places), [w.monday.strftime("%d.%m") for w in weeks])
    axes.set_title(words["title"])
    axes.set_ylabel(words["quantity"])
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
