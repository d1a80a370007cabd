"""The runner end to end on generated data, and the errors a user can meet."""

import csv
import hashlib
import os
import re

import pytest

from conftest import PROJECT_DIR, Runner


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("generated")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.run("generate", "--leads", "400", "--events", "8000", "--out", str(tmp / "data"), "--seed", "7")
    runner.load(tmp / "data")
    build = runner.run("build")
    return runner, tmp / "data", build


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_is_deterministic_for_a_seed(generated, tmp_path):
    runner, data, _ = generated
    runner.run("generate", "--leads", "400", "--events", "8000", "--out", str(tmp_path), "--seed", "7")
    for name in ("leads.csv", "events.csv", "conversions.csv"):
        assert digest(tmp_path / name) == digest(data / name)
    with (data / "events.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8000
    assert {"page_view", "email_open", "trial_request", "demo_request", "unsubscribe"} <= {r["event_type"] for r in rows}


def test_build_scores_every_lead_once_per_scoring_model(generated):
    runner, _, build = generated
    assert runner.scalar("select count(*) from marts.lead_scores") == 400 * 2
    assert runner.scalar("select count(*) from marts.lead_stage") == 400 * 2
    low, high = runner.query("select min(score), max(score) from marts.lead_scores")[0]
    assert 0 <= low < high <= 100
    # The summary the runner prints agrees with the marts.
    assert "b2b_default: 400 leads scored as of 2026-10-31" in build.stdout
    customers = runner.scalar("select count(*) from marts.lead_stage where stage = 'customer' "
                              "and scoring_model = 'b2b_default'")
    assert f"customer {customers}" in build.stdout
    assert "raw events: 8,000 rows = 8,000 accepted + 0 rejected" in build.stdout


def test_as_of_defaults_to_the_latest_date_in_the_data_and_reruns_are_identical(generated):
    runner, _, _ = generated
    assert str(runner.scalar("select max(as_of) from marts.lead_scores")) == "2026-10-31"
    before = runner.query("select lead_score_id, score, grade from marts.lead_scores order by 1")
    fits_sql = "select fit_number, fingerprint, status from intermediate.int_predictive_fits order by 1"
    fits = runner.query(fits_sql)
    runner.run("build")
    assert runner.query("select lead_score_id, score, grade from marts.lead_scores order by 1") == before
    # The same training data gives the same fingerprint, so the rerun fits nothing new.
    assert len(fits) == 1 and runner.query(fits_sql) == fits


def test_export_writes_one_row_per_lead_and_model(generated, tmp_path):
    runner, _, _ = generated
    out = tmp_path / "scores.csv"
    runner.run("export", "--out", str(out), "--scoring-model", "b2b_default")
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 400
    assert {"lead_id", "score", "grade", "stage", "top_reasons"} <= rows[0].keys()
    assert float(rows[0]["score"]) >= float(rows[-1]["score"])


def test_append_adds_a_batch_of_events(generated, tmp_path):
    runner, _, _ = generated
    batch = tmp_path / "batch.csv"
    batch.write_text("event_id,lead_id,event_type,occurred_at\nNEW1,L000000399,demo_request,2026-10-31 12:00:00\n")
    before = runner.scalar("select score from marts.lead_scores where lead_score_id = 'b2b_default:L000000399'")
    runner.run("load", "--events", str(batch), "--mode", "append", "--loaded-at", "2026-11-01 07:00:00")
    runner.run("build", "--skip-validation")
    after = runner.scalar("select score from marts.lead_scores where lead_score_id = 'b2b_default:L000000399'")
    assert after == pytest.approx(before + 0.5 * 100 * 25 / 80, abs=0.01)
    assert runner.scalar("select count(*) from raw.events") == 8001


# -- errors a user can meet: one line that says what and where, and a non-zero exit ---------------------------


def one_error_line(completed) -> str:
    lines = [line for line in completed.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_missing_required_column_is_named(runner, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,email\nA,a@b.com\n")
    events = tmp_path / "events.csv"
    events.write_text("event_id,lead_id,occurred_at\nE1,A,2026-01-01\n")
    line = one_error_line(runner.run("load", "--leads", str(leads), "--events", str(events), expect=2))
    assert str(events) in line and "missing required events column(s) event_type" in line


def test_wrong_delimiter_gets_a_hint(runner, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id;email\nA;a@b.com\n")
    line = one_error_line(runner.run("load", "--leads", str(leads), "--delimiter", ",", expect=2))
    assert "missing required leads column(s) lead_id" in line and "is the delimiter right?" in line
    # Left to itself, the loader detects the semicolon.
    runner.run("load", "--leads", str(leads))
    assert runner.scalar("select email from raw.leads") == "a@b.com"


def test_empty_file_and_wrong_file_type_are_refused(runner, tmp_path):
    empty = tmp_path / "leads.csv"
    empty.write_text("")
    assert "the file is empty" in one_error_line(runner.run("load", "--leads", str(empty), expect=2))
    wrong = tmp_path / "leads.xlsx"
    wrong.write_text("lead_id\n")
    assert "not a CSV or Parquet file" in one_error_line(runner.run("load", "--leads", str(wrong), expect=2))


def test_a_failed_load_leaves_raw_as_it_was(runner, tmp_path):
    good = tmp_path / "leads.csv"
    good.write_text("lead_id\nA\nB\n")
    runner.run("load", "--leads", str(good))
    bad_events = tmp_path / "events.csv"
    bad_events.write_text("event_id,lead_id\nE1,A\n")
    other_leads = tmp_path / "more_leads.csv"
    other_leads.write_text("lead_id\nC\n")
    runner.run("load", "--leads", str(other_leads), "--events", str(bad_events), expect=2)
    assert runner.query("select lead_id from raw.leads order by 1") == [("A",), ("B",)]


def test_bad_as_of_is_refused_before_dbt_runs(runner):
    completed = runner.run("build", "--as-of", "31/10/2026", expect=2)
    assert "is not a date written YYYY-MM-DD" in completed.stderr


def test_report_before_any_backtest_says_how_to_get_one(generated, tmp_path):
    runner, _, _ = generated
    completed = runner.run("report", "--out", str(tmp_path))
    page = tmp_path / "report.html"
    assert f"report: {page}" in completed.stdout
    text = page.read_text()
    # Twelve charts; with one build recorded, the backtest's say what to run instead of drawing nothing.
    assert len(re.findall(r"data-chart='\w+'", text)) == 12
    assert "no backtest yet: run `leadscore backtest`" in text


def test_diff_reports_stage_moves_without_touching_the_marts(generated, tmp_path):
    runner, _, _ = generated
    before = runner.query("select lead_stage_id, stage, score from marts.lead_stage order by 1")
    expected_moves = runner.scalar(
        "select count(*) from marts.lead_stage where scoring_model = 'b2b_default' "
        "and stage = 'lead' and score >= 40 and not exists (select 1 from marts.lead_scores s "
        "where s.lead_score_id = lead_stage.lead_stage_id and s.is_disqualified)")
    shipped = (PROJECT_DIR / "seeds" / "stage_thresholds.csv").read_text()
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    (candidate / "stage_thresholds.csv").write_text(shipped.replace("b2b_default,mql,2,50,", "b2b_default,mql,2,40,"))
    completed = runner.run("diff", "--rules", str(candidate))
    assert expected_moves > 0
    assert f"b2b_default: lead -> mql: {expected_moves:,}" in completed.stdout
    assert "smb_self_serve: " not in completed.stdout.split("== biggest movers")[0]
    assert runner.query("select lead_stage_id, stage, score from marts.lead_stage order by 1") == before


def test_diff_refuses_a_file_that_is_not_a_seed(generated, tmp_path):
    runner, _, _ = generated
    (tmp_path / "fit_rulez.csv").write_text("x\n")
    completed = runner.run("diff", "--rules", str(tmp_path), expect=2)
    assert "fit_rulez.csv is not a seed name" in completed.stderr


def test_an_earlier_as_of_ignores_later_activity(generated, tmp_path):
    # Last in this file: it leaves the warehouse scored as of an earlier day.
    shared, _, _ = generated
    # The same warehouse and dbt target (so the same parse cache), with a log of this build alone.
    runner = Runner(PROJECT_DIR, shared.database, tmp_path / "reports")
    runner.env["DBT_LOG_PATH"] = str(tmp_path / "logs")
    runner.run("build", "--as-of", "2026-06-30", "--skip-validation")
    assert str(runner.scalar("select max(as_of) from marts.lead_scores")) == "2026-06-30"
    # The new date reaches dbt as an environment variable, so dbt re-parses the one model that reads it,
    # not the whole project (a changed --vars would: about 5 s of every build with a new date).
    this_build = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in this_build
    assert "Partial parsing: updated file: leadscore://models/intermediate/int_scoring_dates.sql" in this_build
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 1 files changed." in this_build
    latest = runner.scalar("select max(last_activity_at) from marts.lead_scores")
    assert latest.date().isoformat() <= "2026-06-30"


def test_scoring_dates_reach_dbt_as_environment_variables_for_one_call_only(monkeypatch):
    """A var would cost a whole re-parse per new date; an environment variable must not outlive its call."""
    from runner import dbt_build

    seen = []

    class RecordingRunner:
        def __init__(self, callbacks=None):
            pass

        def invoke(self, args):
            seen.append((args, {name: os.environ.get(name) for name in dbt_build.SCORING_DATE_ENV_VARS.values()}))
            return type("Result", (), {"exception": None, "success": True, "result": []})()

    monkeypatch.setattr(dbt_build, "dbtRunner", RecordingRunner)
    monkeypatch.setattr(dbt_build, "_release_duckdb", lambda: None)
    monkeypatch.setattr(dbt_build, "dbt_environment", lambda target: None)
    monkeypatch.setenv("LEADSCORE_AS_OF", "2020-01-01")  # the shell's: the runner's own options decide
    monkeypatch.delenv("LEADSCORE_AS_OF_FROM", raising=False)
    dbt_build.run_dbt("run", dbt_vars={"as_of": "2026-10-31", "as_of_from": "2026-10-01",
                                       "as_of_every_days": 7, "date_order": "mdy"}, phases=False)
    dbt_build.run_dbt("run", dbt_vars={"date_order": "mdy"}, phases=False)
    (first_args, first_env), (second_args, second_env) = seen
    assert first_env == {"LEADSCORE_AS_OF": "2026-10-31", "LEADSCORE_AS_OF_FROM": "2026-10-01",
                         "LEADSCORE_AS_OF_EVERY_DAYS": "7"}
    assert second_env == {"LEADSCORE_AS_OF": None, "LEADSCORE_AS_OF_FROM": None, "LEADSCORE_AS_OF_EVERY_DAYS": None}
    # Only the other vars go to --vars, and they are the same in both calls: the parse cache survives.
    for args in (first_args, second_args):
        assert args[args.index("--vars") + 1] == '{"date_order": "mdy"}'
    assert os.environ["LEADSCORE_AS_OF"] == "2020-01-01" and "LEADSCORE_AS_OF_FROM" not in os.environ
