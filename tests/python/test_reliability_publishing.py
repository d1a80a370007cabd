"""What a CRM sync or a BI tool reads is whole, consistent and honest (issue 14)."""

import errno

import duckdb
import pytest

from conftest import FIXTURES, LOADED_AT, PROJECT_DIR, Runner
from runner import publish
from runner.errors import UserError


def _one_line_error(completed) -> str:
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), completed.stderr
    assert "Traceback" not in completed.stderr
    return lines[0]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Runner:
    """The documents' example leads, with their events delivered twice (a harmless re-delivery)."""
    tmp = tmp_path_factory.mktemp("publishing")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.load(FIXTURES / "documents")
    runner.run("load", "--events", str(FIXTURES / "documents" / "events.csv"), "--mode", "append",
               "--loaded-at", "2026-11-01 07:00:00")
    runner.build = runner.run("build", "--as-of", "2026-10-31", "--reader-copy", str(tmp / "reader.duckdb"))
    runner.reader_copy = tmp / "reader.duckdb"
    return runner


# -- family 8: a re-delivered batch is reconciled, not judged as bad rows --------------------------------------


def test_a_redelivered_batch_passes_validation_and_is_counted_apart(documents):
    events = sum(1 for _ in (FIXTURES / "documents" / "events.csv").open()) - 1
    row = documents.query("select raw_rows, accepted_rows, rejected_rows, duplicate_rows, rejected_share "
                          "from marts.data_quality_summary where source_table = 'events'")[0]
    assert row == (2 * events, events, events, events, 0.0)
    assert "validation passed" in documents.build.stdout
    assert f"{events:,} of them repeats of rows already loaded" in documents.build.stdout


# -- family 6: a score and its stage are one write -----------------------------------------------------------


def test_lead_stage_is_a_view_over_lead_scores_so_they_never_disagree(documents):
    kinds = dict(documents.query("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'marts' and table_name in ('lead_scores', 'lead_stage')"))
    assert kinds == {"lead_scores": "BASE TABLE", "lead_stage": "VIEW"}
    stage = dict(documents.query("select lead_id, stage from marts.lead_stage where scoring_model = 'b2b_default'"))
    assert stage["D1_ENGAGED_EXEC"] == "sql"
    assert stage["D5_GIBBERISH"] == "disqualified"


# -- family 5: exports are written whole or not at all ---------------------------------------------------------


def test_a_failed_export_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "scores.csv"
    target.write_text("previous,good,file\n")

    def write_then_fill_the_disk(path):
        path.write_text("half a fil")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError, match="No space left on device"):
        publish._replace_atomically(write_then_fill_the_disk, target)
    assert target.read_text() == "previous,good,file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_export_to_an_unwritable_place_is_one_line(documents, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    message = _one_line_error(documents.run("export", "--out", str(blocker / "s.csv"), expect=2))
    assert "s.csv: cannot create its folder" in message
    message = _one_line_error(documents.run("export", "--out", "/proc/leadscore/s.csv", expect=2))
    assert "cannot" in message


# -- family 7: builds and exports that should fail, fail ----------------------------------------------------


def test_export_with_an_unknown_scoring_model_names_the_known_ones(documents, tmp_path):
    out = tmp_path / "s.csv"
    message = _one_line_error(documents.run("export", "--out", str(out), "--scoring-model", "b2b_defualt", expect=2))
    assert "'b2b_defualt' has no scores; scored models: b2b_default, smb_self_serve" in message
    assert not out.exists()
    # A quote in the value is data, bound as a parameter: matched literally, so no model has that name.
    hostile = "x' or '1'='1"
    message = _one_line_error(documents.run("export", "--out", str(out), "--scoring-model", hostile, expect=2))
    assert f"'{hostile}' has no scores" in message
    assert not out.exists()


def test_no_active_scoring_model_fails_the_build_naming_the_seed(project_copy):
    seed = project_copy.project_dir / "seeds" / "scoring_models.csv"
    seed.write_text(seed.read_text().replace(",true,", ",false,"))
    project_copy.load(FIXTURES / "documents")
    completed = project_copy.run("build", expect=1)
    assert "seeds/scoring_models.csv: no row has is_active = true" in completed.stdout


# -- family 10: no tracebacks ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["validate"], ["report"], ["export", "--out", "x.csv"]])
def test_reading_a_missing_unbuilt_or_foreign_warehouse_is_one_line(tmp_path, command):
    runner = Runner(PROJECT_DIR, tmp_path / "none.duckdb", tmp_path / "r")
    assert "no warehouse here yet" in _one_line_error(runner.run(*command, expect=2))
    (tmp_path / "leads.csv").write_text("lead_id,created_at\nA1,2026-10-01\n")
    runner.run("load", "--leads", str(tmp_path / "leads.csv"), "--loaded-at", LOADED_AT)
    assert "not built yet" in _one_line_error(runner.run(*command, expect=2))
    (tmp_path / "notes.duckdb").write_text("lead_id,score\nA1,50\n")
    foreign = Runner(PROJECT_DIR, tmp_path / "notes.duckdb", tmp_path / "r")
    assert "not a DuckDB warehouse file" in _one_line_error(foreign.run(*command, expect=2))


def test_generate_with_zero_leads_is_refused(runner, tmp_path):
    completed = runner.run("generate", "--leads", "0", "--events", "10", "--out", str(tmp_path), expect=2)
    assert "must be at least 1" in completed.stderr and "Traceback" not in completed.stderr


# -- family 12: readers during a build ----------------------------------------------------------------------


def test_the_reader_copy_serves_readers_while_the_warehouse_is_locked(documents):
    expected = documents.scalar("select count(*) from marts.lead_scores")
    with duckdb.connect(str(documents.database)):  # a build holds the write lock
        message = _one_line_error(documents.run("validate", expect=2))
        assert "another process is writing the warehouse" in message
        with duckdb.connect(str(documents.reader_copy), read_only=True) as reader:
            assert reader.execute("select count(*) from marts.lead_scores").fetchone()[0] == expected
            stages = reader.execute("select count(*) from marts.lead_stage").fetchone()[0]
            copied = {row[0] for row in reader.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    assert stages == expected
    # The marts, not the history's index (build bookkeeping).
    assert {"lead_scores", "lead_score_history"} <= copied and "lead_score_history__latest" not in copied


def test_export_refuses_marts_whose_build_failed_or_skipped_validation(tmp_path):
    runner = Runner(PROJECT_DIR, tmp_path / "w.duckdb", tmp_path / "r")
    runner.load(FIXTURES / "dirty")
    runner.run("build", "--skip-validation")
    out = tmp_path / "scores.csv"
    message = _one_line_error(runner.run("export", "--out", str(out), expect=2))
    assert "were not validated" in message and "--allow-unvalidated" in message
    runner.run("validate", expect=1)  # 80% of the conversions are rejected
    message = _one_line_error(runner.run("export", "--out", str(out), expect=2))
    assert "failed validation (rejected_share between 0.0 and 0.05" in message
    assert not out.exists()
    runner.run("export", "--out", str(out), "--allow-unvalidated")
    assert out.read_text().startswith("scoring_model,lead_id,score")
    out.unlink()
    runner.run("validate", "--max-reject-share", "0.9")  # the team accepts this data
    runner.run("export", "--out", str(out))
    assert out.exists()
