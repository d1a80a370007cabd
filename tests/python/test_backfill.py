"""Backfill fills the history as if a build had run on each past date."""

from datetime import date

import pytest

from conftest import PROJECT_DIR, Runner


def history_without_build_stamps(runner: Runner) -> list[tuple]:
    return runner.query("select * exclude (scored_at, run_id) from marts.lead_score_history order by change_seq")


def backfill_equals_daily_builds(tmp_path, every: str, step_days: int):
    data = tmp_path / "data"
    builds = Runner(PROJECT_DIR, tmp_path / "builds.duckdb", tmp_path / "r1")
    # The daily builds are the yardstick, not the subject: they skip dbt's data tests
    # (the backfill below runs them, and so does every other suite).
    builds.env["DBT_EXCLUDE_RESOURCE_TYPES"] = "test"
    builds.run("generate", "--leads", "150", "--events", "3000", "--out", str(data), "--seed", "5")
    backfilled = Runner(PROJECT_DIR, tmp_path / "backfill.duckdb", tmp_path / "r2")
    for runner in (builds, backfilled):
        runner.load(data)
    first, last = date(2026, 10, 3), date(2026, 11, 1)
    days = [date.fromordinal(first.toordinal() + offset) for offset in range(0, 30, step_days)]
    days = days if days[-1] == last else [*days, last]
    for day in days:
        built = builds.run("build", "--as-of", day.isoformat(), "--skip-validation")
        # dbt's variable is honoured beside the runner's own exclusion of unit tests.
        assert "dbt build: seeds 11/11, models " in built.stdout and "tests" not in built.stdout.splitlines()[0]
    completed = backfilled.run("backfill", "--from", first.isoformat(), "--to", last.isoformat(), "--every", every)
    assert f"backfill: {len(days)} dates from {first} to {last}" in completed.stdout
    expected = history_without_build_stamps(builds)
    assert len({row[-1] for row in expected}) > 1  # changes on more than one date
    assert history_without_build_stamps(backfilled) == expected
    transitions = "select * from marts.lead_stage_transitions order by change_seq"
    assert backfilled.query(transitions) == builds.query(transitions)
    # Backfilling again over recorded dates is refused, with the way out.
    refused = backfilled.run("backfill", "--from", first.isoformat(), expect=2)
    assert "--reset-history" in refused.stderr


@pytest.mark.slow
def test_backfill_every_10_days_equals_builds_on_those_days(tmp_path):
    backfill_equals_daily_builds(tmp_path, "10d", 10)


@pytest.mark.slow
def test_backfill_of_30_days_equals_30_daily_builds(tmp_path):
    backfill_equals_daily_builds(tmp_path, "1d", 1)
