"""The report's charts, drawn with matplotlib: bars per comune, the flow between comuni as a heat map,
the trend as lines (the page and the PDF give each its title and caption). SVG for the web page, PNG
for the PDF, their words in the language asked for. Hidden cells ("< 5") are drawn as hatched gaps
with their label, never as numbers."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cardsvc.platform.i18n import DEFAULT_LANGUAGE, format_number

from ..i18n import column_label, t
from .months import month_name

BLUE, ORANGE, GREY = "#0b5394", "#e69138", "#bbbbbb"
MOST = 20  # a network of many comuni: the charts show the 20 with the most operations
plt.rcParams.update(
    {"font.size": 9, "svg.fonttype": "none", "axes.spines.top": False, "axes.spines.right": False}
)


def _output(figure: Figure, kind: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind, dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def largest(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The family-comune rows of the ``MOST`` comuni with the most operations (hidden ones last)."""
    rows = report["by_family_comune"]
    return sorted(rows, key=lambda r: -(r["redemptions"] or 0))[:MOST] if len(rows) > MOST else rows


def bars_by_comune(report: dict[str, Any], kind: str = "svg", lang: str = DEFAULT_LANGUAGE) -> bytes:
    """Redemptions per comune: by the family's comune and by the shop's comune, side by side."""
    chosen = largest(report)
    families = {r["istat"]: r for r in chosen}
    shops = {r["istat"]: r for r in report["by_shop_comune"]}
    names = [r["comune"] for r in chosen]
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(names) + 1.2))
    positions = range(len(names))
    for offset, (source, colour, legend) in enumerate(
        (
            (families, BLUE, t.in_language(lang, "chart_by_family_comune")),
            (shops, ORANGE, t.in_language(lang, "chart_by_shop_comune")),
        )
    ):
        values = [source[istat]["redemptions"] for istat in families]
        ys = [p + offset * 0.4 for p in positions]
        axes.barh(ys, [v or 0 for v in values], height=0.38, color=colour, label=legend)
        for y, value in zip(ys, values, strict=True):
            if value is None:
                axes.barh(y, 0.0001, height=0.38, color=GREY)
                axes.text(0, y, " < 5", va="center", color="#555555")
    axes.set_yticks([p + 0.2 for p in positions], names)
    axes.invert_yaxis()
    axes.set_xlabel(t.in_language(lang, "chart_in_month", label=column_label("redemptions", lang)))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    return _output(figure, kind)


def flow_heatmap(report: dict[str, Any], kind: str = "svg", lang: str = DEFAULT_LANGUAGE) -> bytes:
    """Families of comune A (rows) spending in comune B (columns): redemptions, hidden cells hatched."""
    order = [r["istat"] for r in largest(report)]
    names = {r["istat"]: r["comune"] for r in report["by_family_comune"]}
    index = {istat: i for i, istat in enumerate(order)}
    size = len(order)
    grid = [[0.0] * size for _ in range(size)]
    hidden = []
    for cell in report["flow"]:
        if cell["from"] not in index or cell["to"] not in index:
            continue
        i, j = index[cell["from"]], index[cell["to"]]
        if cell.get("suppressed"):
            hidden.append((i, j))
        else:
            grid[i][j] = float(cell["redemptions"])
    figure, axes = plt.subplots(figsize=(0.5 * size + 2.5, 0.45 * size + 1.5))
    image = axes.imshow(grid, cmap="Blues")
    for i, j in hidden:
        axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor=GREY))
        axes.text(j, i, "<5", ha="center", va="center", fontsize=7, color="#555555")
    for i in range(size):
        for j in range(size):
            if grid[i][j]:
                axes.text(
                    j,
                    i,
                    format_number(int(grid[i][j]), lang),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if grid[i][j] > max(map(max, grid)) / 2 else "black",
                )
    labels = [names[istat] for istat in order]
    axes.set_xticks(range(size), labels, rotation=45, ha="right")
    axes.set_yticks(range(size), labels)
    axes.set_xlabel(column_label("to", lang))
    axes.set_ylabel(column_label("from", lang))
    figure.colorbar(image, ax=axes, shrink=0.7, label=column_label("redemptions", lang))
    return _output(figure, kind)


def trend_lines(report: dict[str, Any], kind: str = "svg", lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The trend's months (the last twelve, from the network's first with data): redemptions and
    families using the card."""
    months = [month_name(r["month"], lang) for r in report["trend"]]
    figure, axes = plt.subplots(figsize=(7, 2.8))
    for key, colour in (("redemptions", BLUE), ("households", ORANGE)):
        axes.plot(
            months,
            [r[key] if r[key] is not None else float("nan") for r in report["trend"]],
            marker="o",
            color=colour,
            label=column_label(key, lang),
        )
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="x", rotation=45)
    axes.legend(frameon=False)
    return _output(figure, kind)


#: The charts by the names the page and the command give them.
CHARTS = {"comuni": bars_by_comune, "flussi": flow_heatmap, "andamento": trend_lines}
