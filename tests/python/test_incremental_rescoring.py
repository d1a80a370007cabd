"""A build that cannot rescore only the changed leads rescores all of them, and says why."""

import pytest

from conftest import Runner, copy_project
from test_incremental import assert_equals_a_full_refresh, load_in_batches, make_batches


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    return make_batches(tmp_path_factory.mktemp("batches"))


def test_a_new_as_of_or_a_rule_change_rescores_every_lead(batches, tmp_path):
    project = copy_project(tmp_path / "project")
    incremental = Runner(project, tmp_path / "incremental.duckdb", tmp_path / "r1")
    load_in_batches(incremental, batches, build_each=True)
    incremental.run("build", "--as-of", "2026-10-31", "--skip-validation")
    incremental.run("build", "--as-of", "2026-09-30", "--skip-validation")
    assert incremental.query("select rescored, rescore_all_reason from marts.scoring_runs "
                             "order by run_number desc limit 1") == [("all_leads", "as_of_changed")]
    # Points only: the engagement state stays, every lead is rescored with the new points.
    fit_rules = project / "seeds" / "fit_rules.csv"
    assert ",vp,,25," in fit_rules.read_text()
    fit_rules.write_text(fit_rules.read_text().replace(",vp,,25,", ",vp,,5,"))
    completed = incremental.run("build", "--as-of", "2026-09-30", "--skip-validation")
    assert "--full-refresh" not in completed.stdout
    assert incremental.query("select rescored, rescore_all_reason from marts.scoring_runs "
                             "order by run_number desc limit 1") == [("all_leads", "rules_changed")]

    assert_equals_a_full_refresh(incremental, batches, tmp_path, project, "2026-09-30")
