"""The same fixture on DuckDB, PostgreSQL and Spark gives the same marts.

Each engine runs the same models unchanged (dbt's cross-database macros and
adapter.dispatch), its own unit and data tests included. Without a reachable
PostgreSQL server or pyspark these tests skip, unless LEADSCORE_REQUIRE_ENGINES=1
(set by .ci/run), when a missing engine is a failure.
"""

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark_predictive import CUSTOM_RENAMES, write_custom_leads
from conftest import FIXTURES, LOADED_AT, PROJECT_DIR, Runner

pytestmark = pytest.mark.parity

QUERIES = {
    "lead_scores": "select lead_score_id, score, grade, score_band, fit_score, engagement_score, negative_points, "
                   "is_disqualified, top_reasons from marts.lead_scores",
    "lead_stage": "select lead_stage_id, stage, stage_rank, score, grade from marts.lead_stage",
    "components": "select component_id, points, decay_factor, event_count from marts.lead_score_components",
    "rejects": "select source_table, source_row_id, reason from marts.data_quality_rejects",
    "issues": "select lead_id, column_name, raw_value, reason from marts.data_quality_issues",
    "summary": "select source_table, raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary",
    "history": "select change_seq, lead_id, scoring_model, change_type, previous_score, score, score_delta, "
               "previous_grade, grade, previous_stage, stage, top_reasons, as_of from marts.lead_score_history",
    # The history's index of each lead's last row (built by the backfill, then read and rewritten by the build).
    "history_index": "select scoring_model, lead_id, change_seq, change_type, score, grade, stage, top_reasons, as_of "
                     "from marts.lead_score_history__latest",
    "transitions": "select change_seq, lead_id, scoring_model, from_stage, to_stage, transitioned_on, "
                   "days_in_from_stage from marts.lead_stage_transitions",
}


# The predictive model on a leads-only file with custom columns: the same fit and probabilities everywhere.
PREDICTIVE_QUERIES = {
    "summary": "select scoring_model, status, training_leads, converted_leads, holdout_leads, holdout_converted_leads, "
               "features_used, intercept, base_probability, holdout_auc, holdout_brier "
               "from marts.predictive_model_summary",
    "scorecard": "select scorecard_bin_id, training_leads, converted_leads, woe, feature_iv, is_in_model, weight, "
                 "points from marts.predictive_scorecard",
    "probabilities": "select lead_score_id, conversion_probability, score, grade, stage from marts.lead_scores "
                     "where scoring_model = 'predicted_conversion'",
}

# Spark fits the predictive model in pieces, each written to a checkpoint table: none may outlive the build.
CHECKPOINTS_LEFT = {"checkpoints": "show tables in intermediate like 'int_predictive_fits__step_*'"}


def engine_missing(reason: str):
    if os.environ.get("LEADSCORE_REQUIRE_ENGINES") == "1":
        pytest.fail(f"engine required in CI but unavailable: {reason}")
    pytest.skip(reason)


def postgres_available() -> str | None:
    try:
        import psycopg2

        psycopg2.connect(host=os.environ.get("LEADSCORE_PG_HOST", "localhost"),
                         port=int(os.environ.get("LEADSCORE_PG_PORT", "5432")),
                         user=os.environ.get("LEADSCORE_PG_USER", "leadscore"),
                         password=os.environ.get("LEADSCORE_PG_PASSWORD", "leadscore"),
                         dbname=os.environ.get("LEADSCORE_PG_DATABASE", "leadscore"), connect_timeout=3).close()
    except Exception as error:  # any failure to connect means: no server here
        return f"no PostgreSQL server reachable ({str(error).strip().splitlines()[0]})"
    return None


def spark_available() -> str | None:
    for module in ("pyspark", "dbt.adapters.spark"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -r requirements-spark.txt)"
    return None


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory):
    """The dirty fixture and the documents' examples in one data set: rejects, issues, two scoring models."""
    folder = tmp_path_factory.mktemp("parity_data")
    for name in ("leads", "events", "conversions"):
        rows = []
        for source in ("dirty", "documents"):
            with (FIXTURES / source / f"{name}.csv").open(newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                rows += list(reader)
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def normalise(rows) -> list[tuple]:
    """Engine-neutral values: floats to 9 decimals, decimals as floats, booleans as booleans."""
    def value(v):
        if hasattr(v, "item"):  # numpy scalars
            v = v.item()
        if v.__class__.__name__ == "Decimal":
            v = float(v)
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, str) and len(v) == 19 and v.endswith(" 00:00:00"):
            return v[:10]  # a date some engines return as a midnight timestamp
        return v
    # Nulls sort apart from values (a backtest's all-snapshots row has no date).
    return sorted((tuple(value(v) for v in row) for row in rows),
                  key=lambda row: tuple((v is None, str(v)) for v in row))


def engine_runner(target: str, tmp_path) -> Runner:
    runner = Runner(PROJECT_DIR, tmp_path / f"{target}.duckdb", tmp_path / "reports")
    runner.env["LEADSCORE_SPARK_WAREHOUSE"] = str(tmp_path / "spark-warehouse")
    if target == "spark":
        runner.timeout = 2700
    return runner


def read_marts(runner: Runner, target: str, queries: dict) -> dict:
    """Each query's rows, read through the runner's engine connection in a subprocess."""
    script = (
        "import json, sys\n"
        "sys.path.insert(0, 'scripts')\n"
        "from runner.warehouse import read_sql\n"
        f"queries = {queries!r}\n"
        f"out = {{name: read_sql(sql, {target!r}).astype(object).where(lambda f: f.notna(), None).values.tolist() "
        "for name, sql in queries.items()}\n"
        "import decimal\n"
        "print('JSON' + json.dumps(out, default=lambda v: float(v) if isinstance(v, decimal.Decimal) else str(v)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, env=runner.env,
                               capture_output=True, text=True, timeout=900, check=True)
    payload = next(line for line in completed.stdout.splitlines() if line.startswith("JSON"))
    return {name: normalise(rows) for name, rows in json.loads(payload[4:]).items()}


def build_on(target: str, fixture_files, tmp_path) -> dict:
    runner = engine_runner(target, tmp_path)
    files = ["--leads", str(fixture_files / "leads.csv"), "--events", str(fixture_files / "events.csv"),
             "--conversions", str(fixture_files / "conversions.csv")]
    runner.run("load", "--target", target, *files, "--loaded-at", LOADED_AT)
    # A backfill (two dates in one dbt run, then a build as of the last): history and transitions too.
    runner.run("backfill", "--target", target, "--from", "2026-10-17", "--to", "2026-10-31", "--every", "7d",
               # The PostgreSQL database outlives test runs; its history would be the last run's.
               "--reset-history")
    marts = read_marts(runner, target, QUERIES)
    marts |= backtest_on(runner, target)
    # The validation gate on every engine: unvalidated marts are not exported; validated ones are.
    out = tmp_path / "scores.csv"
    assert "were not validated" in runner.run("export", "--target", target, "--out", str(out), expect=2).stderr
    runner.run("validate", "--target", target, "--max-reject-share", "1.0")
    runner.run("export", "--target", target, "--out", str(out))
    marts["exported_rows"] = sum(1 for _ in out.open()) - 1
    return marts


BACKTEST_QUERIES = {
    "backtest_scores": "select backtest_score_id, scored_as_of, score, stage, score_band, converted_in_window "
                       "from marts.backtest_scores",
    "backtest_metrics": "select scoring_model, snapshot_on, is_all_snapshots, snapshots, leads, conversions, auc, ks, "
                        "brier, brier_of_base_rate from marts.backtest_metrics",
    "backtest_deciles": "select scoring_model, decile, leads, conversions, mean_predicted, lift, "
                        "cumulative_share_of_conversions from marts.backtest_deciles",
    "backtest_segments": "select scoring_model, segment_type, segment, leads, conversions, lift "
                         "from marts.backtest_segments",
    "backtest_thresholds": "select scoring_model, min_score, stage_at_threshold, flagged, flagged_conversions, "
                           "precision, recall, false_positive_rate, leads_per_week from marts.backtest_thresholds",
    "backtest_advice": "select scoring_model, basis, recommended_min_score, precision, recall, leads_per_week, reason "
                       "from marts.backtest_threshold_advice",
}


def backtest_on(runner: Runner, target: str) -> dict:
    """The backtest marts over the backfilled history, with a 7-day window so the fixture's weeks label."""
    dbt = Path(sys.executable).parent / "dbt"
    completed = subprocess.run([str(dbt), "run", "--select", "path:models/marts/backtest", "--vars",
                                "{prediction_window_days: 7}", "--project-dir", str(PROJECT_DIR), "--profiles-dir",
                                str(PROJECT_DIR)],
                               cwd=PROJECT_DIR, env={**runner.env, "LEADSCORE_TARGET": target}, capture_output=True,
                               text=True, timeout=runner.timeout)
    assert completed.returncode == 0, completed.stdout[-4000:]
    return read_marts(runner, target, BACKTEST_QUERIES)


@pytest.fixture(scope="module")
def duckdb_marts(fixture_files, tmp_path_factory):
    return build_on("duckdb", fixture_files, tmp_path_factory.mktemp("duckdb"))


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_gives_the_same_marts_as_duckdb(duckdb_marts, fixture_files, tmp_path):
    missing = postgres_available()
    if missing:
        engine_missing(missing)
    assert_same(duckdb_marts, build_on("postgres", fixture_files, tmp_path))


@pytest.mark.spark
def test_spark_gives_the_same_marts_as_duckdb(duckdb_marts, fixture_files, tmp_path):
    missing = spark_available()
    if missing:
        engine_missing(missing)
    assert_same(duckdb_marts, build_on("spark", fixture_files, tmp_path))


def assert_same(expected: dict, got: dict) -> None:
    assert len(expected["lead_scores"]) == 2 * 10  # 10 valid leads x 2 scoring models
    assert len(expected["rejects"]) == 13
    assert expected["exported_rows"] == 20
    assert {row[3] for row in expected["history"]} == {"insert", "update"}
    assert len(expected["transitions"]) > 20
    # Snapshots 10-17 and 10-24 (10-31's window is still open); X5, won on 10-31, converts after 10-24.
    assert {row[0].split(":")[1] for row in expected["backtest_scores"]} == {"2026-10-17", "2026-10-24"}
    assert sum(row[-1] for row in expected["backtest_scores"]) == 2  # once per scoring model
    for name in [*QUERIES, *BACKTEST_QUERIES, "exported_rows"]:
        assert got[name] == expected[name], f"{name} differs"


@pytest.fixture(scope="module")
def custom_lead_files(tmp_path_factory):
    return write_custom_leads(tmp_path_factory.mktemp("custom_leads"), 1500)


def build_predictive_on(target: str, files, tmp_path) -> dict:
    runner = engine_runner(target, tmp_path)
    leads, conversions = files
    runner.run("load", "--target", target, "--leads", str(leads), "--conversions", str(conversions),
               "--rename", CUSTOM_RENAMES, "--loaded-at", LOADED_AT)
    runner.run("build", "--target", target, "--skip-validation")
    return read_marts(runner, target, PREDICTIVE_QUERIES | (CHECKPOINTS_LEFT if target == "spark" else {}))


@pytest.fixture(scope="module")
def duckdb_predictive(custom_lead_files, tmp_path_factory):
    return build_predictive_on("duckdb", custom_lead_files, tmp_path_factory.mktemp("duckdb_predictive"))


def assert_same_model(expected: dict, got: dict) -> None:
    """Counts, bins and stages equal; weights, WoE and probabilities within 1e-6; scores within a cent."""
    assert expected["summary"][0][1] == "trained" and len(expected["probabilities"]) == 1500
    for name, rows in expected.items():
        assert len(got[name]) == len(rows), f"{name}: {len(got[name])} rows, expected {len(rows)}"
        for want, have in zip(rows, got[name], strict=True):
            for w, h in zip(want, have, strict=True):
                if isinstance(w, float) and isinstance(h, float):
                    assert h == pytest.approx(w, abs=0.011 if name == "probabilities" and w > 1 else 1e-6), \
                        f"{name}: {have} differs from {want}"
                else:
                    assert h == w, f"{name}: {have} differs from {want}"


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_fits_the_same_predictive_model_as_duckdb(duckdb_predictive, custom_lead_files, tmp_path):
    missing = postgres_available()
    if missing:
        engine_missing(missing)
    assert_same_model(duckdb_predictive, build_predictive_on("postgres", custom_lead_files, tmp_path))


@pytest.mark.spark
def test_spark_fits_the_same_predictive_model_as_duckdb(duckdb_predictive, custom_lead_files, tmp_path):
    missing = spark_available()
    if missing:
        engine_missing(missing)
    got = build_predictive_on("spark", custom_lead_files, tmp_path)
    # The fit ran in pieces of 10 steps (the last checkpoint after step 70), and dropped every checkpoint.
    assert "int_predictive_fits__step_70" in (tmp_path / "spark-logs" / "dbt.log").read_text(encoding="utf-8")
    assert got.pop("checkpoints") == []
    assert_same_model(duckdb_predictive, got)
