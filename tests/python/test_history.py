"""Scores over time: point-in-time builds, the change history, stage transitions, backfill, the change feed."""

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, Runner

LEAD_HEADER = ["lead_id", "email", "first_name", "last_name", "job_title", "company_name", "employees",
               "industry", "country", "created_at", "updated_at"]
EVENT_HEADER = ["event_id", "lead_id", "event_type", "occurred_at", "url", "email_type", "duration_seconds",
                "session_id"]
HISTORY_ROWS = ("select change_seq, lead_id, scoring_model, change_type, previous_score, score, score_delta, "
                "previous_stage, stage, cast(as_of as varchar) from marts.lead_score_history "
                "where scoring_model = 'b2b_default' order by change_seq")


def write_csv(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def lead(lead_id, title, created, updated, employees="250", country="BR", first="Ana", last="Silva"):
    return [lead_id, f"{first.lower()}.{lead_id.lower()}@acme.com", first, last, title, "Acme Ltd", employees,
            "Software", country, created, updated]


@pytest.fixture
def scenario(tmp_path):
    """A: a CEO whose later version (2026-10-05) is an intern. B: a VP who asks for a demo on 2026-10-07.
    D: created on 2026-10-05. So as of 2026-10-01 the world has A (as CEO) and B only."""
    leads = [
        lead("A", "CEO", "2026-09-01", "2026-09-01"),
        lead("A", "Intern", "2026-09-01", "2026-10-05"),
        lead("B", "VP Sales", "2026-09-01", "2026-09-01", first="Bruno", last="Costa"),
        lead("D", "Director", "2026-10-05", "2026-10-05", first="Davi", last="Lima"),
    ]
    files = {
        "leads": write_csv(tmp_path / "leads.csv", LEAD_HEADER, leads),
        "events_1": write_csv(tmp_path / "events_1.csv", EVENT_HEADER,
                              [["E1", "A", "page_view", "2026-09-20 10:00:00", "/blog", "", "", ""]]),
        "events_2": write_csv(tmp_path / "events_2.csv", EVENT_HEADER, [
            ["E2", "B", "demo_request", "2026-10-07 10:00:00", "/demo", "", "", ""],
            ["E3", "B", "trial_request", "2026-10-07 11:00:00", "/trial", "", "", ""],
            ["E4", "B", "page_view", "2026-10-07 11:05:00", "/pricing", "", "", ""],
        ]),
        "leads_replaced": write_csv(tmp_path / "leads_replaced.csv", LEAD_HEADER, [leads[0], leads[1], leads[3]]),
    }
    return Runner(PROJECT_DIR, tmp_path / "warehouse.duckdb", tmp_path / "reports"), files


# Each lead's last history row and when its score and stage last changed, computed the long way.
LAST_ROWS_FROM_HISTORY = """
    select scoring_model, lead_id, change_seq, change_type, score, stage, run_id,
        (select max(scored_at) from marts.lead_score_history as earlier
         where earlier.scoring_model = history.scoring_model and earlier.lead_id = history.lead_id
             and (earlier.change_type = 'insert'
                  or (earlier.change_type = 'update' and earlier.score <> earlier.previous_score))),
        (select max(scored_at) from marts.lead_score_history as earlier
         where earlier.scoring_model = history.scoring_model and earlier.lead_id = history.lead_id
             and (earlier.change_type = 'insert'
                  or (earlier.change_type = 'update' and coalesce(earlier.stage, '') <> coalesce(earlier.previous_stage, ''))))
    from marts.lead_score_history as history
    where change_seq = (select max(change_seq) from marts.lead_score_history as later
                        where later.scoring_model = history.scoring_model and later.lead_id = history.lead_id)
    order by scoring_model, lead_id"""
LAST_ROWS_INDEXED = ("select scoring_model, lead_id, change_seq, change_type, score, stage, run_id, score_changed_at, "
                     "stage_changed_at from marts.lead_score_history__latest order by scoring_model, lead_id")


def assert_index_matches_history(runner: Runner) -> None:
    """The history's index of each lead's last row is what the whole history says, and lead_scores reads it."""
    indexed = runner.query(LAST_ROWS_INDEXED)
    assert indexed == runner.query(LAST_ROWS_FROM_HISTORY) and indexed
    changed_at = {(row[0], row[1]): row[7:] for row in indexed}
    for model, lead_id, score_changed_at, stage_changed_at in runner.query(
            "select scoring_model, lead_id, score_changed_at, stage_changed_at from marts.lead_scores"):
        assert changed_at[(model, lead_id)] == (score_changed_at, stage_changed_at)


def scores(runner: Runner) -> dict:
    return {row[0]: row[1:] for row in runner.query(
        "select lead_id, score, stage from marts.lead_scores where scoring_model = 'b2b_default'")}


@pytest.mark.slow
def test_history_records_inserts_updates_and_tombstones_once(scenario, tmp_path):
    runner, files = scenario
    runner.run("load", "--leads", files["leads"], "--events", files["events_1"], "--loaded-at", "2026-10-10 06:00:00")

    # Build 1, as of 2026-10-01: point in time. D does not exist yet, A is still the CEO.
    runner.run("build", "--as-of", "2026-10-01", "--skip-validation")
    first = scores(runner)
    assert sorted(first) == ["A", "B"]
    assert runner.scalar("select job_title from intermediate.int_leads_enriched "
                         "inner join intermediate.int_lead_versions_in_effect using (lead_id, lead_version) "
                         "where lead_id = 'A'") == "CEO"

    # Build 2, as of 2026-10-08, after B's demo and trial requests are appended.
    runner.run("load", "--events", files["events_2"], "--mode", "append", "--loaded-at", "2026-10-10 07:00:00")
    runner.run("build", "--as-of", "2026-10-08", "--skip-validation")
    second = scores(runner)
    assert sorted(second) == ["A", "B", "D"]
    assert second["A"][0] < first["A"][0]  # the intern version scores less than the CEO did
    assert second["B"][0] > first["B"][0] and second["B"][1] != first["B"][1]

    assert_index_matches_history(runner)
    with duckdb.connect(str(runner.database)) as connection:
        connection.execute("create table main.index_after_build_2 as select * from marts.lead_score_history__latest")

    # Build 3: a replace load without B; B disappears.
    runner.run("load", "--leads", files["leads_replaced"], "--events", files["events_1"],
               "--loaded-at", "2026-10-10 08:00:00")
    runner.run("build", "--as-of", "2026-10-08", "--skip-validation")
    assert sorted(scores(runner)) == ["A", "D"]
    assert_index_matches_history(runner)
    assert runner.scalar("select change_type from marts.lead_score_history__latest "
                         "where scoring_model = 'b2b_default' and lead_id = 'B'") == "delete"

    (a1, a1_stage), (b1, b1_stage) = first["A"], first["B"]
    (a2, a2_stage), (b2, b2_stage), (d2, d2_stage) = second["A"], second["B"], second["D"]
    history = runner.query(HISTORY_ROWS)
    # change_seq counts both scoring models; this reads b2b_default's rows in cursor order.
    assert [row[1:] for row in history] == [
        ("A", "b2b_default", "insert", None, a1, a1, None, a1_stage, "2026-10-01"),
        ("B", "b2b_default", "insert", None, b1, b1, None, b1_stage, "2026-10-01"),
        ("A", "b2b_default", "update", a1, a2, pytest.approx(a2 - a1), a1_stage, a2_stage, "2026-10-08"),
        ("B", "b2b_default", "update", b1, b2, pytest.approx(b2 - b1), b1_stage, b2_stage, "2026-10-08"),
        ("D", "b2b_default", "insert", None, d2, d2, None, d2_stage, "2026-10-08"),
        ("B", "b2b_default", "delete", b2, None, pytest.approx(-b2), b2_stage, None, "2026-10-08"),
    ]
    sequence = [row[0] for row in runner.query("select change_seq from marts.lead_score_history order by change_seq")]
    assert sequence == list(range(1, len(sequence) + 1))

    # B's stage change is a transition, with the days it spent in its first stage.
    transitions = runner.query(
        "select lead_id, from_stage, to_stage, cast(transitioned_on as varchar), days_in_from_stage "
        "from marts.lead_stage_transitions where scoring_model = 'b2b_default' and lead_id = 'B' order by change_seq")
    assert transitions == [("B", None, b1_stage, "2026-10-01", None), ("B", b1_stage, b2_stage, "2026-10-08", 7)]
    changed_at = runner.query("select score_changed_at, stage_changed_at from marts.lead_scores "
                              "where lead_id = 'D' and scoring_model = 'b2b_default'")[0]
    assert changed_at[0] is not None and changed_at[0] == changed_at[1]

    # A fourth identical build adds nothing; nor does --full-refresh, which keeps the history.
    # The index a build behind (as if build 3's post-hook had failed), then dropped: the build reads the
    # whole history for the last states and brings the index up to date.
    rows = len(sequence)
    with duckdb.connect(str(runner.database)) as connection:
        connection.execute("drop table marts.lead_score_history__latest")
        connection.execute("create table marts.lead_score_history__latest as select * from main.index_after_build_2")
    runner.run("build", "--as-of", "2026-10-08", "--skip-validation")
    assert_index_matches_history(runner)
    with duckdb.connect(str(runner.database)) as connection:
        connection.execute("drop table marts.lead_score_history__latest")
    runner.run("build", "--as-of", "2026-10-08", "--skip-validation", "--full-refresh")
    assert runner.scalar("select count(*) from marts.lead_score_history") == rows
    assert [run[0] for run in runner.query("select history_changes from marts.scoring_runs order by run_number")][-2:] \
        == [0, 0]
    assert_index_matches_history(runner)

    # A build as of an earlier date scores it but does not rewrite the past.
    completed = runner.run("build", "--as-of", "2026-10-01", "--skip-validation")
    assert runner.scalar("select count(*) from marts.lead_score_history") == rows
    assert "history not written" in completed.stdout

    # The change feed after a cursor, and the cursor it hands back.
    out = tmp_path / "changes.csv"
    completed = runner.run("export", "--changes-since", "6", "--out", str(out), "--allow-unvalidated")
    with out.open() as handle:
        exported = list(csv.DictReader(handle))
    assert [int(row["change_seq"]) for row in exported] == list(range(7, rows + 1))
    assert f"next cursor: --changes-since {rows}" in completed.stdout
    completed = runner.run("export", "--changes-since", str(rows), "--out", str(tmp_path / "none.parquet"),
                           "--allow-unvalidated")
    assert f"the cursor stays at {rows}" in completed.stdout

    # The history's key tests check the rows the last build appended, not the whole history: a duplicate
    # among the first build's rows is not looked at again; one among the last build's rows fails the test.
    def copy_history_row(change_seq: int) -> None:
        with duckdb.connect(str(runner.database)) as connection:
            connection.execute("insert into marts.lead_score_history "
                               f"select * from marts.lead_score_history where change_seq = {change_seq}")

    def test_history_keys(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "--no-use-colors", "test", "--select",
             "lead_score_history,test_name:unique_combination", "--project-dir", str(PROJECT_DIR),
             "--profiles-dir", str(PROJECT_DIR), *extra],
            cwd=PROJECT_DIR, env=runner.env, capture_output=True, text=True, timeout=600)

    copy_history_row(1)
    completed = test_history_keys()
    assert completed.returncode == 0 and "PASS unique_combination_lead_score_history_change_seq__change_seq__scored_at" \
        in completed.stdout, completed.stdout[-3000:]
    # ... unless asked to check every row (a backfill's closing build does: its runs append untested).
    completed = test_history_keys("--vars", "{test_whole_tables: true}")
    assert completed.returncode == 1 and "FAIL 1 unique_combination_lead_score_history_change_seq__change_seq__scored_at" \
        in completed.stdout, completed.stdout[-3000:]
    copy_history_row(rows)
    completed = test_history_keys()
    assert completed.returncode == 1 and "FAIL 1 unique_combination_lead_score_history_change_seq__change_seq__scored_at" \
        in completed.stdout, completed.stdout[-3000:]

    # lead_scores built alone with no index (dropped, and the history not rebuilt): the same change times,
    # read from the whole history.
    changed_at_query = ("select scoring_model, lead_id, score_changed_at, stage_changed_at from marts.lead_scores "
                        "order by scoring_model, lead_id")
    before = runner.query(changed_at_query)
    with duckdb.connect(str(runner.database)) as connection:
        connection.execute("drop table marts.lead_score_history__latest")
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--no-use-colors", "run", "--select", "lead_scores",
         "--vars", "{as_of: '2026-10-01'}", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR, env=runner.env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0 and "reading the whole history" in completed.stdout, completed.stdout[-3000:]
    assert runner.query(changed_at_query) == before and before
