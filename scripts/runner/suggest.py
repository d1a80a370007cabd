"""Suggested rules: the fitted predictive model written as hand rules a marketer can review.

`suggest --out DIR` writes a copy of the rule seeds with one more rules model
(`suggested`, by default) whose points are the predictive scorecard's
(`marts.predictive_scorecard.points`, rounded): the points a bin moves an
average lead's score. `diff --rules DIR` then shows what the rules would do
before anyone ships them.

How scorecard bins become rules (every bin of every attribute feature in the model):
- a category of its own: `equals` the value; "(other)": `not_in` every value with
  a bin of its own; "(missing)": `is_absent`;
- numeric bins, as steps: the first bin's points for `is_present`, then each
  higher bin adds its difference from the one below with `gte` its lower edge,
  so a lead collects exactly its own bin's points;
- engagement features ("<event type> events (N days)"): each bin above the
  first adds its difference with a `once` rule counting the event type in a
  `window` of N days (`min_count` = the bin's lower edge). "days since last
  event" has no rule form and is left out (said in the output).
"""

import csv
import re
import shutil
from pathlib import Path

from .errors import UserError
from .paths import PROJECT_DIR
from .warehouse import read_sql

ENGAGEMENT_FEATURE = re.compile(r"^(?P<event_type>.+) events \((?P<days>\d+) days\)$")


def _scorecard(target: str):
    status = read_sql("select status, status_reason from marts.predictive_model_summary", target)
    if status.empty:
        raise UserError("no predictive scoring model in seeds/scoring_models.csv (a row of kind predictive)")
    if status.iloc[0]["status"] != "trained":
        raise UserError(f"the predictive model is {status.iloc[0]['status_reason']}; nothing to suggest")
    return read_sql(
        "select feature_name, feature_source, feature_kind, bin_order, bin_label, points, lower_edge "
        "from marts.predictive_scorecard where is_in_model order by feature_rank, bin_order", target)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def suggested_rules(scorecard, model: str) -> tuple[list[dict], list[dict], list[str]]:
    """(fit rule rows, engagement rule rows, features left out) for the seeds' columns."""
    fit, engagement, left_out = [], [], []
    for feature, bins in scorecard.groupby("feature_name", sort=False):
        bins = bins.sort_values("bin_order")
        slug = re.sub(r"[^a-z0-9]+", "_", feature.lower()).strip("_")
        points = {row.bin_label: round(float(row.points)) for row in bins.itertuples()}
        source = bins.iloc[0]["feature_source"]
        kind = bins.iloc[0]["feature_kind"]
        if source == "engagement":
            match = ENGAGEMENT_FEATURE.match(feature)
            numbered = bins[bins["lower_edge"].notna()]
            if not match or numbered.empty:
                left_out.append(feature)
                continue
            previous = round(float(numbered.iloc[0]["points"]))
            for row in numbered.iloc[1:].itertuples():
                step = round(float(row.points)) - previous
                previous = round(float(row.points))
                if step:
                    engagement.append({
                        "scoring_model": model, "rule_id": f"sugg_{slug}_{row.bin_order}",
                        "description": f"{match['event_type']} {_number(row.lower_edge)}+ in {match['days']} days",
                        "category": "engagement" if step > 0 else "negative", "event_type": match["event_type"],
                        "award": "once", "min_count": _number(row.lower_edge), "points": step,
                        "decay": "window", "decay_days": match["days"], "disqualify": "false"})
            continue
        rules = []
        if kind == "numeric":
            numbered = bins[bins["lower_edge"].notna()]
            previous = None
            for row in numbered.itertuples():
                value = round(float(row.points))
                step = value if previous is None else value - previous
                if previous is None:
                    rules.append(("is_present", "", step, f"{feature} given"))
                else:
                    rules.append(("gte", _number(row.lower_edge), step, f"{feature} {_number(row.lower_edge)} or more"))
                previous = value
        else:
            own = [row.bin_label for row in bins.itertuples() if row.bin_label not in ("(other)", "(missing)")]
            for label in own:
                rules.append(("equals", label, points[label], f"{feature} = {label}"))
            if own and points.get("(other)"):
                rules.append(("not_in", "|".join(own), points["(other)"], f"{feature} other"))
        if points.get("(missing)"):
            rules.append(("is_absent", "", points["(missing)"], f"{feature} missing"))
        for number, (operator, value, step, description) in enumerate(rules, start=1):
            if step:
                fit.append({"scoring_model": model, "rule_id": f"sugg_{slug}_{number}", "description": description,
                            "category": "fit" if step > 0 else "negative", "attribute": feature,
                            "operator": operator, "value": value, "points": step, "disqualify": "false"})
    return fit, engagement, left_out


def _append(path: Path, rows: list[dict]) -> None:
    text = path.read_text()
    header = next(csv.reader([text.splitlines()[0]]))
    with path.open("a", newline="") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        # The seeds' own line ending: a mixed file defeats CSV sniffers.
        writer = csv.DictWriter(handle, fieldnames=header, restval="", extrasaction="ignore", lineterminator="\n")
        for row in rows:
            writer.writerow(row)


def suggest(target: str, out_dir: Path, model: str = "suggested", out=print) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", model):
        raise UserError(f"--name '{model}': use lower-case letters, digits and underscores")
    scorecard = _scorecard(target)
    fit, engagement, left_out = suggested_rules(scorecard, model)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = PROJECT_DIR / "seeds"
    for path in seeds.glob("*.csv"):
        shutil.copy(path, out_dir / path.name)
    existing = {row["scoring_model"] for row in csv.DictReader((out_dir / "scoring_models.csv").open(newline=""))}
    if model in existing:
        raise UserError(f"scoring model '{model}' already exists in seeds/scoring_models.csv; pick another --name")
    # Points are score points around an average lead: fit and engagement add up on a 0-100 scale.
    _append(out_dir / "scoring_models.csv", [{
        "scoring_model": model, "kind": "rules", "is_active": "true",
        "description": "Suggested from the predictive model's scorecard: review, then ship or drop",
        "fit_weight": "1", "engagement_weight": "1", "fit_max_points": "100", "engagement_max_points": "100"}])
    _append(out_dir / "fit_rules.csv", fit)
    _append(out_dir / "engagement_rules.csv", engagement)
    predictive = read_sql("select scoring_model from marts.predictive_model_summary", target).iloc[0]["scoring_model"]
    for name in ("stage_thresholds.csv", "grade_thresholds.csv"):
        with (out_dir / name).open(newline="") as handle:
            rows = [dict(row, scoring_model=model) for row in csv.DictReader(handle)
                    if row["scoring_model"] == predictive]
        _append(out_dir / name, rows)
    out(f"wrote {len(fit)} fit and {len(engagement)} engagement rule(s) for scoring model '{model}' "
        f"to {out_dir}/ (with a copy of the other seeds)")
    if left_out:
        out(f"  no rule form for: {', '.join(left_out)}")
    out(f"review them: python scripts/leadscore.py diff --rules {out_dir}")
    return 0
