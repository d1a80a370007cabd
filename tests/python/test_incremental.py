"""Incremental builds give exactly what a full refresh gives on the same data."""

import csv
import json
import shutil
from datetime import date

import duckdb
import pytest

from conftest import PROJECT_DIR, Runner, copy_project

MARTS = {
    # score_changed_at and stage_changed_at are when a build recorded the change: they differ by design.
    "lead_scores": "select * exclude (last_activity_at, score_changed_at, stage_changed_at), "
                   "cast(last_activity_at as varchar) from marts.lead_scores order by lead_score_id",
    "lead_stage": "select * exclude (stage_changed_at) from marts.lead_stage order by lead_stage_id",
    "lead_score_components": "select * from marts.lead_score_components order by all",
    "data_quality_rejects": "select * from marts.data_quality_rejects order by all",
    "data_quality_summary": "select * from marts.data_quality_summary order by all",
}
STAMPS = ("2026-11-01 01:00:00", "2026-11-01 02:00:00", "2026-11-01 03:00:00")


def write_csv(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    return make_batches(tmp_path_factory.mktemp("batches"))


def make_batches(tmp):
    """Three event batches: the bulk, then late events and repeats of earlier ids, then new activity."""
    runner = Runner(PROJECT_DIR, tmp / "unused.duckdb", tmp / "reports")
    runner.run("generate", "--leads", "300", "--events", "6000", "--out", str(tmp / "data"), "--seed", "11")
    with (tmp / "data" / "events.csv").open() as handle:
        reader = csv.reader(handle)
        header = next(reader)
        events = list(reader)
    first, second, third = events[:4800], events[4800:5700], events[5700:]
    # Repeats of ids already loaded (rejected as duplicates) and late events a year old.
    repeats = [row[:] for row in first[:25]]
    late = [[f"LATE{k}", f"L{k:09d}", "trial_request", "2025-11-20 10:00:00", "", "", "", ""] for k in range(10)]
    new_lead_event = ["NEWLEAD_E1", "L000000999", "demo_request", "2026-10-30 09:00:00", "", "", "", ""]
    return {
        "data": tmp / "data",
        "files": [
            write_csv(tmp / "events_1.csv", header, first),
            write_csv(tmp / "events_2.csv", header, second + repeats + late),
            write_csv(tmp / "events_3.csv", header, [*third, new_lead_event]),
        ],
        # A new lead, and a new version of an existing one (a Coordinator promoted to CEO).
        "new_lead": write_csv(tmp / "leads_3.csv", ["lead_id", "job_title", "employees", "country", "updated_at"],
                              [["L000000999", "VP Sales", "500", "PT", "2026-10-30"],
                               ["L000000000", "CEO", "12", "BR", "2026-10-30"]]),
        "conversions": write_csv(tmp / "conversions_3.csv", ["lead_id", "converted_at", "outcome"],
                                 [["L000000003", "2026-10-29", "won"]]),
    }


def load_in_batches(runner: Runner, batches, build_each: bool):
    data, files = batches["data"], batches["files"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(files[0]),
               "--conversions", str(data / "conversions.csv"), "--loaded-at", STAMPS[0])
    if build_each:
        runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    runner.run("load", "--events", str(files[1]), "--mode", "append", "--loaded-at", STAMPS[1])
    if build_each:
        runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    runner.run("load", "--events", str(files[2]), "--leads", str(batches["new_lead"]),
               "--conversions", str(batches["conversions"]), "--mode", "append", "--loaded-at", STAMPS[2])


@pytest.fixture(scope="module")
def built_in_batches(batches, tmp_path_factory):
    """A warehouse that loaded the three batches and built as of 2026-10-31 after each: tests work on copies."""
    folder = tmp_path_factory.mktemp("built_in_batches")
    runner = Runner(PROJECT_DIR, folder / "incremental.duckdb", folder / "reports")
    load_in_batches(runner, batches, build_each=True)
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    return runner.database


def copy_of(database, tmp_path) -> Runner:
    """A runner over a private copy of a warehouse file (dbt's target folder starts empty: a full parse)."""
    assert not database.with_suffix(".duckdb.wal").exists()  # the runner closed it checkpointed
    shutil.copy(database, tmp_path / "incremental.duckdb")
    return Runner(PROJECT_DIR, tmp_path / "incremental.duckdb", tmp_path / "r1")


def snapshot(runner: Runner) -> dict:
    """The marts, with floats to 9 decimals: summing partial counts in another order may move the 16th digit."""
    def normal(value):
        return round(value, 9) if isinstance(value, float) else value

    return {name: [tuple(map(normal, row)) for row in runner.query(sql)] for name, sql in MARTS.items()}


def assert_equals_a_full_refresh(incremental: Runner, batches, tmp_path, project, as_of: str) -> Runner:
    """Load the same batches into a fresh file, build once with --full-refresh, and compare every mart."""
    full = Runner(project, tmp_path / "full.duckdb", tmp_path / "r2")
    load_in_batches(full, batches, build_each=False)
    full.run("build", "--as-of", as_of, "--skip-validation", "--full-refresh")
    got, expected = snapshot(incremental), snapshot(full)
    for name in MARTS:
        assert got[name] == expected[name], f"{name} differs between incremental and full refresh"
    return full


def test_incremental_builds_equal_a_full_refresh(batches, built_in_batches, tmp_path):
    incremental = copy_of(built_in_batches, tmp_path)
    full = assert_equals_a_full_refresh(incremental, batches, tmp_path, PROJECT_DIR, "2026-10-31")
    # The batches really exercised the hard cases.
    reasons = dict(full.query("select reason, count(*) from marts.data_quality_rejects group by reason"))
    assert reasons == {"duplicate_event_id": 25}
    assert full.scalar("select count(*) from marts.lead_scores where lead_id = 'L000000999'") == 2
    late_points = full.scalar("select count(*) from marts.lead_score_components where rule_id = 'eng_trial_request' "
                              "and cast(last_event_at as date) = date '2025-11-20'")
    assert late_points > 0
    assert full.scalar("select job_title from intermediate.int_leads_enriched "
                         "inner join intermediate.int_lead_versions_in_effect using (lead_id, lead_version) "
                         "where lead_id = 'L000000000'") == "CEO"
    assert full.scalar("select stage from marts.lead_stage where lead_id = 'L000000003' limit 1") == "customer"
    # The incremental state holds one partial per batch, not one copy of everything per build.
    batches_in_state = incremental.scalar("select count(distinct batch_loaded_at) from intermediate.int_event_rule_matches_daily")
    assert batches_in_state == 3
    # The last build recorded what the third batch changed, and only that.
    runs = incremental.query("select as_of, dates_scored, history_changes from marts.scoring_runs order by run_number")
    assert [run[:2] for run in runs] == [(date(2026, 10, 31), 1)] * 3
    assert runs[0][2] == 600  # 300 leads x 2 scoring models, all new
    assert 0 < runs[-1][2] < 600


@pytest.mark.parametrize("later", [
    pytest.param("2026-11-01", id="a_day_later", marks=pytest.mark.slow),
    pytest.param("2026-12-01", id="a_month_later", marks=pytest.mark.slow),
])
def test_as_of_moving_forward_equals_a_full_refresh(batches, built_in_batches, tmp_path, later):
    """The daily refresh: data built as of one date, then the next build's as_of moves on."""
    incremental = copy_of(built_in_batches, tmp_path)
    incremental.run("build", "--as-of", later, "--skip-validation")
    full = assert_equals_a_full_refresh(incremental, batches, tmp_path, PROJECT_DIR, later)
    # Decay really moved the scores between the two dates.
    moved = incremental.scalar(f"select count(*) from marts.lead_score_history where as_of = date '{later}'")
    assert moved > 0
    assert full.scalar("select max(as_of) from marts.lead_scores") == date.fromisoformat(later)


@pytest.mark.slow
def test_a_rule_matching_change_rebuilds_the_state(batches, tmp_path):
    project = copy_project(tmp_path / "project")
    runner = Runner(project, tmp_path / "w.duckdb", tmp_path / "r")
    data = batches["data"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(data / "events.csv"), "--loaded-at", STAMPS[0])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    rules = project / "seeds" / "engagement_rules.csv"
    rules.write_text(rules.read_text().replace("page_view,/pricing,,,,per_event", "page_view,/features,,,,per_event"))
    completed = runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert "rebuilding it from all the data (--full-refresh)" in completed.stdout
    assert "the engagement rules now match differently than when the incremental state was built" in completed.stdout
    assert runner.scalar("select count(*) from marts.lead_score_components where rule_id = 'eng_pricing_page' "
                         "and evidence_value is null and event_count > 0") > 0
    incremental = snapshot(runner)
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation", "--full-refresh")
    assert snapshot(runner) == incremental


@pytest.mark.slow
def test_the_predictive_event_state_appends_each_batch_and_rebuilds_a_table_from_before_it_was_kept(
        batches, tmp_path):
    """int_predictive_daily_events adds the partial counts of each new batch, events of a lead not loaded yet
    included, and a table left by an earlier version of the project (no watermark) is rebuilt, not misread."""
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    data, files = batches["data"], batches["files"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(files[0]), "--loaded-at", STAMPS[0])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    # As an earlier version left it: the same counts, no batch_loaded_at.
    with duckdb.connect(str(runner.database)) as con:
        con.execute("create or replace table intermediate.int_predictive_daily_events as "
                    "select lead_id, event_type, occurred_on, events from intermediate.int_predictive_daily_events")
    runner.run("load", "--events", str(files[1]), "--mode", "append", "--loaded-at", STAMPS[1])
    completed = runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert "a kept table was built by an earlier version of this project" in completed.stdout
    assert "rebuilding it from all the data (--full-refresh)" in completed.stdout
    # Batch 3 without its new lead: L000000999's event waits for a lead that is not loaded.
    runner.run("load", "--events", str(files[2]), "--mode", "append", "--loaded-at", STAMPS[2])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    # The third build appended batch 3's partial counts only: a row per lead, type and day it has events on.
    state = "intermediate.int_predictive_daily_events"
    assert runner.scalar(f"select count(*) from {state} where batch_loaded_at = '{STAMPS[2]}'") == runner.scalar(
        "select count(*) from (select distinct lead_id, event_type, occurred_on from "
        f"intermediate.int_events_deduplicated where loaded_at = '{STAMPS[2]}')")
    assert runner.query(f"select events, cast(batch_loaded_at as varchar) from {state} "
                        "where lead_id = 'L000000999'") == [(1, STAMPS[2])]
    # Summed, the state counts every accepted event once, whichever build added it.
    summed = "select lead_id, event_type, occurred_on, sum({n}) from {t} group by all order by all"
    assert runner.query(summed.format(n="events", t=state)) == runner.query(
        summed.format(n="1", t="intermediate.int_events_deduplicated"))
    # A type seen only on a pending lead's event is kept in the state but is no feature, and no refit.
    settings = "select settings_fingerprint from intermediate.int_predictive_training_settings"
    before = runner.scalar(settings)
    pending = write_csv(tmp_path / "pending.csv", ["event_id", "lead_id", "event_type", "occurred_at"],
                        [["PENDING_E1", "L_PENDING", "podcast_listen", "2026-10-30 08:00:00"]])
    runner.run("load", "--events", str(pending), "--mode", "append", "--loaded-at", "2026-11-01 04:00:00")
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert runner.query(f"select event_type, events from {state} where lead_id = 'L_PENDING'") == [
        ("podcast_listen", 1)]
    assert runner.scalar(settings) == before
    assert runner.scalar("select count(*) from intermediate.int_predictive_feature_values "
                         "where feature_name like 'podcast_listen%'") == 0


@pytest.mark.slow
def test_a_backfill_rebuilds_a_kept_table_from_an_earlier_version_and_keeps_the_history(batches, tmp_path):
    """Backfill (and backtest, through the same build) rebuilds stale kept state as build does, not stop."""
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    data, files = batches["data"], batches["files"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(files[0]), "--loaded-at", STAMPS[0])
    runner.run("build", "--as-of", "2026-10-15", "--skip-validation")
    recorded = runner.scalar("select count(*) from marts.lead_score_history")
    with duckdb.connect(str(runner.database)) as con:
        con.execute("create or replace table intermediate.int_predictive_daily_events as "
                    "select lead_id, event_type, occurred_on, events from intermediate.int_predictive_daily_events")
    runner.run("load", "--events", str(files[1]), "--mode", "append", "--loaded-at", STAMPS[1])
    completed = runner.run("backfill", "--from", "2026-10-22", "--to", "2026-10-31", "--every", "9d")
    assert "a kept table was built by an earlier version of this project" in completed.stdout
    assert "rebuilding it from all the data (--full-refresh)" in completed.stdout
    # Rebuilt with its watermark, from both batches; the history kept the first build's rows and added the dates.
    assert runner.scalar("select cast(max(batch_loaded_at) as varchar) from "
                         "intermediate.int_predictive_daily_events") == STAMPS[1]
    assert runner.query("select cast(as_of as varchar), count(*) > 0 from marts.lead_score_history "
                        "group by as_of order by as_of") == [
        ("2026-10-15", True), ("2026-10-22", True), ("2026-10-31", True)]
    assert runner.scalar("select count(*) from marts.lead_score_history where as_of = '2026-10-15'") == recorded


def test_an_append_stamped_before_the_last_load_is_refused(batches, tmp_path):
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    data = batches["data"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(batches["files"][0]), "--loaded-at", STAMPS[1])
    completed = runner.run("load", "--events", str(batches["files"][1]), "--mode", "append",
                           "--loaded-at", STAMPS[0], expect=2)
    assert "is not after the latest load of raw.events" in completed.stderr


@pytest.mark.slow
def test_each_raw_event_is_classified_once_and_a_late_lead_claims_its_events(batches, tmp_path):
    """One pass over new rows: every raw row has exactly one classified row, whatever the batches held,
    and an event that arrives before its lead is a reject (with its raw values) only until the lead does."""
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    data, files = batches["data"], batches["files"]
    with files[0].open() as handle:
        header = next(csv.reader(handle))
    early_event = write_csv(tmp_path / "early.csv", header,
                            [["EARLY1", "L000000999", "demo_request", "2026-10-20 09:00:00", "", "", "", ""]])
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(files[0]), "--loaded-at", STAMPS[0])
    runner.run("load", "--events", str(early_event), "--mode", "append", "--loaded-at", STAMPS[1])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    # Batch 1 had no rejected row at all; the early event's lead is not loaded.
    early = runner.query("select reason, raw_record from marts.data_quality_rejects where source_table = 'events'")
    assert [(reason, json.loads(raw)["event_id"]) for reason, raw in early] == [("unknown_lead", "EARLY1")]

    runner.run("load", "--events", str(files[1]), "--leads", str(batches["new_lead"]), "--mode", "append",
               "--loaded-at", STAMPS[2])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    raw_rows = runner.scalar("select count(*) from raw.events")
    assert raw_rows == 4800 + 1 + 900 + 25 + 10
    # Neither batch was read twice, nor a row left out.
    assert runner.scalar("select count(*) from intermediate.int_events_classified") == raw_rows
    assert runner.scalar("select count(distinct source_file || ':' || source_row) "
                         "from intermediate.int_events_classified") == raw_rows
    reasons = dict(runner.query("select reason, count(*) from marts.data_quality_rejects "
                                "where source_table = 'events' group by reason"))
    assert reasons == {"duplicate_event_id": 25}, "the lead loaded later claims EARLY1 back"
    assert runner.scalar("select count(*) from marts.lead_score_components where lead_id = 'L000000999' "
                         "and rule_id = 'eng_demo_request'") == 1
    events = runner.query("select raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary "
                          "where source_table = 'events'")
    assert events == [(raw_rows, raw_rows - 25, 25)]


def training_table_kept(runner: Runner, model: str) -> bool:
    """Whether the last build kept a predictive training table: its compiled SQL selects nothing new."""
    compiled = runner.database.parent / f"{runner.database.stem}-target" / "compiled" / "leadscore" / "models"
    sql = " ".join((compiled / "intermediate" / "predictive" / f"{model}.sql").read_text().split())
    return sql.endswith(f"intermediate\".\"{model}\" where 1 = 0")


TRAINING_TABLES = ("int_predictive_feature_values", "int_predictive_bins", "int_predictive_observation_bins")


@pytest.mark.slow
def test_a_refresh_keeps_the_predictive_training_tables_until_their_inputs_change(tmp_path):
    """The daily refresh: new events and as_of a day on (same training week) reuse the training tables;
    a late conversion of a training lead rebuilds them. Either way the marts equal a full refresh."""
    data = tmp_path / "data"
    scratch = Runner(PROJECT_DIR, tmp_path / "unused.duckdb", tmp_path / "r0")
    scratch.run("generate", "--leads", "2000", "--events", "20000", "--out", str(data))
    with (data / "events.csv").open() as handle:
        header = next(csv.reader(handle))
    with (data / "conversions.csv").open() as handle:
        converted = {row[0] for row in csv.reader(handle)}
    with (data / "leads.csv").open() as handle:
        reader = csv.DictReader(handle)
        # Created in 2025, so its 90-day window closed long before the training date; never converted.
        training_lead = next(row["lead_id"] for row in reader
                             if row["created_at"] < "2025-12-01" and row["lead_id"] not in converted)
    new_events = write_csv(tmp_path / "new_events.csv", header,
                           [[f"NEW{k}", f"L{k:09d}", "page_view", "2026-11-01 09:00:00", "/pricing", "", "", ""]
                            for k in range(20)])
    late_conversion = write_csv(tmp_path / "late_conversion.csv", ["lead_id", "converted_at", "outcome"],
                                [[training_lead, "2025-12-15", "won"]])

    def load(runner: Runner, step: int):
        if step == 0:
            runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(data / "events.csv"),
                       "--conversions", str(data / "conversions.csv"), "--loaded-at", STAMPS[0])
        if step == 1:
            runner.run("load", "--events", str(new_events), "--mode", "append", "--loaded-at", STAMPS[1])
        if step == 2:
            runner.run("load", "--conversions", str(late_conversion), "--mode", "append", "--loaded-at", STAMPS[2])

    def equals_full_refresh(incremental: Runner, steps: int, as_of: str):
        full = Runner(PROJECT_DIR, tmp_path / f"full{steps}.duckdb", tmp_path / f"rf{steps}")
        for step in range(steps):
            load(full, step)
        full.run("build", "--as-of", as_of, "--skip-validation", "--full-refresh")
        assert snapshot(incremental) == snapshot(full)

    runner = Runner(PROJECT_DIR, tmp_path / "daily.duckdb", tmp_path / "r1")
    load(runner, 0)
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert runner.scalar("select count(*) from marts.lead_scores where scoring_model = 'predicted_conversion'") == 2000
    fit = runner.scalar("select intercept from intermediate.int_predictive_model")

    # A day on (Saturday to Sunday: the training week starts Monday 26 Oct), new events: nothing to retrain.
    load(runner, 1)
    runner.run("build", "--as-of", "2026-11-01", "--skip-validation")
    for model in TRAINING_TABLES:
        assert training_table_kept(runner, model), f"{model} was recomputed"
    assert runner.scalar("select count(*) from intermediate.int_predictive_observation_bins") > 0
    equals_full_refresh(runner, 2, "2026-11-01")

    # A training lead turns out won: its label changes, so the training tables are rebuilt, and the model refit.
    load(runner, 2)
    runner.run("build", "--as-of", "2026-11-01", "--skip-validation")
    for model in TRAINING_TABLES:
        assert not training_table_kept(runner, model), f"{model} was kept"
    assert runner.scalar("select intercept from intermediate.int_predictive_model") != fit
    equals_full_refresh(runner, 3, "2026-11-01")


@pytest.mark.slow
def test_the_fit_state_adds_new_lead_versions_and_rebuilds_when_its_inputs_change(batches, tmp_path):
    """int_leads_enriched and int_fit_rules_matched are kept: a build adds only lead versions it has not seen;
    a fit rule edit rematches every version, an enrichment seed edit or a rebuilt enrichment re-enriches and
    rematches every version, in that build, and the marts equal a full refresh throughout."""
    project = copy_project(tmp_path / "project")
    runner = Runner(project, tmp_path / "w.duckdb", tmp_path / "r")
    data = batches["data"]

    def state(model: str) -> dict:
        return dict(runner.query(f"select cast(state_added_at as varchar) || ' ' || state_fingerprint, count(*) "
                                 f"from intermediate.{model} group by 1"))

    def load(target: Runner, steps: int):
        target.run("load", "--leads", str(data / "leads.csv"), "--events", str(batches["files"][0]),
                   "--loaded-at", STAMPS[0])
        if steps > 1:
            target.run("load", "--leads", str(batches["new_lead"]), "--mode", "append", "--loaded-at", STAMPS[1])

    def assert_equals_a_full_refresh(label: str, steps: int):
        full = Runner(project, tmp_path / f"full_{label}.duckdb", tmp_path / f"rf_{label}")
        load(full, steps)
        full.run("build", "--as-of", "2026-10-31", "--skip-validation", "--full-refresh")
        assert snapshot(runner) == snapshot(full), f"{label}: the marts differ from a full refresh"

    load(runner, 1)
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    first_enriched, first_matched = state("int_leads_enriched"), state("int_fit_rules_matched")
    assert list(first_enriched.values()) == [300] and len(first_matched) == 1

    # A new lead and a new version of L000000000: two rows added, the first build's rows kept as they were.
    runner.run("load", "--leads", str(batches["new_lead"]), "--mode", "append", "--loaded-at", STAMPS[1])
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    enriched, matched = state("int_leads_enriched"), state("int_fit_rules_matched")
    assert sorted(enriched.values()) == [2, 300] and first_enriched.items() <= enriched.items()
    assert first_matched.items() <= matched.items() and len(matched) == 2
    assert runner.scalar("select count(*) from intermediate.int_fit_rules_matched where lead_id = 'L000000000' "
                         "and rule_id = 'fit_seniority_c_level'") == 1  # the CEO version
    assert_equals_a_full_refresh("appended", 2)

    # A fit rule's points change: every version is matched again; the enrichment is kept.
    rules = project / "seeds" / "fit_rules.csv"
    rules.write_text(rules.read_text().replace("fit_seniority_c_level,C-level,fit,seniority,equals,c_level,,30,",
                                               "fit_seniority_c_level,C-level,fit,seniority,equals,c_level,,35,"))
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert state("int_leads_enriched") == enriched
    rematched = state("int_fit_rules_matched")
    assert len({key.split(" ")[-1] for key in rematched}) == 1 and not rematched.keys() & matched.keys()
    assert sum(rematched.values()) == sum(matched.values())
    assert runner.scalar("select raw_points from marts.lead_score_components where lead_id = 'L000000000' "
                         "and rule_id = 'fit_seniority_c_level'") == 35

    # The enrichment's code changes (an upgrade): it is rebuilt, and the matches with it, not appended to.
    model = project / "models" / "intermediate" / "int_leads_enriched.sql"
    model.write_text(model.read_text() + "\n-- an upgrade\n")
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    reenriched = state("int_leads_enriched")
    assert list(reenriched.values()) == [302] and not reenriched.keys() & enriched.keys()
    assert sum(state("int_fit_rules_matched").values()) == sum(rematched.values())

    # A company domain listed as personal: every version is enriched again, in this build.
    domain, leads_on_it = runner.query(
        "select email_domain, count(*) from staging.stg_crm__leads where email_domain is not null "
        "and email_domain not in (select lower(trim(email_domain)) from rules.personal_email_domains) "
        "group by 1 order by 2 desc, 1 limit 1")[0]

    def personal_on_domain() -> int:
        return runner.scalar("select count(*) from intermediate.int_leads_enriched as enriched "
                             "inner join staging.stg_crm__leads using (lead_id, lead_version) "
                             f"where enriched.email_domain = '{domain}' and enriched.is_personal_email")

    assert personal_on_domain() == 0
    personal = project / "seeds" / "personal_email_domains.csv"
    personal.write_text(personal.read_text().rstrip("\n") + f"\n{domain}\n")
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert personal_on_domain() == leads_on_it > 0
    assert list(state("int_leads_enriched").values()) == [302]
    assert_equals_a_full_refresh("edited", 2)


def test_a_replace_load_drops_the_kept_fit_state(batches, tmp_path):
    """A replace load empties raw, so the kept fit state goes with it (a full refresh would not know the old rows)."""
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    data = batches["data"]
    runner.run("load", "--leads", str(data / "leads.csv"), "--events", str(batches["files"][0]))
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert runner.scalar("select count(*) from intermediate.int_leads_enriched") == 300
    runner.run("load", "--leads", str(batches["new_lead"]), "--events", str(batches["files"][2]))
    tables = {row[0] for row in runner.query("select table_schema || '.' || table_name from information_schema.tables")}
    assert not {"intermediate.int_leads_enriched", "intermediate.int_fit_rules_matched"} & tables
