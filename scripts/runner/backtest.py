"""Backtest: did the scores predict conversion, as they stood at the time?

The SQL is in models/marts/backtest/ and reads lead_score_history, the state
daily builds and backfills keep. This module only makes sure that history
reaches back far enough (a backfill every backtest_every_days from the first
lead's date), then prints what the marts say.
"""

import time
from datetime import date

import pandas as pd
import yaml

from . import history
from .errors import UserError
from .paths import PROJECT_DIR
from .warehouse import read_sql


def project_var(name: str):
    """A var's default in dbt_project.yml (the same file dbt reads)."""
    with open(PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"][name]


def run_backtest(target: str, first: date | None, retrain_every_days: int, dates_per_run: int | None,
                 reset_history: bool, summary: bool = True) -> int:
    started = time.monotonic()
    every_days = int(project_var("backtest_every_days"))
    recorded_from = history.recorded_date(target, "min")
    if recorded_from is not None and not reset_history and (first is None or recorded_from <= first):
        # The history is there: the backtest marts only need a build (which refreshes them).
        print(f"backtest: lead_score_history records scores from {recorded_from}; snapshots every {every_days} days")
        from . import dbt_build

        problems = dbt_build.build(target)
        if problems:
            for line in problems:
                print("  " + line)
            return 1
    else:
        if recorded_from is not None and not reset_history:
            raise UserError(f"{history.HISTORY} starts at {recorded_from}, after --from {first}; pass "
                            "--reset-history to rebuild it from --from (its change feed starts again at 1)")
        # A backfill run trains the predictive model once, as of its first date: runs spanning about
        # retrain_every_days keep it as fresh as a monthly retrain would (and never ahead of a date it scores).
        # The memory bound on lead-dates a run holds still applies (history.default_dates_per_run).
        retrain_dates = max(1, retrain_every_days // every_days)
        print(f"backtest: replaying builds every {every_days} days from {first or 'the first lead'} "
              "(var backtest_every_days)")
        status = history.backfill(target, first, None, every_days, dates_per_run, reset_history,
                                  most_dates_per_run=retrain_dates)
        if status:
            return status
    if not summary:
        return 0
    for line in summary_lines(target):
        print(line)
    print(f"backtest: {time.monotonic() - started:.1f}s; marts.backtest_metrics, backtest_thresholds, "
          "backtest_threshold_advice; `leadscore report` draws it")
    return 0


def summary_lines(target: str) -> list[str]:
    """Per scoring model: how well it ranked conversions, and the threshold the backtest recommends."""
    metrics = read_sql(
        "select scoring_model, snapshots, leads, conversions, auc, ks, brier, brier_of_base_rate "
        "from marts.backtest_metrics where is_all_snapshots order by auc desc, scoring_model", target)
    if metrics.empty:
        return ["backtest: no snapshot yet: the history must reach back prediction_window_days before as_of "
                "(run `leadscore backtest`)"]
    advice = read_sql(
        "select scoring_model, basis, target_value, recommended_min_score, seeded_mql_min_score, precision, recall, "
        "leads_per_week, reason from marts.backtest_threshold_advice order by scoring_model, basis", target)
    window = int(project_var("prediction_window_days"))
    lines = [f"\n== backtest (won within {window} days of each snapshot; scores as they stood then) =="]
    for row in metrics.itertuples():
        auc = "n/a" if pd.isna(row.auc) else f"{row.auc:.3f}"
        ks = "n/a" if pd.isna(row.ks) else f"{row.ks:.3f}"
        lines.append(f"{row.scoring_model}: AUC {auc}, KS {ks} over {int(row.snapshots)} snapshots "
                     f"({int(row.leads):,} lead-snapshots, {int(row.conversions):,} won)")
        for tip in advice[advice.scoring_model == row.scoring_model].itertuples():
            if pd.isna(tip.recommended_min_score):
                lines.append(f"  {tip.basis}: {tip.reason}")
                continue
            goal = (f"precision {float(tip.target_value):.0%}" if tip.basis == "target_precision"
                    else f"at most {float(tip.target_value):g} leads a week")
            lines.append(f"  MQL at {float(tip.recommended_min_score):g} for {goal} (seeded: "
                         f"{_whole(tip.seeded_mql_min_score)}): precision {float(tip.precision):.1%}, "
                         f"recall {float(tip.recall):.1%}, {float(tip.leads_per_week):.1f} leads a week")
    active = read_sql("select scoring_model from staging.stg_rules__scoring_models where is_active", target)
    for model in sorted(set(active["scoring_model"]) - set(metrics["scoring_model"])):
        lines.append(f"{model}: not in the backtest: no snapshot whose window has closed has its scores "
                     "(a predictive model scores only once trained)")
    ranked = metrics.dropna(subset=["auc"])
    if len(ranked) > 1:
        best, runner_up = ranked.iloc[0], ranked.iloc[1]
        lines.append(f"ranks best: {best.scoring_model} (AUC {best.auc:.3f} against {runner_up.auc:.3f} for "
                     f"{runner_up.scoring_model})")
    return lines


def _whole(value) -> str:
    return "none" if pd.isna(value) else f"{float(value):g}"
