"""The report a marketing-ops team opens: one self-contained HTML file.

Plotly's JavaScript comes from the plotly package and is written into the
page, so the file works offline (no CDN). Every chart has a title, axis
titles with units and a one-line reading computed from the data. The page
records script errors in #script-errors and, once loaded, how many charts
drew (body data-charts-drawn / data-charts-expected), which is what the
headless-Chromium test reads.
"""

import html
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from .publish import write_text_atomically
from .warehouse import read_sql

COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B2", "#937860")
LAYOUT = {"template": "plotly_white", "height": 380, "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
          "font": {"size": 12}, "legend": {"orientation": "h", "y": -0.2}}


class Chart:
    def __init__(self, key: str, title: str, figure: go.Figure, reading: str):
        self.key, self.title, self.figure, self.reading = key, title, figure, reading


def write_report(target: str, out: Path) -> Path:
    """Query the marts, draw every chart, write out/report.html atomically; return its path."""
    out.mkdir(parents=True, exist_ok=True)
    data = _load(target)
    sections = [
        ("Scores today", [_score_distribution(data), _funnel(data), _stage_entries(data), _new_lead_quality(data)]),
        ("Backtest: did the scores predict conversion?", _backtest_charts(data)),
        ("Predictive model", [_predictive_features(data)]),
        ("Data quality", [_data_quality(data)]),
    ]
    path = out / "report.html"
    write_text_atomically(path, _page(data, sections))
    return path


def _load(target: str) -> dict[str, pd.DataFrame]:
    queries = {
        "scores": "select scoring_model, score, as_of from marts.lead_scores",
        "stages": "select scoring_model, stage, stage_rank, count(*) as leads from marts.lead_stage "
                  "group by scoring_model, stage, stage_rank",
        "thresholds": "select scoring_model, stage, min_score from rules.stage_thresholds",
        "entries": "select scoring_model, to_stage, transitioned_on, count(*) as leads from marts.lead_stage_transitions "
                   "where from_stage is not null group by scoring_model, to_stage, transitioned_on",
        # The score each lead had when the history first recorded it, by the week the lead was created.
        "new_leads": "select history.scoring_model, cast(date_trunc('week', leads.created_at) as date) as week, "
                     "avg(history.score) as score "
                     "from marts.lead_score_history as history "
                     "inner join staging.stg_crm__leads as leads on history.lead_id = leads.lead_id "
                     "where history.change_type = 'insert' and leads.created_at is not null "
                     "group by history.scoring_model, cast(date_trunc('week', leads.created_at) as date)",
        "metrics": "select * from marts.backtest_metrics",
        "deciles": "select * from marts.backtest_deciles",
        "segments": "select * from marts.backtest_segments",
        "curve": "select * from marts.backtest_thresholds",
        "advice": "select * from marts.backtest_threshold_advice",
        "predictive": "select scoring_model, status, status_reason, holdout_auc from marts.predictive_model_summary "
                      "where is_active",
        "scorecard": "select feature_name as feature, feature_rank, feature_iv, is_leakage_suspect "
                     "from marts.predictive_scorecard where is_in_model",
        "quality": "select source_table, raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary",
        "rejects": "select source_table, reason as reject_reason, count(*) as rows_rejected "
                   "from marts.data_quality_rejects group by source_table, reason",
    }
    return {name: read_sql(query, target) for name, query in queries.items()}


def _models(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["scoring_model"].unique()) if not frame.empty else []


def _figure(title: str, x_title: str, y_title: str, **layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **(LAYOUT | layout))
    return figure


def _empty(figure: go.Figure, message: str) -> go.Figure:
    figure.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                          font={"size": 14, "color": "#555"}, bordercolor="#999", borderwidth=1, bgcolor="white")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def _panels(models: list[str], title: str, x_title: str, y_title: str) -> go.Figure:
    figure = make_subplots(rows=1, cols=max(len(models), 1), subplot_titles=models or [""], shared_yaxes=True)
    figure.update_layout(title=title, **LAYOUT)
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=y_title, col=1)
    return figure


def _score_distribution(data) -> Chart:
    scores, thresholds = data["scores"], data["thresholds"]
    models = _models(scores)
    figure = _panels(models, "Score distribution (dashed lines: stage thresholds)", "score (0-100)",
                     "leads (log scale)")
    for column, model in enumerate(models, start=1):
        values = scores.loc[scores.scoring_model == model, "score"].astype(float)
        figure.add_trace(go.Histogram(x=values, xbins={"start": 0, "end": 100.01, "size": 5}, name=model,
                                      marker_color=COLORS[(column - 1) % len(COLORS)], showlegend=False),
                         row=1, col=column)
        for row in thresholds[(thresholds.scoring_model == model)].itertuples():
            if float(row.min_score) > 0:
                figure.add_vline(x=float(row.min_score), line_dash="dash", line_color="#C44E52", row=1, col=column,
                                 annotation_text=str(row.stage).strip(), annotation_position="top right",
                                 annotation_yshift=-18)
    figure.update_yaxes(type="log")
    if not models:
        return Chart("score_distribution", "Score distribution", _empty(figure, "no scores: run `build`"), "")
    as_of = str(scores["as_of"].max())[:10]
    high = []
    for model in models:
        model_thresholds = thresholds[(thresholds.scoring_model == model) & (thresholds.stage.str.strip() == "mql")]
        if not model_thresholds.empty:
            values = scores.loc[scores.scoring_model == model, "score"].astype(float)
            share = (values >= float(model_thresholds.min_score.iloc[0])).mean()
            high.append(f"{model} {share:.0%}")
    reading = (f"Scores as of {as_of}. Most leads sit at the low end; the share at or above the MQL threshold: "
               + ", ".join(high) + ".")
    return Chart("score_distribution", "Score distribution", figure, reading)


def _funnel(data) -> Chart:
    stages = data["stages"]
    models = _models(stages)
    figure = _figure("Leads per stage today", "leads", "stage", barmode="group")
    order = stages.sort_values("stage_rank").drop_duplicates("stage")["stage"].tolist()
    for index, model in enumerate(models):
        rows = stages[stages.scoring_model == model].set_index("stage").reindex(order).fillna(0)
        figure.add_trace(go.Bar(y=order, x=rows["leads"], orientation="h", name=model,
                                marker_color=COLORS[index % len(COLORS)], text=rows["leads"].astype(int),
                                textposition="outside"))
    parts = []
    for model in models:
        rows = stages[stages.scoring_model == model]
        total = rows["leads"].sum()
        sales_ready = rows[rows.stage.isin(["mql", "sql"])]["leads"].sum()
        parts.append(f"{model}: {sales_ready:,} of {total:,} leads ({sales_ready / max(total, 1):.1%}) are MQL or SQL")
    return Chart("funnel", "Funnel", figure, "; ".join(parts) + ".")


def _stage_entries(data) -> Chart:
    entries = data["entries"].copy()
    models = _models(data["stages"])
    figure = _panels(models, "Leads entering each stage, per week", "week starting", "leads entering")
    if entries.empty:
        return Chart("stage_entries", "Stage transitions",
                     _empty(figure, "no stage changes recorded yet: later builds or `backtest` add them"),
                     "The history has one build so far, so no lead has moved between stages yet.")
    entries["week"] = pd.to_datetime(entries["transitioned_on"]).dt.to_period("W-SUN").dt.start_time
    stage_names = sorted(entries["to_stage"].unique())
    for column, model in enumerate(models, start=1):
        weekly = (entries[entries.scoring_model == model]
                  .pivot_table(index="week", columns="to_stage", values="leads", aggfunc="sum", fill_value=0))
        for index, stage in enumerate(stage_names):
            if stage in weekly.columns:
                figure.add_trace(go.Scatter(x=weekly.index, y=weekly[stage], mode="lines+markers", name=str(stage),
                                            legendgroup=str(stage), showlegend=column == 1,
                                            line={"color": COLORS[index % len(COLORS)]}), row=1, col=column)
    mql = entries[entries.to_stage == "mql"].groupby("scoring_model")["leads"].sum()
    reading = ("Leads entering MQL over the recorded history: "
               + ", ".join(f"{model} {int(count):,}" for model, count in mql.items()) + "."
               if not mql.empty else "No lead has entered MQL in the recorded history.")
    return Chart("stage_entries", "Stage transitions", figure, reading)


def _new_lead_quality(data) -> Chart:
    weekly = data["new_leads"].copy()
    figure = _figure("Average score of new leads, per week created (score when first recorded)",
                     "week the lead was created", "average score (0-100)")
    if weekly.empty:
        return Chart("new_lead_quality", "Incoming lead quality", _empty(figure, "no lead history yet"), "")
    weekly["week"] = pd.to_datetime(weekly["week"])
    weekly["score"] = weekly["score"].astype(float)
    for index, model in enumerate(_models(weekly)):
        rows = weekly[weekly.scoring_model == model]
        figure.add_trace(go.Scatter(x=rows["week"], y=rows["score"], mode="lines+markers", name=model,
                                    line={"color": COLORS[index % len(COLORS)]}))
    recent = weekly.sort_values("week").groupby("scoring_model").tail(4).groupby("scoring_model")["score"].mean()
    overall = weekly.groupby("scoring_model")["score"].mean()
    parts = [f"{model} {recent[model]:.1f} in the last 4 weeks against {overall[model]:.1f} on average"
             for model in recent.index]
    return Chart("new_lead_quality", "Incoming lead quality", figure,
                 "The quality of incoming leads (higher is better): " + "; ".join(parts) + ".")


MIN_BAND_LEADS = 30
NO_BACKTEST = "no backtest yet: run `leadscore backtest` (it replays past builds)"


def _backtest_charts(data) -> list[Chart]:
    metrics, deciles, segments, curve = data["metrics"], data["deciles"], data["segments"], data["curve"]
    pooled = metrics[metrics.is_all_snapshots.astype(bool)] if not metrics.empty else metrics
    auc = {row.scoring_model: row.auc for row in pooled.itertuples()}
    models = _models(pooled)

    roc = _figure("ROC curve: converted leads found against others flagged", "false-positive rate (share of "
                  "non-converting lead-snapshots flagged)", "recall (share of conversions flagged)")
    gains = _figure("Cumulative gains: calling the top-scored leads first", "share of lead-snapshots called, "
                    "highest scores first", "share of conversions found")
    lift = _figure("Lift by decile (1 = highest scores)", "decile", "conversion rate / base rate", barmode="group")
    calibration = _figure("Calibration: score / 100 against the rate that converted", "mean score / 100 in the decile",
                          "share won within the window")
    band = _figure("Conversion by score band, as scores stood at each snapshot", "score band",
                   "share won within the window (%)", barmode="group")
    for figure in (roc, gains, calibration):
        figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="random / perfectly calibrated",
                                    line={"dash": "dot", "color": "#999"}))
    for index, model in enumerate(models):
        color = COLORS[index % len(COLORS)]
        label = model if pd.isna(auc[model]) else f"{model} (AUC {auc[model]:.3f})"
        points = curve[curve.scoring_model == model].sort_values("min_score", ascending=False)
        roc.add_trace(go.Scatter(x=[0.0, *points["false_positive_rate"].astype(float), 1.0],
                                 y=[0.0, *points["recall"].astype(float), 1.0], mode="lines", name=label,
                                 line={"color": color}))
        rows = deciles[deciles.scoring_model == model].sort_values("decile")
        gains.add_trace(go.Scatter(x=[0.0, *rows["cumulative_share_of_leads"].astype(float)],
                                   y=[0.0, *rows["cumulative_share_of_conversions"].astype(float)],
                                   mode="lines+markers", name=model, line={"color": color}))
        lift.add_trace(go.Bar(x=rows["decile"], y=rows["lift"].astype(float), name=model, marker_color=color))
        calibration.add_trace(go.Scatter(x=rows["mean_predicted"].astype(float), y=rows["conversion_rate"].astype(float),
                                         mode="lines+markers", name=model, line={"color": color}))
        bands = segments[(segments.scoring_model == model) & (segments.segment_type == "score_band")]
        bands = bands.sort_values("segment_order")
        band.add_trace(go.Bar(x=bands["segment"], y=100.0 * bands["conversion_rate"].astype(float), name=model,
                              marker_color=color, customdata=bands["leads"],
                              hovertemplate="%{x}: %{y:.1f}% of %{customdata:,} lead-snapshots<extra></extra>"))
    lift.add_hline(y=1.0, line_dash="dot", line_color="#999", annotation_text="base rate")
    if not models:
        charts = [Chart(key, title, _empty(figure, NO_BACKTEST), "") for key, title, figure in (
            ("roc", "ROC", roc), ("gains", "Gains", gains), ("lift", "Lift", lift),
            ("calibration", "Calibration", calibration), ("conversion_by_band", "Conversion by band", band))]
        return [*charts, _threshold_chart(data, [])]

    ranked = pooled.dropna(subset=["auc"]).sort_values("auc", ascending=False)
    best = ranked.iloc[0] if not ranked.empty else None
    roc_reading = ("The further a curve bows toward the top left, the better the score ranks. "
                   + (f"{best.scoring_model} ranks best (AUC {best.auc:.3f}; 0.5 is a coin toss)."
                      if best is not None else ""))
    top = deciles[deciles.decile == 2].set_index("scoring_model")["cumulative_share_of_conversions"]
    gains_reading = ("Calling the top 20% of scores first finds "
                     + ", ".join(f"{share:.0%} of conversions with {model}" for model, share in top.items()) + ".")
    first = deciles[deciles.decile == 1].set_index("scoring_model")["lift"]
    lift_reading = ("The top decile converts at " + ", ".join(f"{value:.1f}x the base rate ({model})"
                                                            for model, value in first.items()) + ".")
    calibration_reading = ("Points under the dotted line: scores overstate the chance of winning, read them as "
                           "ranks, not probabilities; the predictive model's probability should sit on the line.")
    # The highest band with enough lead-snapshots to read a rate from.
    bands = segments[(segments.segment_type == "score_band") & (segments.leads >= MIN_BAND_LEADS)]
    high_band = bands.sort_values("segment_order").groupby("scoring_model").tail(1)
    band_reading = ("Point in time, not on today's scores (which count activity after the sale). Highest band with "
                    f"{MIN_BAND_LEADS}+ lead-snapshots: " + ", ".join(
                        f"{row.scoring_model} {row.segment} converts {row.conversion_rate:.1%} of {int(row.leads):,}"
                        for row in high_band.itertuples()) + ".")
    return [
        Chart("roc", "ROC", roc, roc_reading),
        Chart("gains", "Gains", gains, gains_reading),
        Chart("lift", "Lift", lift, lift_reading),
        Chart("calibration", "Calibration", calibration, calibration_reading),
        Chart("conversion_by_band", "Conversion by band", band, band_reading),
        _threshold_chart(data, models),
    ]


def _threshold_chart(data, models: list[str]) -> Chart:
    curve, advice = data["curve"], data["advice"]
    figure = _panels(models, "Precision and recall by MQL threshold (lines: recommended; dashed grey: seeded)",
                     "MQL threshold (score)", "share")
    if not models:
        return Chart("thresholds", "Recommended threshold", _empty(figure, NO_BACKTEST), "")
    for column, model in enumerate(models, start=1):
        rows = curve[curve.scoring_model == model].sort_values("min_score")
        for name, color in (("precision", COLORS[0]), ("recall", COLORS[1])):
            figure.add_trace(go.Scatter(x=rows["min_score"], y=rows[name].astype(float), mode="lines", name=name,
                                        legendgroup=name, showlegend=column == 1, line={"color": color}),
                             row=1, col=column)
        tips = advice[advice.scoring_model == model]
        for tip in tips.itertuples():
            if not pd.isna(tip.recommended_min_score):
                label = "precision target" if tip.basis == "target_precision" else "sales capacity"
                figure.add_vline(x=float(tip.recommended_min_score), line_color=COLORS[2], row=1, col=column,
                                 annotation_text=label, annotation_position="top right",
                                 annotation_yshift=-18 if tip.basis == "target_precision" else -34)
        seeded = tips["seeded_mql_min_score"].dropna()
        if not seeded.empty:
            figure.add_vline(x=float(seeded.iloc[0]), line_dash="dash", line_color="#888", row=1, col=column)
    parts = []
    for tip in advice.sort_values(["scoring_model", "basis"]).itertuples():
        if pd.isna(tip.recommended_min_score):
            parts.append(f"{tip.scoring_model} ({tip.basis.replace('_', ' ')}): {tip.reason}")
        else:
            parts.append(f"{tip.scoring_model}: MQL at {float(tip.recommended_min_score):g} for "
                         + (f"precision {float(tip.target_value):.0%}" if tip.basis == "target_precision"
                            else f"at most {float(tip.target_value):g} leads a week")
                         + f" (precision {float(tip.precision):.1%}, recall {float(tip.recall):.1%}, "
                         f"{float(tip.leads_per_week):.1f} leads a week)")
    return Chart("thresholds", "Recommended threshold", figure, "Recommended: " + "; ".join(parts) + ".")


def _predictive_features(data) -> Chart:
    summary, scorecard = data["predictive"], data["scorecard"]
    figure = _figure("The predictive model's strongest features (information value)", "information value (IV)",
                     "feature")
    trained = summary[summary.status == "trained"]
    if trained.empty:
        reason = summary.iloc[0].status_reason if not summary.empty else "no predictive model is active"
        return Chart("predictive_features", "Predictive features", _empty(figure, f"not trained: {reason}"),
                     "The predictive model is not trained on this data, so it has no features to show.")
    model = trained.iloc[0].scoring_model
    features = (scorecard.drop_duplicates("feature")
                .sort_values("feature_iv", ascending=False).head(10).iloc[::-1])
    colors = ["#C44E52" if bool(flag) else COLORS[0] for flag in features["is_leakage_suspect"]]
    figure.add_trace(go.Bar(x=features["feature_iv"].astype(float), y=features["feature"], orientation="h",
                            marker_color=colors, name=model))
    strongest = features.iloc[-1] if not features.empty else None
    reading = (f"{model}: {strongest.feature} separates converters best (IV {float(strongest.feature_iv):.2f}); "
               "above 0.1 is useful, above 0.5 (red) is suspect of leaking the outcome. Held-out AUC "
               f"{float(trained.iloc[0].holdout_auc):.3f}; points per bin: marts.predictive_scorecard."
               if strongest is not None else f"{model} uses no feature.")
    return Chart("predictive_features", "Predictive features", figure, reading)


def _data_quality(data) -> Chart:
    quality, rejects = data["quality"], data["rejects"]
    figure = _figure("Raw rows: accepted and rejected, per source table", "rows", "source table", barmode="stack")
    figure.add_trace(go.Bar(y=quality["source_table"], x=quality["accepted_rows"], orientation="h", name="accepted",
                            marker_color=COLORS[2]))
    figure.add_trace(go.Bar(y=quality["source_table"], x=quality["rejected_rows"], orientation="h", name="rejected",
                            marker_color=COLORS[3]))
    total_raw, total_rejected = int(quality["raw_rows"].sum()), int(quality["rejected_rows"].sum())
    top = rejects.sort_values("rows_rejected", ascending=False).head(1)
    reading = f"{total_rejected:,} of {total_raw:,} raw rows rejected ({total_rejected / max(total_raw, 1):.2%})"
    if not top.empty:
        reading += (f"; the commonest reason: {top.iloc[0].reject_reason} ({int(top.iloc[0].rows_rejected):,} "
                    f"{top.iloc[0].source_table} rows, in marts.data_quality_rejects)")
    return Chart("data_quality", "Data quality", figure, reading + ". Every raw row is accepted or rejected, none lost.")


PAGE_SCRIPT = """
window.leadscoreErrors = [];
window.addEventListener('error', function (event) {
  window.leadscoreErrors.push(event.message);
  var box = document.getElementById('script-errors');
  if (box) { box.textContent = window.leadscoreErrors.join('\\n'); box.hidden = false; }
});
window.addEventListener('load', function () {
  var charts = document.querySelectorAll('[data-chart]');
  var drawn = 0;
  charts.forEach(function (chart) { if (chart.querySelector('.main-svg')) { drawn += 1; } });
  document.body.setAttribute('data-charts-expected', charts.length);
  document.body.setAttribute('data-charts-drawn', drawn);
});
"""

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 24px; color: #222; }
h1 { margin-bottom: 4px; } .sub { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #eee; padding-bottom: 4px; margin-top: 36px; }
.chart { margin: 12px 0 28px; } .reading { margin: 4px 0 0 8px; color: #333; font-size: 14px; }
table { border-collapse: collapse; font-size: 14px; } td, th { border: 1px solid #ddd; padding: 4px 10px; }
th { background: #f5f5f5; text-align: left; } #script-errors { color: #b00; white-space: pre-wrap; }
"""


def _page(data, sections) -> str:
    as_of = str(data["scores"]["as_of"].max())[:10] if not data["scores"].empty else "n/a"
    body = [f"<h1>Lead scoring report</h1><p class='sub'>Scores as of {html.escape(as_of)} &middot; written "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC &middot; {len(_models(data['scores']))} scoring models</p>",
            "<pre id='script-errors' hidden></pre>", _summary_table(data)]
    for heading, charts in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for chart in charts:
            div = chart.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.key}",
                                       config={"displaylogo": False, "responsive": True})
            body.append(f"<div class='chart' data-chart='{chart.key}'>{div}"
                        f"<p class='reading'>{html.escape(chart.reading)}</p></div>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Lead scoring report</title>"
            f"<style>{STYLE}</style><script>{PAGE_SCRIPT}</script>"
            f"<script>{get_plotlyjs()}</script></head><body>{''.join(body)}</body></html>")


def _summary_table(data) -> str:
    pooled = data["metrics"]
    if pooled.empty:
        return f"<p>{html.escape(NO_BACKTEST)}.</p>"
    pooled = pooled[pooled.is_all_snapshots.astype(bool)].sort_values("auc", ascending=False)
    rows = "".join(
        f"<tr><td>{html.escape(str(row.scoring_model))}</td><td>{_number(row.auc, 3)}</td><td>{_number(row.ks, 3)}</td>"
        f"<td>{_number(row.brier, 4)}</td><td>{_number(row.brier_of_base_rate, 4)}</td><td>{int(row.snapshots)}</td>"
        f"<td>{int(row.leads):,}</td><td>{int(row.conversions):,}</td></tr>" for row in pooled.itertuples())
    return ("<table><tr><th>scoring model</th><th>AUC</th><th>KS</th><th>Brier</th><th>Brier of the base rate</th>"
            f"<th>snapshots</th><th>lead-snapshots</th><th>won in window</th></tr>{rows}</table>")


def _number(value, digits: int) -> str:
    return "n/a" if pd.isna(value) else f"{float(value):.{digits}f}"
