"""Run dbt in-process through dbtRunner (no shelling out).

Quiet by default: dbt's own log goes to its log file (named in the summary),
and the terminal shows one progress line per phase (seeds, models, tests)
with counts and elapsed time. `--verbose` (or LEADSCORE_VERBOSE=1) shows
dbt's log as dbt prints it.
"""

import gc
import json
import os
import re
import sys
import time
from pathlib import Path

from dbt.cli.main import dbtRunner

from .errors import UserError
from .paths import PROJECT_DIR, duckdb_path


def dbt_environment(target: str) -> None:
    """Point dbt at this project's profile and warehouse.

    Variables are set only where plain `dbt` would resolve something else, so
    the profile dbt renders is the same for both and switching between the
    runner and `dbt build` keeps dbt's partial parse (a changed profile forces a
    full re-parse).
    """
    if target != "duckdb" or "LEADSCORE_TARGET" in os.environ:
        os.environ["LEADSCORE_TARGET"] = target
    if target == "duckdb" and ("LEADSCORE_DUCKDB" in os.environ or Path.cwd().resolve() != PROJECT_DIR):
        os.environ["LEADSCORE_DUCKDB"] = str(duckdb_path())
    if target == "spark":
        from .engines import spark_warehouse

        os.environ["LEADSCORE_SPARK_WAREHOUSE"] = str(spark_warehouse())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def verbose() -> bool:
    return os.environ.get("LEADSCORE_VERBOSE", "") not in ("", "0")


def log_file(project_dir=None) -> Path:
    """Where dbt writes its full log: DBT_LOG_PATH, else logs/ in the project."""
    folder = os.environ.get("DBT_LOG_PATH") or str(Path(project_dir or PROJECT_DIR) / "logs")
    return Path(folder) / "dbt.log"


# The phases a build shows, and the words of dbt's "Found ..." line that count them.
PHASES = (("seeds", ("seed",), ("seeds",)), ("models", ("model",), ("models",)),
          ("tests", ("test", "unit_test"), ("data tests", "unit tests")))


class Progress:
    """One line per phase: a line redrawn in place on a terminal, the final counts when piped."""

    def __init__(self, label: str, out=None, phases: bool = True, excluded_kinds: tuple[str, ...] = ()):
        self.label = label
        # dbt's "Found ..." line counts the whole project, so a kind left out of the run is not counted.
        self.excluded_kinds = excluded_kinds
        self.phases = phases
        self.out = out or sys.stdout
        self.terminal = self.out.isatty()
        self.started = time.monotonic()
        self.totals = {name: 0 for name, _, _ in PHASES}
        self.done = {name: 0 for name, _, _ in PHASES}
        self.failed = {name: 0 for name, _, _ in PHASES}
        self.skipped = {name: 0 for name, _, _ in PHASES}

    def __call__(self, message) -> None:
        name = message.info.name
        if name == "FoundStats":
            for phase, kinds, words in PHASES:
                self.totals[phase] = sum(int(n) for kind, word in zip(kinds, words, strict=True)
                                         if kind not in self.excluded_kinds
                                         for n in re.findall(rf"(\d+) {word}\b", message.data.stat_line))
        elif name == "NodeFinished":
            node = message.data.node_info
            for phase, kinds, _ in PHASES:
                if node.resource_type in kinds:
                    self.done[phase] += 1
                    if node.node_status in ("error", "fail", "runtime error", "runtimeerror"):
                        self.failed[phase] += 1
                    elif node.node_status == "skipped":
                        self.skipped[phase] += 1
                    if self.terminal and self.phases:
                        self._draw()

    def _line(self) -> str:
        parts = []
        for phase, _, _ in PHASES:
            if self.phases and self.totals[phase] and any(self.done.values()):
                problems = [f"{n} {word}" for n, word in ((self.failed[phase], "failed"), (self.skipped[phase], "skipped"))
                            if n]
                note = f" ({', '.join(problems)})" if problems else ""
                parts.append(f"{phase} {self.done[phase]}/{self.totals[phase]}{note}")
        counts = f"{', '.join(parts)}  " if parts else ""
        return f"{self.label}: {counts}{time.monotonic() - self.started:.1f}s"

    def _draw(self) -> None:
        self.out.write("\r\033[K" + self._line())
        self.out.flush()

    def finish(self) -> None:
        if self.terminal:
            self.out.write("\r\033[K")
        print(self._line(), file=self.out)


# The scoring-date vars reach dbt as environment variables (int_scoring_dates reads
# either): a changed --vars makes dbt parse the whole project again (about 5 s),
# a changed environment variable only the one model that reads it.
SCORING_DATE_ENV_VARS = {"as_of": "LEADSCORE_AS_OF", "as_of_from": "LEADSCORE_AS_OF_FROM",
                         "as_of_every_days": "LEADSCORE_AS_OF_EVERY_DAYS"}


def kinds_to_exclude(excluded_kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The runner's excluded resource types plus the user's DBT_EXCLUDE_RESOURCE_TYPES.

    dbt reads that variable only when no --exclude-resource-type is given, and the
    runner gives one (unit tests stay out of builds), so the runner merges them:
    DBT_EXCLUDE_RESOURCE_TYPES=test builds without data tests, as with plain dbt.
    """
    from_environment = os.environ.get("DBT_EXCLUDE_RESOURCE_TYPES", "").replace(",", " ").split()
    return tuple(dict.fromkeys([*excluded_kinds, *from_environment]))


def run_dbt(command: str, target: str = "duckdb", dbt_vars: dict | None = None,
            extra_args: list[str] | None = None, project_dir=None, label: str | None = None, phases: bool = True,
            excluded_kinds: tuple[str, ...] = ()):
    """Invoke one dbt command, leaving out the resource types in excluded_kinds; return (success, results)."""
    dbt_environment(target)
    excluded_kinds = kinds_to_exclude(excluded_kinds)
    args = [
        *command.split(),  # "build", or a subcommand such as "docs generate"
        "--project-dir", str(project_dir or PROJECT_DIR),
        "--profiles-dir", str(project_dir or PROJECT_DIR),
    ]
    # dbt hashes the --target flag into its partial-parse check: the profile's
    # default target is duckdb, so plain `dbt build` and the runner agree.
    if target != "duckdb":
        args += ["--target", target]
    dbt_vars = dict(dbt_vars or {})
    scoring_dates = {variable: dbt_vars.pop(name, None) for name, variable in SCORING_DATE_ENV_VARS.items()}
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    progress = None
    if verbose():
        # dbt's log as dbt prints it; colour only on a terminal.
        args += [] if sys.stdout.isatty() else ["--no-use-colors"]
    else:
        progress = Progress(label or f"dbt {command}", phases=phases, excluded_kinds=excluded_kinds)
        args += ["--log-level", "none", "--log-level-file", "debug"]
    args += extra_args or []
    if excluded_kinds:
        args += ["--exclude-resource-type", *excluded_kinds]
    # Set for this call only; one not given is unset (as for plain dbt), so neither an
    # earlier call's dates nor the shell's reach this one: the runner's own options decide.
    saved = {variable: os.environ.pop(variable, None) for variable in scoring_dates}
    os.environ.update({variable: str(value) for variable, value in scoring_dates.items() if value is not None})
    try:
        result = dbtRunner(callbacks=[progress] if progress else []).invoke(args)
    finally:
        for variable, value in saved.items():
            os.environ.pop(variable, None)
            if value is not None:
                os.environ[variable] = value
        if progress:
            progress.finish()
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
    """One entry per failed or erroring dbt node: the node, then its message in full."""
    lines = []
    for node_result in getattr(results, "results", None) or []:
        status = str(node_result.status).lower()
        if status in ("error", "fail", "runtimeerror"):
            message = _first_line(node_result.message or "")
            # The rest of dbt's message (the SQL error's context), without repeating the first line.
            rest = [line.rstrip() for line in str(node_result.message or "").strip().splitlines()
                    if line.strip() and line.strip() != message
                    and not line.strip().lower().startswith(("compilation error in", "runtime error in",
                                                             "database error in"))]
            detail = "".join("\n      " + line for line in rest)
            lines.append(f"{status}: {node_result.node.resource_type} {node_result.node.name}: {message}{detail}")
    return lines


def _first_line(message) -> str:
    text = str(message).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0] == "Parsing Error":
        # "Parsing Error / Error reading <file> - Runtime Error / Syntax error near line N": say file and line.
        return "Parsing Error: " + " ".join(lines[1:3])
    for line in lines:
        if not line.lower().startswith(("compilation error in", "runtime error in", "database error in")):
            return line
    return lines[0] if lines else ""


def check_raw_is_loaded(target: str) -> None:
    """Before dbt runs: a build with nothing loaded says so, not an engine's parser error."""
    hint = ("no raw data loaded yet; run "
            f"`python scripts/leadscore.py load --leads FILE [--events FILE]{_target_flag(target)}` first")
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


def stale_state_reason(problems: list[str]) -> str | None:
    """Why a kept incremental table cannot be added to (a model raised "... state is stale: ..."), or None.

    Such a table was built under other rules, raw columns or project version;
    rebuilding it from all the data (--full-refresh) is the fix, and the
    history, which is never full-refreshed, keeps what it recorded.
    """
    stale = [line for line in problems if "state is stale" in line]
    if not stale:
        return None
    if any("Engagement state is stale" in line for line in stale):
        return "the engagement rules now match differently than when the incremental state was built"
    if any("Lead state is stale" in line for line in stale):
        return "the kept lead state has columns the raw leads no longer have"
    return "a kept table was built by an earlier version of this project"


def run_dbt_rebuilding_stale_state(command: str, target: str, dbt_vars: dict | None, extra_args: list[str],
                                   **options):
    """run_dbt; when a kept incremental table reports itself stale, say why and run again with --full-refresh.

    build, backfill and backtest all go through here, so none of them stops on
    state a full refresh would mend (the history, never full-refreshed, stays).
    """
    success, results = run_dbt(command, target, dbt_vars, extra_args, **options)
    reason = None if success or "--full-refresh" in extra_args else stale_state_reason(failures(results))
    if reason:
        print(f"\n{reason}:\nrebuilding it from all the data (--full-refresh)\n")
        success, results = run_dbt(command, target, dbt_vars, [*extra_args, "--full-refresh"], **options)
    return success, results


def build(target: str = "duckdb", as_of: str | None = None, full_refresh: bool = False,
          select: str | None = None, project_dir=None, date_order: str | None = None,
          unit_tests: bool = False, whole_table_tests: bool = False) -> list[str]:
    """dbt build (seeds, models, data tests; unit tests when asked); return failure lines (empty on success).

    A kept incremental table that reports itself stale is rebuilt: the build
    runs again with --full-refresh, saying why.

    whole_table_tests: the tests that check only an append-only table's last
    build (the history's keys) check every row instead (var test_whole_tables).

    Unit tests check the SQL's logic on fixed fixtures, not the data: they belong
    in development and CI (`make test` runs them), not in every production build.
    """
    check_seed_files(Path(project_dir or PROJECT_DIR))
    dbt_vars = {}
    if as_of:
        dbt_vars["as_of"] = as_of
    if date_order:
        dbt_vars["date_order"] = date_order
    if whole_table_tests:
        dbt_vars["test_whole_tables"] = True
    extra = ["--full-refresh"] if full_refresh else []
    if select:
        extra += ["--select", select]
    success, results = run_dbt_rebuilding_stale_state("build", target, dbt_vars, extra, project_dir=project_dir,
                                                      excluded_kinds=() if unit_tests else ("unit_test",))
    problems = failures(results)
    if not success and not problems:
        problems = [f"dbt build did not succeed (see {'the log above' if verbose() else log_file(project_dir)})"]
    if not verbose():
        print(f"dbt log: {log_file(project_dir)}")
    return problems
