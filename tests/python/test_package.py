"""leadscore as a dbt package (issue 19): integration_tests/ installs it with `local: ../`, over typed raw tables
of its own in another schema under other names, without loader columns, and with its own copy of a rules seed.
Its marts must equal the project's own build on the same data."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, Runner

# A full build in each of two projects (about four minutes): CI runs it, `make test` locally leaves it out.
pytestmark = pytest.mark.slow

CONSUMER = PROJECT_DIR / "integration_tests"
DBT = Path(sys.executable).parent / "dbt"
# The consumer's CRM sync, as its vars name it (integration_tests/dbt_project.yml).
RAW_TABLES = {"leads": "crm_sync.crm_leads", "events": "crm_sync.crm_activities", "conversions": "crm_sync.crm_deals"}
COMPARED = {
    "lead_scores": "select lead_score_id, score, conversion_probability, grade, stage, top_reasons from marts.lead_scores",
    # Points are sums of doubles: equal to 9 decimals, not to the last bit.
    "components": "select component_id, round(points, 9) from marts.lead_score_components",
    "quality": "select source_table, raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary",
    "predictive": "select scoring_model, status, training_leads, holdout_auc from marts.predictive_model_summary",
}


def dbt(*args: str, database: Path, tmp: Path, expect_success: bool = True) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [str(DBT), *args, "--project-dir", str(CONSUMER), "--profiles-dir", str(CONSUMER)],
        cwd=CONSUMER, capture_output=True, text=True, timeout=900,
        env={"PATH": str(DBT.parent), "HOME": str(tmp), "LEADSCORE_IT_DUCKDB": str(database),
             "DBT_TARGET_PATH": str(tmp / "consumer-target"), "DBT_LOG_PATH": str(tmp / "consumer-logs"),
             "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    if expect_success and completed.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} exited {completed.returncode}\n{completed.stdout[-4000:]}")
    return completed


def rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("package")
    data = tmp / "data"
    project = Runner(PROJECT_DIR, tmp / "project.duckdb", tmp / "reports")
    project.run("generate", "--leads", "800", "--events", "12000", "--out", str(data), "--seed", "5")
    project.load(data)
    project.run("build", "--skip-validation")
    consumer = tmp / "consumer.duckdb"
    with duckdb.connect(str(consumer)) as con:
        con.execute("create schema crm_sync")
        for name, table in RAW_TABLES.items():
            # Typed as a warehouse would hold them: DuckDB infers dates, timestamps and numbers.
            con.execute(f"create table {table} as select * from read_csv_auto(?)", [str(data / f"{name}.csv")])
    dbt("deps", database=consumer, tmp=tmp)
    build = dbt("build", database=consumer, tmp=tmp)
    return project.database, consumer, build, tmp


def test_the_consumers_raw_tables_are_typed_and_have_no_loader_columns(builds):
    _, consumer, _, _ = builds
    types = dict(rows(consumer, "select table_name || '.' || column_name, data_type from information_schema.columns "
                                "where table_schema = 'crm_sync'"))
    assert types["crm_activities.occurred_at"] == "TIMESTAMP"
    assert types["crm_leads.employees"] == "BIGINT"
    assert types["crm_leads.created_at"] in ("DATE", "TIMESTAMP")
    assert not [name for name in types if name.split(".")[1].startswith("_")]


def test_the_package_builds_and_tests_green_in_the_consumer(builds):
    _, consumer, build, _ = builds
    assert "Completed successfully" in build.stdout
    # The consumer's own model reads the package's public mart by a two-argument ref.
    assert rows(consumer, "select count(*) from analytics.crm_lead_scores") == \
        rows(consumer, "select count(*) from marts.lead_scores") != [(0,)]
    # Its own copy of stage_thresholds replaced the package's (which is switched off).
    assert rows(consumer, "select count(*) from analytics_rules.stage_thresholds") == [(9,)]
    assert rows(consumer, "select count(*) from information_schema.tables where table_schema = 'rules' "
                          "and table_name = 'stage_thresholds'") == [(0,)]


@pytest.mark.parametrize("name", sorted(COMPARED))
def test_the_consumers_marts_equal_the_projects_own(builds, name):
    project, consumer, _, _ = builds
    expected = rows(project, COMPARED[name])
    assert expected, name
    assert rows(consumer, COMPARED[name]) == expected


def test_a_loaded_at_column_the_tables_lack_is_named_in_one_line(builds):
    _, consumer, _, tmp = builds
    completed = dbt("build", "--select", "base_crm__events", "--vars", "{leadscore_loaded_at_column: synced_at}",
                    database=consumer, tmp=tmp, expect_success=False)
    assert completed.returncode != 0
    assert "has no column 'synced_at' (var leadscore_loaded_at_column)" in completed.stdout
