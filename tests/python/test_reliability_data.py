"""Hostile but realistic input files (issue 14): each family of defect a probe found, pinned by a test.

One warehouse is built from files a user could really send: decimal and
grouped numbers, RFC 4180 doubled quotes, a ragged line, a non-Latin header,
a lead dated in the year 2999 and a conversion in the future.
"""

import csv
import json

import duckdb
import pytest

from conftest import LOADED_AT, PROJECT_DIR, Runner

LEADS = """lead_id,job_title,company_name,employees,country,created_at,职位
H1,CEO,Acme,5.0,BR,2026-09-01,总监
H2,CEO,Acme,250.5,BR,2026-09-01,经理
H3,CEO,Acme,"1,000",BR,2026-09-01,
"H""4",CEO,"Acme ""The"" Co",50,BR,2026-09-01,
H5,CEO,Acme,50,BR,2999-01-01,
H6,CEO,Acme,"1,5",BR,1850-01-01,
H7,CEO,Acme,50,BR,2026-09-01,,EXTRA FIELD,ANOTHER
"""

EVENTS = """event_id,lead_id,event_type,occurred_at,url,email_type,duration_seconds,session_id
HE1,H1,demo_request,2026-10-30 10:00:00,,,"1,000",
HE2,H2,demo_request,2026-10-30 10:00:00,,,abc,
HE3,H5,demo_request,2026-10-29 10:00:00,,,12.5,
"""

CONVERSIONS = """lead_id,converted_at,outcome
H1,2999-06-01,won
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Runner:
    tmp = tmp_path_factory.mktemp("hostile")
    folder = tmp / "files"
    folder.mkdir()
    (folder / "leads.csv").write_text(LEADS)
    (folder / "events.csv").write_text(EVENTS)
    (folder / "conversions.csv").write_text(CONVERSIONS)
    # A pandas float column, as a Parquet file of a later lead version: 250.0, not 2500.
    with duckdb.connect() as con:
        con.execute(f"copy (select 'P1' as lead_id, 250.0::double as employees, '2026-09-02' as created_at) "
                    f"to '{folder / 'more_leads.parquet'}' (format parquet)")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.first_load = runner.load(folder)
    runner.run("load", "--leads", str(folder / "more_leads.parquet"), "--mode", "append",
               "--loaded-at", "2026-11-01 07:00:00")
    runner.run("build", "--skip-validation")
    return runner


# -- family 1: a future or absurd date never moves as_of --------------------------------------------------


def test_a_future_lead_date_is_an_issue_and_does_not_move_as_of(hostile):
    assert str(hostile.scalar("select max(as_of) from marts.lead_scores")) == "2026-10-30"
    issues = set(hostile.query("select lead_id, column_name, raw_value, reason from marts.data_quality_issues "
                               "where column_name = 'created_at'"))
    assert issues == {("H5", "created_at", "2999-01-01", "future_timestamp"),
                      ("H6", "created_at", "1850-01-01", "implausible_timestamp")}
    # The lead is still scored, without the date, and engagement kept its value.
    engagement = dict(hostile.query("select lead_id, engagement_score from marts.lead_scores "
                                    "where scoring_model = 'b2b_default'"))
    assert engagement["H5"] > 0 and engagement["H1"] > 0
    reason = hostile.scalar("select reason from marts.data_quality_rejects where source_table = 'conversions'")
    assert reason == "future_timestamp"


def test_validation_fails_when_engagement_collapses(tmp_path):
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    runner.run("generate", "--leads", "300", "--events", "4000", "--out", str(tmp_path / "data"), "--seed", "3")
    runner.load(tmp_path / "data")
    completed = runner.run("build", "--as-of", "2999-01-01", expect=1)
    assert "FAIL engaged_share between 0.05 and 1.0" in completed.stdout
    assert "validation FAILED" in completed.stdout


# -- family 2: numbers are parsed as numbers ----------------------------------------------------------------


def test_numbers_with_decimals_and_separators_are_parsed_by_one_parser(hostile):
    employees = dict(hostile.query("select lead_id, employees from staging.stg_crm__leads"))
    assert employees["H1"] == 5.0
    assert employees["H2"] == 250.5
    assert employees["H3"] == 1000.0
    assert employees["P1"] == 250.0
    assert employees["H6"] is None
    durations = dict(hostile.query("select event_id, duration_seconds from staging.stg_crm__events"))
    assert durations == {"HE1": 1000.0, "HE2": None, "HE3": 12.5}
    issues = set(hostile.query("select source_table, coalesce(event_id, lead_id), column_name, raw_value, reason "
                               "from marts.data_quality_issues where reason = 'unparseable_number'"))
    assert issues == {("leads", "H6", "employees", "1,5", "unparseable_number"),
                      ("events", "HE2", "duration_seconds", "abc", "unparseable_number")}


# -- family 3: RFC 4180 values round-trip exactly -----------------------------------------------------------


def test_doubled_quotes_are_unescaped_and_round_trip_through_export(hostile, tmp_path):
    company = hostile.scalar("select company_name from staging.stg_crm__leads where lead_id = 'H\"4'")
    assert company == 'Acme "The" Co'
    out = tmp_path / "scores.csv"
    hostile.run("export", "--out", str(out), "--scoring-model", "b2b_default", "--allow-unvalidated")
    with out.open(newline="") as handle:
        ids = {row["lead_id"] for row in csv.DictReader(handle)}
    assert 'H"4' in ids
    parquet = tmp_path / "scores.parquet"
    hostile.run("export", "--out", str(parquet), "--allow-unvalidated")
    with duckdb.connect() as con:
        exported = {row[0] for row in con.execute(f"select lead_id from '{parquet}'").fetchall()}
    assert 'H"4' in exported and len(exported) == 7


# -- family 9: any script in a header -------------------------------------------------------------------


def test_a_non_latin_header_loads_as_a_custom_attribute(hostile):
    values = dict(hostile.query('select lead_id, "职位" from staging.stg_crm__leads where "职位" is not null'))
    assert values == {"H1": "总监", "H2": "经理"}


# -- family 11: nothing is lost, counts reconcile -------------------------------------------------------


def test_a_ragged_line_is_rejected_whole_not_trimmed(hostile):
    rows = hostile.query("select reason, raw_record from marts.data_quality_rejects where source_table = 'leads'")
    assert len(rows) == 1
    reason, raw_record = rows[0]
    assert reason == "malformed_row"
    assert "leads.csv: 1 line(s) do not split into the header's columns" in hostile.first_load.stdout
    record = json.loads(raw_record)
    assert record["raw_line"] == "H7,CEO,Acme,50,BR,2026-09-01,,EXTRA FIELD,ANOTHER"
    assert "TOO MANY COLUMNS" in record["load_error"]
    summary = {row[0]: row[1:] for row in hostile.query(
        "select source_table, raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary")}
    assert summary["leads"] == (8, 7, 1)
    assert summary["conversions"] == (1, 0, 1)


def test_an_empty_table_counts_zero_not_null(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "leads.csv").write_text("lead_id,created_at\nA1,2026-10-01\n")
    (folder / "events.csv").write_text("event_id,lead_id,event_type,occurred_at\n")
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    runner.load(folder)
    runner.run("build", "--skip-validation")
    counts = runner.query("select source_table, raw_rows, accepted_rows, rejected_rows, duplicate_rows "
                          "from marts.data_quality_summary order by source_table")
    assert counts == [("conversions", 0, 0, 0, 0), ("events", 0, 0, 0, 0), ("leads", 1, 1, 0, 0)]


def _one_line_error(completed) -> str:
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), completed.stderr
    assert "Traceback" not in completed.stderr
    return lines[0]


def test_an_unknown_rename_is_refused(runner, tmp_path):
    (tmp_path / "leads.csv").write_text("mql_id,origin\nM1,paid\n")
    completed = runner.run("load", "--leads", str(tmp_path / "leads.csv"),
                           "--rename", "mql_id:lead_id,orign:lead_source", expect=2)
    assert "--rename: no column named orign" in _one_line_error(completed)


# -- family 4: a user column never shadows a derived one ---------------------------------------------------


@pytest.mark.parametrize("header", ["_loaded_at", "loaded_at", "Seniority", "Email Domain"])
def test_a_column_named_like_a_derived_one_is_refused_with_a_rename_hint(runner, tmp_path, header):
    (tmp_path / "leads.csv").write_text(f"lead_id,{header}\nA1,x\n")
    completed = runner.run("load", "--leads", str(tmp_path / "leads.csv"), expect=2)
    message = _one_line_error(completed)
    assert f"column '{header}'" in message and "--rename" in message
    assert not runner.database.exists() or runner.scalar(
        "select count(*) from information_schema.tables where table_schema = 'raw'") == 0


# -- family 9: errors that say what to fix ------------------------------------------------------------------


def test_a_latin1_file_names_the_encoding_option_and_loads_with_it(runner, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("lead_id,company_name\nL1,Café\n".encode("latin-1"))
    message = _one_line_error(runner.run("load", "--leads", str(path), expect=2))
    assert "--encoding latin-1" in message and "line" in message
    runner.run("load", "--leads", str(path), "--encoding", "latin-1", "--loaded-at", LOADED_AT)
    assert runner.scalar("select company_name from raw.leads") == "Café"


def test_a_very_long_line_says_how_long_and_what_to_pass(runner, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,notes\nL1," + "x" * 2_100_000 + "\n")
    message = _one_line_error(runner.run("load", "--leads", str(path), expect=2))
    assert "over the reader's limit" in message and "--max-line-size" in message
    runner.run("load", "--leads", str(path), "--max-line-size", "3000000", "--loaded-at", LOADED_AT)
    assert runner.scalar("select length(notes) from raw.leads") == 2_100_000


def test_build_before_any_load_says_to_load(runner):
    message = _one_line_error(runner.run("build", expect=2))
    assert "no raw data loaded yet" in message and "scripts/leadscore.py load" in message


def test_data_without_any_date_asks_for_as_of(runner, tmp_path):
    (tmp_path / "leads.csv").write_text("lead_id,job_title\nA1,CEO\n")
    runner.run("load", "--leads", str(tmp_path / "leads.csv"), "--loaded-at", LOADED_AT)
    completed = runner.run("build", expect=1)
    assert "pass --as-of YYYY-MM-DD" in completed.stdout
    runner.run("build", "--as-of", "2026-10-01", "--skip-validation")


def test_an_empty_seed_file_is_named(project_copy, tmp_path):
    (tmp_path / "leads.csv").write_text("lead_id,created_at\nA1,2026-10-01\n")
    project_copy.run("load", "--leads", str(tmp_path / "leads.csv"), "--loaded-at", LOADED_AT)
    (project_copy.project_dir / "seeds" / "competitor_domains.csv").write_text("")
    message = _one_line_error(project_copy.run("build", expect=2))
    assert "seeds/competitor_domains.csv: the file is empty" in message


def test_the_runners_own_connections_keep_the_profiles_memory_limit(tmp_path, monkeypatch):
    # Validation and loading open DuckDB themselves; unbounded, validation at 50M events reached 3.9 GiB.
    from runner import load, warehouse

    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()
    monkeypatch.setenv("LEADSCORE_DUCKDB", str(database))
    monkeypatch.setenv("LEADSCORE_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("LEADSCORE_DUCKDB_THREADS", "1")
    read = warehouse.read_sql("select current_setting('memory_limit') as memory, current_setting('threads') as threads")
    assert (read.loc[0, "memory"], read.loc[0, "threads"]) == ("953.6 MiB", 1)
    with load.connect(database) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
