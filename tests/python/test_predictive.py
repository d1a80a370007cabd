"""The predictive model (scoring_models.csv kind = predictive), end to end on real DuckDB files.

The Olist comparison, the leakage flag and suggest-then-diff each build their own
warehouse: marker `slow` (CI runs them; `make test` leaves them out).

It learns from past conversions in SQL and must: rank held-out leads as well as
scikit-learn's logistic regression on the same leads and features, train on a
leads-only file with custom columns and no rule written, explain each score
point by point, flag a column that leaks the outcome, and stay out of the way
(build green, one line saying why) when there is too little to learn from.
"""

import csv
import math

import duckdb
import pytest

from benchmark_predictive import CUSTOM_RENAMES, compare_with_scikit_learn, write_custom_leads
from conftest import LOADED_AT, PROJECT_DIR, Runner, olist_runner


def figures(runner: Runner) -> dict:
    with duckdb.connect(str(runner.database), read_only=True) as con:
        return compare_with_scikit_learn(con)


@pytest.fixture(scope="module")
def custom(tmp_path_factory) -> Runner:
    """6,000 leads with CRM-style custom columns and their outcomes; no events, no rule."""
    tmp = tmp_path_factory.mktemp("custom")
    leads, conversions = write_custom_leads(tmp / "data", 6000)
    runner = Runner(PROJECT_DIR, tmp / "custom.duckdb", tmp / "reports")
    runner.run("load", "--leads", str(leads), "--conversions", str(conversions), "--rename", CUSTOM_RENAMES,
               "--loaded-at", LOADED_AT)
    runner.build_output = runner.run("build").stdout
    return runner


def test_a_leads_only_file_with_custom_columns_trains_and_scores_with_no_rule_written(custom):
    status, training_leads, converted = custom.query(
        "select status, training_leads, converted_leads from marts.predictive_model_summary")[0]
    assert status == "trained" and training_leads > 3000 and converted > 500
    # Headers such as "Do Not Email?" and "What is your current occupation" become features as they are.
    kinds = dict(custom.query("select distinct feature_name, feature_kind from marts.predictive_scorecard"))
    assert kinds["do_not_email"] == "categorical"
    assert kinds["lead_origin"] == "categorical"
    # "5.0" is a number: visits are binned by quantiles.
    assert kinds["totalvisits"] == "numeric"
    in_model = {row[0] for row in custom.query(
        "select distinct feature_name from marts.predictive_scorecard where is_in_model")}
    assert {"lead_origin", "what_is_your_current_occupation", "total_time_spent_on_website"} <= in_model
    # The form's "Select" placeholder is missing, not a value of its own.
    occupation_bins = {row[0] for row in custom.query(
        "select bin_label from marts.predictive_scorecard where feature_name = 'what_is_your_current_occupation'")}
    assert "(missing)" in occupation_bins and "select" not in occupation_bins
    # The rules models find nothing to score in this file; the predictive one spreads the leads.
    spread = dict(custom.query(
        "select scoring_model, count(distinct score) from marts.lead_scores group by scoring_model"))
    assert spread["b2b_default"] == 1 and spread["predicted_conversion"] > 50
    assert custom.scalar("select count(*) from marts.lead_scores where scoring_model = 'predicted_conversion'") == 6000


@pytest.mark.slow
def test_a_column_that_leaks_the_outcome_is_flagged(tmp_path):
    leads, conversions = write_custom_leads(tmp_path / "data", 2000, leaky=True)
    runner = Runner(PROJECT_DIR, tmp_path / "leaky.duckdb", tmp_path / "reports")
    runner.run("load", "--leads", str(leads), "--conversions", str(conversions), "--rename", CUSTOM_RENAMES,
               "--loaded-at", LOADED_AT)
    runner.run("build", "--skip-validation")
    leak = runner.query("select distinct feature_iv, is_leakage_suspect from marts.predictive_scorecard "
                        "where feature_name = 'lead_stage'")
    assert len(leak) == 1 and leak[0][1] is True and leak[0][0] > 1.0
    honest = runner.scalar("select count(*) from marts.predictive_scorecard "
                           "where is_leakage_suspect and feature_name <> 'lead_stage'")
    assert honest == 0


def test_a_predictive_score_is_its_probability_and_its_components_add_up(custom):
    intercept, base = custom.query(
        "select intercept, base_probability from marts.predictive_model_summary")[0]
    lead_id, score, probability, raw_points, top_reasons = custom.query(
        "select lead_id, score, conversion_probability, raw_points, top_reasons from marts.lead_scores "
        "where scoring_model = 'predicted_conversion' order by score desc, lead_id limit 1")[0]
    # Recompute the probability by hand from the scorecard: the lead's bin in each feature, weight x WoE.
    contributions = custom.query(
        f"select c.feature_name, c.bin_label, s.weight, s.woe from intermediate.int_predictive_contributions as c "
        f"inner join marts.predictive_scorecard as s on c.feature_name = s.feature_name and c.bin_label = s.bin_label "
        f"where c.lead_id = '{lead_id}'")
    log_odds = intercept + sum(weight * woe for _, _, weight, woe in contributions)
    assert len(contributions) >= 3
    assert probability == pytest.approx(1 / (1 + math.exp(-log_odds)), abs=1e-9)
    assert score == pytest.approx(round(100 * probability, 2), abs=0.006)
    # Points are the score above the average lead's, shared among the features.
    assert raw_points == pytest.approx(100 * (probability - base), abs=1e-3)
    points = custom.scalar(f"select sum(points) from marts.lead_score_components "
                           f"where scoring_model = 'predicted_conversion' and lead_id = '{lead_id}'")
    assert points == pytest.approx(raw_points, abs=1e-3)
    first_reason = top_reasons.split("; ")[0]
    assert first_reason.startswith("+") and " = " in first_reason


def test_the_fit_ranks_held_out_leads_like_scikit_learn_on_the_custom_columns(custom):
    result = figures(custom)
    # The marts' AUC and Brier are scikit-learn's on the same probabilities.
    assert result["sql_auc"] == pytest.approx(result["sql_auc_by_sklearn"], abs=1e-12)
    assert result["sql_brier"] == pytest.approx(result["sql_brier_by_sklearn"], abs=1e-12)
    assert result["auc_ratio"] >= 0.99
    assert result["brier_ratio"] <= 1.05


@pytest.mark.slow
def test_olist_the_predictive_model_ranks_like_scikit_learn(tmp_path):
    runner = olist_runner(tmp_path)
    out = runner.run("build").stdout
    assert "predicted_conversion: learnt from 6,386 leads (558 won within 90 days), 2 features" in out
    result = figures(runner)
    assert (result["training_leads"], result["holdout_leads"], result["holdout_converted_leads"]) == (6386, 1613, 133)
    assert result["sql_auc"] == pytest.approx(result["sql_auc_by_sklearn"], abs=1e-12)
    assert result["auc_ratio"] >= 0.99
    assert result["brier_ratio"] <= 1.05
    assert result["sql_auc"] == pytest.approx(0.666, abs=0.002)
    best = runner.query("select feature_name from marts.predictive_scorecard where feature_rank = 1 limit 1")[0][0]
    assert best == "landing_page_id"


def test_too_few_conversions_leave_the_model_untrained_and_the_build_green(runner, tmp_path):
    runner.run("generate", "--leads", "300", "--events", "3000", "--out", str(tmp_path / "data"))
    runner.load(tmp_path / "data")
    out = runner.run("build").stdout
    reason = runner.scalar("select status_reason from marts.predictive_model_summary")
    assert reason.startswith("not trained: ") and "needs 40 (var predictive_min_converted)" in reason
    assert f"predicted_conversion: {reason}; rules models are scored as usual" in out
    models = {row[0] for row in runner.query("select distinct scoring_model from marts.lead_scores")}
    assert models == {"b2b_default", "smb_self_serve"}


@pytest.mark.slow
def test_suggest_writes_the_scorecard_as_rules_that_diff_can_score(custom, tmp_path):
    out = custom.run("suggest", "--out", str(tmp_path / "suggested")).stdout
    assert "fit and 0 engagement rule(s) for scoring model 'suggested'" in out
    with (tmp_path / "suggested" / "fit_rules.csv").open(newline="") as handle:
        rules = {row["rule_id"]: row for row in csv.DictReader(handle) if row["scoring_model"] == "suggested"}
    points = dict(custom.query("select bin_label, round(points) from marts.predictive_scorecard "
                               "where feature_name = 'lead_origin'"))
    add_form = next(r for r in rules.values() if r["attribute"] == "lead_origin" and r["value"] == "lead add form")
    assert (add_form["operator"], float(add_form["points"])) == ("equals", points["lead add form"])
    assert float(add_form["points"]) > 0
    # A numeric feature becomes steps: is_present, then gte each higher bin's lower edge.
    steps = [r for r in rules.values() if r["attribute"] == "total_time_spent_on_website"]
    assert {r["operator"] for r in steps} <= {"is_present", "gte", "is_absent"} and len(steps) >= 2
    edges = [float(e) for (e,) in custom.query(
        "select lower_edge from marts.predictive_scorecard where feature_name = 'total_time_spent_on_website' "
        "and lower_edge is not null order by lower_edge")]
    assert {float(r["value"]) for r in steps if r["operator"] == "gte"} <= set(edges[1:])
    with (tmp_path / "suggested" / "scoring_models.csv").open(newline="") as handle:
        models = {row["scoring_model"]: row["kind"] for row in csv.DictReader(handle)}
    assert models["suggested"] == "rules" and models["predicted_conversion"] == "predictive"
    diff = custom.run("diff", "--rules", str(tmp_path / "suggested")).stdout
    assert "suggested: (none) -> " in diff
