"""The figures as a PNG chart (matplotlib: a development tool, imported only here, never by the Lambda)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from chalicelib.domain.figures import NOTICE_MEASURES, BatchRow, DayRow


def write_chart(path: Path, days: Sequence[DayRow], batches: Sequence[BatchRow]) -> Path:
    """Two panels: notices per day and kind by measure, and rows taken/rejected per batch file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 9), constrained_layout=True)
    labels = [f"{r.day}\n{r.kind}" for r in days]
    width = 0.8 / len(NOTICE_MEASURES)
    for i, measure in enumerate(NOTICE_MEASURES):
        xs = [x + (i - (len(NOTICE_MEASURES) - 1) / 2) * width for x in range(len(days))]
        top.bar(xs, [r.counts[i] for r in days], width, label=measure)
    top.set_xticks(range(len(days)), labels, rotation=45, ha="right", fontsize=7)
    top.set_title("Notices per day and kind")
    top.set_ylabel("notices")
    top.legend(ncols=len(NOTICE_MEASURES), fontsize=8)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    names = ["/".join(Path(b.file).parts[-2:]) for b in batches]
    bottom.barh(names, [b.taken for b in batches], label="taken", color="tab:green")
    bottom.barh(
        names, [b.rejected for b in batches], left=[b.taken for b in batches], label="rejected", color="tab:red"
    )
    bottom.set_title("Rows per batch file")
    bottom.set_xlabel("rows")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.tick_params(axis="y", labelsize=7)
    bottom.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
    return path
