"""The marts' key tests: unique_joined_key (tests/dbt/generic) checks a `scoring_model:lead_id` key by its parts,
so it must still fail on every duplicate the plain `unique` test would catch."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, PROJECT_DIR, Runner


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Runner:
    tmp = tmp_path_factory.mktemp("keys")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.load(FIXTURES / "documents")
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    return runner


def copy_of(runner: Runner, folder: Path) -> Runner:
    assert not runner.database.with_suffix(".duckdb.wal").exists()
    shutil.copy(runner.database, folder / "warehouse.duckdb")
    return Runner(PROJECT_DIR, folder / "warehouse.duckdb", folder / "reports")


def key_tests(runner: Runner, model: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--no-use-colors", "test", "--select",
         f"{model},test_name:unique_joined_key", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR, env=runner.env, capture_output=True, text=True, timeout=600)


def execute(runner: Runner, sql: str) -> None:
    with duckdb.connect(str(runner.database)) as connection:
        connection.execute(sql)


LEAD_SCORES_KEY_TEST = "unique_joined_key_lead_scores_lead_score_id__scoring_model__lead_id"
COMPONENTS_KEY_TEST = "unique_joined_key_lead_score_components_component_id__scoring_model__lead_id__rule_id"


def test_a_repeated_lead_score_fails_its_key_test(built, tmp_path):
    runner = copy_of(built, tmp_path)
    completed = key_tests(runner, "lead_scores")
    assert completed.returncode == 0 and f"PASS {LEAD_SCORES_KEY_TEST}" in completed.stdout, completed.stdout[-3000:]
    execute(runner, "insert into marts.lead_scores select * from marts.lead_scores "
                    "where scoring_model = 'b2b_default' and lead_id = 'D1_ENGAGED_EXEC'")
    completed = key_tests(runner, "lead_scores")
    assert completed.returncode == 1 and f"FAIL 1 {LEAD_SCORES_KEY_TEST}" in completed.stdout, completed.stdout[-3000:]


def test_two_keys_that_read_the_same_through_a_colon_fail_the_key_test(built, tmp_path):
    # ('x', 'y:z') and ('x:y', 'z') are different parts whose keys are both 'x:y:z'.
    runner = copy_of(built, tmp_path)
    for scoring_model, lead_id in (("x", "y:z"), ("x:y", "z")):
        execute(runner, f"insert into marts.lead_scores select * replace ('{scoring_model}' as scoring_model, "
                        f"'{lead_id}' as lead_id, 'x:y:z' as lead_score_id) from marts.lead_scores "
                        "where scoring_model = 'b2b_default' and lead_id = 'D1_ENGAGED_EXEC'")
    completed = key_tests(runner, "lead_scores")
    assert completed.returncode == 1 and f"FAIL 1 {LEAD_SCORES_KEY_TEST}" in completed.stdout, completed.stdout[-3000:]


def test_component_keys_of_three_parts_are_checked_the_same_way(built, tmp_path):
    runner = copy_of(built, tmp_path)
    completed = key_tests(runner, "lead_score_components")
    assert completed.returncode == 0 and f"PASS {COMPONENTS_KEY_TEST}" in completed.stdout, completed.stdout[-3000:]
    # A lead id holding a colon is fine on its own: one such component, no duplicate.
    one_component = ("from intermediate.int_lead_score_components where scoring_model = 'b2b_default' "
                     "and lead_id = 'D1_ENGAGED_EXEC' order by rule_id limit 1")
    execute(runner, f"insert into intermediate.int_lead_score_components select * replace ('a:b' as lead_id) "
                    f"{one_component}")
    completed = key_tests(runner, "lead_score_components")
    assert completed.returncode == 0, completed.stdout[-3000:]
    # Its rule with the lead's colon moved into the rule id reads the same key: a duplicate.
    execute(runner, "insert into intermediate.int_lead_score_components select * replace "
                    "('a' as lead_id, 'b:' || rule_id as rule_id) "
                    f"{one_component}")
    completed = key_tests(runner, "lead_score_components")
    assert completed.returncode == 1 and f"FAIL 1 {COMPONENTS_KEY_TEST}" in completed.stdout, completed.stdout[-3000:]
