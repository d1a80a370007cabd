"""Which build the marts come from, and whether it passed validation.

Every validation records its outcome in `runner.validation_runs`, keyed by the
dbt invocation that built the marts (the last row of `marts.scoring_runs`).
`export` reads it and refuses marts whose build failed validation or was never
validated (a `build --skip-validation`, or a plain `dbt build`), unless told
`--allow-unvalidated`.
"""

from datetime import UTC, datetime

from .errors import UserError
from .warehouse import execute, read_sql

TEXT = {"duckdb": "varchar", "postgres": "text", "spark": "string"}


def latest_build(target: str) -> tuple[str, str] | None:
    """(invocation_id, as_of) of the build that wrote the marts, or None."""
    runs = read_sql("select invocation_id, as_of from marts.scoring_runs "
                    "order by run_number desc limit 1", target)
    if runs.empty:
        return None
    return str(runs.iloc[0]["invocation_id"]), str(runs.iloc[0]["as_of"])[:10]


def record_validation(target: str, passed: bool, failed_checks: list[str]) -> None:
    build = latest_build(target)
    if build is None:
        return
    text = TEXT[target]
    using = " using parquet" if target == "spark" else ""
    schema = "create database if not exists runner" if target == "spark" else "create schema if not exists runner"
    execute([
        (schema, []),
        (f"create table if not exists runner.validation_runs (invocation_id {text}, as_of {text}, passed boolean, "
         f"failed_checks {text}, validated_at timestamp){using}", []),
        ("insert into runner.validation_runs values (?, ?, ?, ?, ?)",
         [build[0], build[1], passed, "; ".join(failed_checks), datetime.now(UTC).replace(tzinfo=None)]),
    ], target)


def check_exportable(target: str) -> None:
    """A UserError unless the marts' build passed validation."""
    build = latest_build(target)
    if build is None:
        raise UserError("marts.scoring_runs is empty: no build to export; run `python scripts/leadscore.py build`")
    invocation_id, as_of = build
    try:
        outcome = read_sql("select passed, failed_checks from runner.validation_runs where invocation_id = ? "
                           "order by validated_at desc limit 1", target, [invocation_id])
    except UserError:
        outcome = None
    override = "or export anyway with --allow-unvalidated"
    if outcome is None or outcome.empty:
        raise UserError(f"the marts of the last build (as of {as_of}) were not validated (a build with "
                        f"--skip-validation, or plain dbt): run `python scripts/leadscore.py validate` first, {override}")
    if not bool(outcome.iloc[0]["passed"]):
        raise UserError(f"the last build (as of {as_of}) failed validation ({outcome.iloc[0]['failed_checks']}): "
                        f"fix the data or the rules and build again, {override}")
