"""Dirty input: every raw row is scored or rejected with a reason, and the counts reconcile."""

import json

import pytest

from conftest import FIXTURES, LOADED_AT, PROJECT_DIR, SHARED_DATA, Runner

EXPECTED_REJECTS = {
    ("leads", "missing_lead_id", None),
    ("events", "missing_event_id", None),
    ("events", "missing_lead_id", "E08"),
    ("events", "missing_event_type", "E09"),
    ("events", "missing_timestamp", "E10"),
    ("events", "unparseable_timestamp", "E11"),
    ("events", "future_timestamp", "E12"),
    ("events", "duplicate_event_id", "E01"),
    ("events", "unknown_lead", "E14"),
    ("conversions", "missing_lead_id", None),
    ("conversions", "invalid_outcome", None),
    ("conversions", "unknown_lead", None),
    ("conversions", "unparseable_timestamp", None),
}


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Runner:
    tmp = tmp_path_factory.mktemp("dirty")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.load(FIXTURES / "dirty")
    runner.run("build", "--skip-validation")
    return runner


def test_each_bad_row_is_rejected_with_its_reason(dirty):
    rows = dirty.query("select source_table, reason, source_row_id, raw_record from marts.data_quality_rejects")
    found = {(table, reason, row_id if row_id.startswith("E") else None) for table, reason, row_id, _ in rows}
    assert found == EXPECTED_REJECTS
    assert len(rows) == len(EXPECTED_REJECTS)


def test_rejects_keep_the_original_values(dirty):
    raw = dirty.scalar("select raw_record from marts.data_quality_rejects where reason = 'unparseable_timestamp' "
                       "and source_table = 'events'")
    assert json.loads(raw) == {"event_id": "E11", "lead_id": "X1", "event_type": "page_view", "occurred_at": "yesterday",
                               "url": "/", "email_type": None, "duration_seconds": None, "session_id": None}
    # A rejected row without an id is named by a stable hash of its values.
    hashed = dirty.scalar("select source_row_id from marts.data_quality_rejects where source_table = 'leads'")
    assert len(hashed) == 32


def test_unusable_values_are_issues_and_the_lead_is_still_scored(dirty):
    issues = set(dirty.query("select lead_id, column_name, raw_value, reason from marts.data_quality_issues"))
    assert issues == {
        ("X2", "email", "ioana.popescu.at.firma.ro", "invalid_email"),
        ("X2", "employees", "n/a", "unparseable_number"),
        ("X2", "phone", "n/a", "invalid_phone"),
        ("X3", "created_at", "10/31/2026", "unparseable_timestamp"),  # month-first under date_order dmy
        ("X5", "created_at", "2026.10.05", "unparseable_timestamp"),
        ("X5", "updated_at", "2026.10.05", "unparseable_timestamp"),
        # An event's unusable value is an issue too: the event still counts, without its duration.
        ("X4", "duration_seconds", "not a number", "unparseable_number"),
    }
    scored = {row[0] for row in dirty.query("select lead_id from marts.lead_scores where scoring_model = 'b2b_default'")}
    assert scored == {"X1", "X2", "X3", "X4", "X5"}


def test_raw_rows_reconcile_with_accepted_plus_rejected(dirty):
    summary = {row[0]: row[1:] for row in dirty.query(
        "select source_table, raw_rows, accepted_rows, rejected_rows, superseded_rows from marts.data_quality_summary")}
    # leads: 7 rows = 6 accepted (5 current + 1 superseded version of X1) + 1 without an id.
    assert summary["leads"] == (7, 6, 1, 1)
    assert summary["events"][:3] == (15, 7, 8)
    assert summary["conversions"][:3] == (5, 1, 4)


def test_timestamps_in_several_forms_are_parsed(dirty):
    parsed = dict(dirty.query("select event_id, strftime(occurred_at, '%Y-%m-%d %H:%M') from staging.stg_crm__events"))
    assert parsed["E02"] == "2026-10-30 10:05"  # day-first with slashes
    assert parsed["E03"] == "2026-10-30 11:00"  # ISO with T and Z
    assert parsed["E04"] == "2026-10-30 00:00"  # day-first with dots
    created = dict(dirty.query("select lead_id, strftime(enriched.created_at, '%Y-%m-%d') "
                               "from intermediate.int_leads_enriched as enriched "
                               "inner join staging.stg_crm__leads using (lead_id, lead_version)"))
    assert created["X2"] == "2026-10-31"


def test_latest_version_of_a_lead_wins_and_text_survives_in_any_script(dirty):
    leads = {row[0]: row[1:] for row in dirty.query(
        "select lead_id, enriched.email, enriched.email_domain, seniority, enriched.employees, "
        "enriched.company_name, enriched.first_name from intermediate.int_leads_enriched as enriched "
        "inner join staging.stg_crm__leads using (lead_id, lead_version)")}
    assert leads["X1"][:4] == ("joao.conceicao@empresa.com.br", "empresa.com.br", "director", 50)
    assert leads["X3"][0] == "wei.wang@公司.cn" and leads["X3"][5] == "伟"
    assert leads["X3"][4] == 'Acme, "The Best"\nInc'
    # SQL-shaped text is only data: it is stored as given and nothing was dropped.
    assert leads["X4"][4] == "x'); drop table raw.leads; --"
    assert leads["X4"][5] == "Robert'); drop table raw.leads; --"
    assert dirty.scalar("select count(*) from raw.leads") == 7


def test_too_many_rejects_fail_validation_with_a_report(dirty):
    completed = dirty.run("validate", expect=1)
    assert "FAIL rejected_share between 0.0 and 0.05: 3 row(s) do not" in completed.stdout
    assert "conversions        0.800000" in completed.stdout
    assert "validation FAILED" in completed.stdout
    # The threshold is configuration: a looser one passes the same marts.
    dirty.run("validate", "--max-reject-share", "0.9")


def test_an_out_of_range_score_fails_validation(tmp_path):
    import duckdb

    source = tmp_path / "tampered.duckdb"
    runner = Runner(PROJECT_DIR, source, tmp_path / "reports")
    runner.load(FIXTURES / "documents")
    runner.run("build", "--as-of", "2026-10-31")
    with duckdb.connect(str(source)) as con:
        con.execute("update marts.lead_scores set score = 120 where lead_score_id = 'b2b_default:D1_ENGAGED_EXEC'")
        con.execute("update marts.lead_scores set grade = 'Z' where lead_score_id = 'smb_self_serve:D1_ENGAGED_EXEC'")
    completed = runner.run("validate", expect=1)
    assert "FAIL score_outside_0_100: 1 of 10 row(s); examples: b2b_default:D1_ENGAGED_EXEC" in completed.stdout
    assert "FAIL grade_not_seeded: 1 of 10 row(s); examples: smb_self_serve:D1_ENGAGED_EXEC" in completed.stdout
    assert "lead_scores: 6 of 8 expectations passed (10 rows)" in completed.stdout


def test_a_month_first_file_is_read_with_date_order_mdy(tmp_path):
    folder = tmp_path / "mdy"
    folder.mkdir()
    (folder / "leads.csv").write_text("lead_id,created_at\nM1,10/31/2026\nM2,03/04/2026\n")
    (folder / "events.csv").write_text("event_id,lead_id,event_type,occurred_at\nME1,M1,page_view,10/30/2026 10:00\n")
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    runner.load(folder)
    runner.run("build", "--skip-validation", "--date-order", "mdy")
    created = dict(runner.query("select lead_id, strftime(created_at, '%Y-%m-%d') from intermediate.int_leads_enriched"))
    assert created == {"M1": "2026-10-31", "M2": "2026-03-04"}
    assert runner.scalar("select count(*) from marts.data_quality_issues") == 0


def test_olist_funnel_every_lead_is_scored_or_rejected(tmp_path):
    olist = SHARED_DATA / "olist_marketing_funnel"
    if not olist.exists():
        pytest.skip("../shared/data/olist_marketing_funnel is not beside this checkout")
    runner = Runner(PROJECT_DIR, tmp_path / "olist.duckdb", tmp_path / "reports")
    runner.run("load", "--leads", str(olist / "olist_marketing_qualified_leads_dataset.csv"),
               "--rename", "mql_id:lead_id,first_contact_date:created_at,origin:lead_source",
               "--loaded-at", LOADED_AT)
    runner.run("load", "--conversions", str(olist / "olist_closed_deals_dataset.csv"), "--mode", "append",
               "--rename", "mql_id:lead_id,won_date:converted_at", "--loaded-at", LOADED_AT)
    runner.run("build", "--skip-validation")
    raw = runner.scalar("select count(*) from raw.leads")
    scored = runner.scalar("select count(distinct lead_id) from marts.lead_scores")
    rejected = runner.scalar("select count(*) from marts.data_quality_rejects where source_table = 'leads'")
    assert raw == 8000
    assert scored + rejected == raw
    customers = runner.scalar("select count(*) from marts.lead_stage where stage = 'customer' "
                              "and scoring_model = 'b2b_default'")
    closed = runner.scalar("select count(distinct lead_id) from raw.conversions")
    assert customers == closed == 842
    # Day-first dates: 01-02-2018 is the 1st of February.
    created = runner.scalar("select strftime(created_at, '%Y-%m-%d') from intermediate.int_leads_enriched "
                            "where lead_id = 'dac32acd4db4c29c230538b72f8dd87d'")
    assert created == "2018-02-01"
    unexplained = runner.scalar("select count(*) from marts.data_quality_summary "
                                "where raw_rows <> accepted_rows + rejected_rows")
    assert unexplained == 0
