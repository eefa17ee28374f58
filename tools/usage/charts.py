"""The report's charts, drawn by matplotlib as SVG to put inline in the page: no image files, no
scripts, and the text stays text (the page's font, searchable, read by screen readers)."""

from __future__ import annotations

import io
import re
from typing import Dict, List, Sequence

import matplotlib

matplotlib.use("svg")

from matplotlib.figure import Figure  # noqa: E402

# Okabe-Ito: told apart with any colour vision.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999"]
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "usage-report",  # the same data draws the same file
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(figure: Figure, label: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg[svg.index("<svg") :], flags=re.DOTALL)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def by_day(label: str, days: Sequence[str], series: Dict[str, List[int]]) -> str:
    """Stacked columns, one per day, one colour per series (the channels)."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(8, 2.6))
        axes = figure.add_subplot()
        bottom = [0] * len(days)
        positions = range(len(days))
        for colour, (name, values) in zip(COLOURS, series.items(), strict=False):
            axes.bar(positions, values, bottom=bottom, color=colour, label=name, width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, len(days) // 10)
        axes.set_xticks(list(positions)[::step], [d[5:] for d in days][::step])
        axes.legend(frameon=False, ncol=len(series), loc="upper left", bbox_to_anchor=(0, 1.15))
        axes.margins(x=0.01)
        return _svg(figure, label)


def bars(label: str, names: Sequence[str], series: Dict[str, List[int]]) -> str:
    """Horizontal bars, the first name on top; stacked when there is more than one series."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(8, 0.6 + 0.24 * len(names)))
        axes = figure.add_subplot()
        left = [0] * len(names)
        positions = range(len(names))
        for colour, (name, values) in zip(COLOURS, series.items(), strict=False):
            axes.barh(positions, values, left=left, color=colour, label=name, height=0.7)
            left = [a + v for a, v in zip(left, values, strict=True)]
        axes.set_yticks(list(positions), names)
        axes.invert_yaxis()
        if len(series) > 1:
            axes.legend(frameon=False, ncol=len(series), loc="lower right", bbox_to_anchor=(1, 1))
        axes.margins(y=0.01)
        return _svg(figure, label)
