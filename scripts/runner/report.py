"""Charts a person would rather see than read: score distribution, funnel, conversion by band, stage entries."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no screen needed
import matplotlib.pyplot as plt
import pandas as pd

from .warehouse import read_sql


def write_charts(target: str, out: Path) -> list[Path]:
    """Write the PNG charts for every scoring model into out; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    scores = read_sql("select scoring_model, score from marts.lead_scores", target)
    stages = read_sql(
        "select scoring_model, stage, stage_rank, count(*) as leads from marts.lead_stage "
        "group by scoring_model, stage, stage_rank", target)
    bands = read_sql(
        "select scoring_model, score_band, count(*) as leads, "
        "sum(case when stage = 'customer' then 1 else 0 end) as customers "
        "from marts.lead_scores group by scoring_model, score_band", target)
    thresholds = read_sql("select scoring_model, stage, min_score from rules.stage_thresholds", target)
    # Entries into a stage per day, from the history (first stages of new leads apart); weeks are summed here.
    entries = read_sql(
        "select scoring_model, to_stage, transitioned_on, count(*) as leads from marts.lead_stage_transitions "
        "where from_stage is not null group by scoring_model, to_stage, transitioned_on", target)
    models = sorted(scores["scoring_model"].unique())
    return [
        _score_distribution(scores, thresholds, models, out / "score_distribution.png"),
        _funnel(stages, models, out / "funnel.png"),
        _conversion_by_band(bands, models, out / "conversion_by_band.png"),
        _stage_entries(entries, models, out / "stage_entries_per_week.png"),
    ]


def _panels(models, title):
    figure, axes = plt.subplots(1, max(len(models), 1), figsize=(6 * max(len(models), 1), 4), squeeze=False)
    figure.suptitle(title)
    return figure, axes[0]


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


FLAT_NOTE = "every lead has the same score:\nthe rules find nothing to score\nin this data (see the build's hints)"


def _note_if_flat(axis, values) -> None:
    """A chart of one bar says why."""
    if len(values) and float(values.max()) - float(values.min()) < 1.0:
        axis.text(0.5, 0.5, FLAT_NOTE, transform=axis.transAxes, ha="center", va="center", fontsize=10,
                  color="#444444", bbox={"facecolor": "white", "edgecolor": "#999999"})


def _score_distribution(scores, thresholds, models, path: Path) -> Path:
    figure, axes = _panels(models, "Score distribution (dashed: stage thresholds; log scale: few leads score high)")
    for axis, model in zip(axes, models, strict=False):
        values = scores.loc[scores.scoring_model == model, "score"]
        axis.hist(values, bins=range(0, 105, 5), color="#4C72B0")
        for row in thresholds[thresholds.scoring_model == model].itertuples():
            minimum = float(row.min_score)
            if minimum > 0:
                axis.axvline(minimum, color="#C44E52", linestyle="--")
                axis.text(minimum + 1, axis.get_ylim()[1] * 0.9, row.stage.strip(), color="#C44E52")
        axis.set(title=model, xlabel="score", ylabel="leads (log scale)", yscale="log")
        _note_if_flat(axis, values)
    return _save(figure, path)


def _funnel(stages, models, path: Path) -> Path:
    figure, axes = _panels(models, "Leads per stage")
    for axis, model in zip(axes, models, strict=False):
        rows = stages[stages.scoring_model == model].sort_values("stage_rank")
        bars = axis.barh(rows["stage"], rows["leads"], color="#55A868")
        axis.bar_label(bars, labels=[f"{n:,}" for n in rows["leads"]], padding=3)
        # A linear axis: the labels carry the counts, so small stages stay readable.
        axis.set(title=model, xlabel="leads")
        axis.set_xlim(0, float(rows["leads"].max()) * 1.25 if len(rows) else 1)
    return _save(figure, path)


def _conversion_by_band(bands, models, path: Path) -> Path:
    figure, axes = _panels(models, "Conversion (customers / leads) by score band, on current scores")
    for axis, model in zip(axes, models, strict=False):
        rows = bands[bands.scoring_model == model].copy()
        rows["floor"] = rows["score_band"].str.split("-").str[0].astype(int)
        rows = rows.sort_values("floor")
        rates = 100.0 * rows["customers"] / rows["leads"]
        bars = axis.bar(rows["score_band"], rates, color="#8172B2")
        axis.bar_label(bars, labels=[f"{r:.0f}%\n(n={n:,})" for r, n in zip(rates, rows["leads"], strict=True)])
        axis.set(title=model, xlabel="score band", ylabel="converted, %", ylim=(0, max(rates.max() * 1.3, 1)))
        if len(rows) == 1:
            _note_if_flat(axis, rows["floor"])
    return _save(figure, path)


NO_HISTORY_NOTE = "no stage changes recorded yet:\nbuilds on later days add them,\nor fill the past with `backfill`"


def _stage_entries(entries, models, path: Path) -> Path:
    figure, axes = _panels(models, "Leads entering each stage, per week (from lead_stage_transitions)")
    for axis, model in zip(axes, models, strict=False):
        rows = entries[entries.scoring_model == model].copy()
        axis.set(title=model, xlabel="week starting", ylabel="leads entering the stage")
        if rows.empty:
            axis.text(0.5, 0.5, NO_HISTORY_NOTE, transform=axis.transAxes, ha="center", va="center", fontsize=10,
                      color="#444444", bbox={"facecolor": "white", "edgecolor": "#999999"})
            continue
        rows["week"] = pd.to_datetime(rows["transitioned_on"]).dt.to_period("W-SUN").dt.start_time
        weekly = rows.pivot_table(index="week", columns="to_stage", values="leads", aggfunc="sum", fill_value=0)
        for stage in weekly.columns:
            axis.plot(weekly.index, weekly[stage], marker="o", markersize=3, label=str(stage))
        axis.legend(title="stage entered", fontsize=8)
        figure.autofmt_xdate()
    return _save(figure, path)
