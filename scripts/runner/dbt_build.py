"""Run dbt in-process through dbtRunner (no shelling out)."""

import gc
import json
import os
from pathlib import Path

from dbt.cli.main import dbtRunner

from .errors import UserError
from .paths import PROJECT_DIR, duckdb_path


def dbt_environment(target: str) -> None:
    """Point dbt at this project's profile and warehouse."""
    os.environ["LEADSCORE_TARGET"] = target
    if target == "duckdb":
        os.environ["LEADSCORE_DUCKDB"] = str(duckdb_path())
    if target == "spark":
        from .engines import spark_warehouse

        os.environ["LEADSCORE_SPARK_WAREHOUSE"] = str(spark_warehouse())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def run_dbt(command: str, target: str = "duckdb", dbt_vars: dict | None = None,
            extra_args: list[str] | None = None, project_dir=None):
    """Invoke one dbt command; return (success, results)."""
    dbt_environment(target)
    args = [
        command,
        "--project-dir", str(project_dir or PROJECT_DIR),
        "--profiles-dir", str(project_dir or PROJECT_DIR),
        "--target", target,
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    args += extra_args or []
    try:
        result = dbtRunner().invoke(args)
    finally:
        if target == "duckdb":
            _release_duckdb()
    if result.exception is not None:
        raise UserError(f"dbt {command} failed: {_first_line(result.exception)}")
    return result.success, result.result


def _release_duckdb() -> None:
    """dbt-duckdb keeps its connection open in-process; close it so the runner
    can read the marts with a connection of its own."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def failures(results) -> list[str]:
    """One line per failed or erroring dbt node."""
    lines = []
    for node_result in getattr(results, "results", None) or []:
        status = str(node_result.status).lower()
        if status in ("error", "fail", "runtimeerror"):
            message = _first_line(node_result.message or "")
            lines.append(f"{status}: {node_result.node.resource_type} {node_result.node.name}: {message}")
    return lines


def _first_line(message) -> str:
    text = str(message).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.lower().startswith(("compilation error in", "runtime error in", "database error in")):
            return line
    return text.splitlines()[0] if text else ""


def check_raw_is_loaded(target: str) -> None:
    """Before dbt runs: a build with nothing loaded says so, not an engine's parser error."""
    hint = f"no raw data loaded yet; run `leadscore load --leads FILE [--events FILE]{_target_flag(target)}` first"
    if target == "duckdb":
        path = duckdb_path()
        if not path.exists():
            raise UserError(f"{path}: {hint}")
        from .load import connect

        with connect(path) as con:
            loaded = con.execute("select count(*) from information_schema.tables "
                                 "where table_schema = 'raw' and table_name = 'leads'").fetchone()[0]
        if not loaded:
            raise UserError(f"{path}: {hint}")
        return
    from .warehouse import read_sql

    try:
        read_sql("select lead_id from raw.leads limit 1", target)
    except UserError:
        raise UserError(f"{target}: {hint}") from None


def _target_flag(target: str) -> str:
    return "" if target == "duckdb" else f" --target {target}"


def check_seed_files(project_dir) -> None:
    """A seed file dbt cannot read (empty, no header) fails with its name and what it needs."""
    for path in sorted((project_dir / "seeds").glob("*.csv")):
        with path.open("rb") as handle:
            first_line = handle.readline().strip()
        if not first_line:
            raise UserError(f"seeds/{path.name}: the file is empty; a seed needs at least its header line "
                            "(restore it with `git checkout seeds/" + path.name + "`)")


def build(target: str = "duckdb", as_of: str | None = None, full_refresh: bool = False,
          select: str | None = None, project_dir=None, date_order: str | None = None) -> list[str]:
    """dbt build (seeds, models, unit and data tests); return failure lines (empty on success)."""
    check_seed_files(Path(project_dir or PROJECT_DIR))
    dbt_vars = {}
    if as_of:
        dbt_vars["as_of"] = as_of
    if date_order:
        dbt_vars["date_order"] = date_order
    extra = ["--full-refresh"] if full_refresh else []
    if select:
        extra += ["--select", select]
    success, results = run_dbt("build", target, dbt_vars, extra, project_dir=project_dir)
    problems = failures(results)
    if not success and not problems:
        problems = ["dbt build did not succeed (see the log above)"]
    return problems
