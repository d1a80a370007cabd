"""What-if: score the same data with candidate rule seeds and report what changes.

The candidate build runs in a scratch copy of the project against a scratch copy
of the warehouse file, as of the same date as the current marts, so the marts
users read are never touched.
"""

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from . import dbt_build
from .errors import UserError
from .metrics import ranking_quality
from .paths import PROJECT_DIR, duckdb_path, duckdb_settings

SCRATCH_IGNORE = shutil.ignore_patterns(".venv", ".git", "target", "logs", "*.duckdb", "*.wal", "demo_data",
                                        "reports", "spark-warehouse", "metastore_db", "__pycache__", ".pytest_cache",
                                        ".ruff_cache", "dbt_packages", "integration_tests")


def candidate_seeds(rules_dir: Path) -> list[Path]:
    """The candidate CSVs, each named like a shipped seed; anything else is an error."""
    if not rules_dir.is_dir():
        raise UserError(f"{rules_dir}: not a folder of candidate seed CSVs")
    shipped = {p.name for p in (PROJECT_DIR / "seeds").glob("*.csv")}
    files = sorted(rules_dir.glob("*.csv"))
    unknown = [p.name for p in files if p.name not in shipped]
    if unknown:
        raise UserError(f"{rules_dir}: {', '.join(unknown)} is not a seed name; expected one of {', '.join(sorted(shipped))}")
    if not files:
        raise UserError(f"{rules_dir}: no seed CSVs in it (expected e.g. fit_rules.csv)")
    return files


def diff_rules(rules_dir: Path, target: str = "duckdb", top: int = 10, out=print) -> int:
    if target != "duckdb":
        raise UserError("diff runs on the DuckDB target (it scores a scratch copy of the warehouse file)")
    files = candidate_seeds(rules_dir)
    current = duckdb_path()
    if not current.exists():
        raise UserError(f"{current}: no warehouse yet; run load and build first")
    with duckdb.connect(str(current), read_only=True) as con:
        as_of = con.execute("select cast(max(as_of) as varchar) from marts.lead_scores").fetchone()[0]
    if as_of is None:
        raise UserError("marts.lead_scores is empty; run build first")

    with tempfile.TemporaryDirectory(prefix="leadscore-diff-") as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(PROJECT_DIR, project, ignore=SCRATCH_IGNORE)
        for path in files:
            shutil.copy(path, project / "seeds" / path.name)
        candidate = Path(scratch) / "candidate.duckdb"
        shutil.copy(current, candidate)
        changed = [p.name for p in files if p.read_bytes() != (PROJECT_DIR / "seeds" / p.name).read_bytes()]
        out(f"scoring with candidate {', '.join(changed) or '(no seed differs from the shipped one)'} "
            f"as of {as_of} (marts untouched)")
        # The scratch build has its own warehouse and target folder, so the real
        # project's partial parse (target/) is left as the last real build made it;
        # its log goes to the project's log file, which outlives the scratch copy.
        scratch_environment = {"LEADSCORE_DUCKDB": str(candidate), "DBT_TARGET_PATH": str(Path(scratch) / "target"),
                               "DBT_LOG_PATH": str(dbt_build.log_file().parent)}
        previous = {name: os.environ.get(name) for name in scratch_environment}
        os.environ.update(scratch_environment)
        try:
            problems = dbt_build.build("duckdb", as_of=as_of, project_dir=project, full_refresh=True)
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        if problems:
            out(f"\ncandidate rules do not build: {len(problems)} problem(s)")
            for line in problems:
                out("  " + line)
            return 1
        report(current, candidate, top, out)
    return 0


def report(current: Path, candidate: Path, top: int, out=print) -> None:
    with duckdb.connect(config=duckdb_settings()) as con:
        con.execute(f"attach '{_literal(current)}' as current_marts (read_only)")
        con.execute(f"attach '{_literal(candidate)}' as candidate_marts (read_only)")
        con.execute("""
            create temp view compared as
            select
                coalesce(c.scoring_model, n.scoring_model) as scoring_model,
                coalesce(c.lead_id, n.lead_id) as lead_id,
                c.stage as stage_before, n.stage as stage_after,
                c.score as score_before, n.score as score_after,
                coalesce(n.score, 0) - coalesce(c.score, 0) as score_change
            from current_marts.marts.lead_stage c
            full outer join candidate_marts.marts.lead_stage n
                on c.scoring_model = n.scoring_model and c.lead_id = n.lead_id
        """)
        total, changed = con.execute(
            "select count(*), count(*) filter (where stage_before is distinct from stage_after) from compared"
        ).fetchone()
        out(f"\n== stage changes: {changed:,} of {total:,} lead scores change stage ==")
        for row in con.execute(
            "select scoring_model, coalesce(stage_before, '(none)'), coalesce(stage_after, '(none)'), count(*) "
            "from compared where stage_before is distinct from stage_after group by all order by 1, 4 desc, 2, 3"
        ).fetchall():
            out(f"  {row[0]}: {row[1]} -> {row[2]}: {row[3]:,}")
        out(f"\n== biggest movers (top {top}) ==")
        # Ties in the size of the change: stage changes first, then the leads that end highest.
        movers = con.execute(
            "select scoring_model, lead_id, score_before, score_after, score_change, stage_before, stage_after "
            "from compared where score_change <> 0 or stage_before is distinct from stage_after "
            "order by abs(score_change) desc, "
            "(stage_before is distinct from stage_after) desc, score_after desc nulls last, scoring_model, lead_id "
            "limit ?",
            [top],
        ).fetchall()
        for m in movers:
            out(f"  {m[0]} {m[1]}: {m[2]} -> {m[3]} ({m[4]:+.2f}), {m[5]} -> {m[6]}")
        if not movers:
            out("  no score or stage changes")
        report_ranking(con, out)
        out("\n== stage counts: before -> after ==")
        for row in con.execute(
            "select scoring_model, stage, count(*) filter (where side = 'before'), count(*) filter (where side = 'after') "
            "from (select scoring_model, stage_before as stage, 'before' as side from compared "
            "      union all select scoring_model, stage_after, 'after' from compared) "
            "where stage is not null group by all order by 1, 2"
        ).fetchall():
            out(f"  {row[0]} {row[1]}: {row[2]:,} -> {row[3]:,}")


def report_ranking(con, out=print) -> None:
    """AUC and lift at the MQL threshold of current and candidate rules, per scoring model."""
    figures = {}
    for side, catalog in (("current", "current_marts"), ("candidate", "candidate_marts")):
        con.execute(f"create or replace temp view {side}_scores as select scoring_model, score, "
                    f"case when converted_at is not null then 1 else 0 end as converted from {catalog}.marts.lead_scores")
        con.execute(f"create or replace temp view {side}_thresholds as select trim(scoring_model) as scoring_model, "
                    f"min(cast(min_score as double)) as min_score from {catalog}.rules.stage_thresholds "
                    "where lower(trim(stage)) = 'mql' group by 1")
        figures[side] = ranking_quality(con, f"{side}_scores", f"{side}_thresholds")
    out("\n== ranking of converted leads: current -> candidate ==")
    out("  (on the scores as of the build date, which include activity after a conversion: an optimistic"
        " figure, not a point-in-time backtest)")
    for model in sorted(set(figures["current"]) | set(figures["candidate"])):
        before, after = figures["current"].get(model, {}), figures["candidate"].get(model, {})
        if not (before.get("conversions") or after.get("conversions")):
            out(f"  {model}: no converted leads to rank")
            continue
        out(f"  {model}: AUC {_figure(before.get('auc'))} -> {_figure(after.get('auc'))}, "
            f"lift at the MQL threshold {_figure(before.get('lift'), 'x')} -> {_figure(after.get('lift'), 'x')} "
            f"({before.get('conversions', 0):,} converted of {before.get('leads', 0):,} leads)")
        if before.get("auc") is not None and after.get("auc") is not None:
            verdict = ("ranks converted leads better" if after["auc"] > before["auc"] + 0.005 else
                       "ranks converted leads worse" if after["auc"] < before["auc"] - 0.005 else
                       "ranks converted leads about the same")
            out(f"    the candidate {verdict} (AUC)")
        lifts = before.get("lift"), after.get("lift")
        if None not in lifts and abs(lifts[1] - lifts[0]) > 0.1 * lifts[0]:
            direction = "more" if lifts[1] > lifts[0] else "less"
            out(f"    its MQLs convert {direction} often: {after.get('leads_at_or_above', 0):,} leads at or above the "
                f"MQL threshold, against {before.get('leads_at_or_above', 0):,} now")


def _figure(value, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.3f}{unit}"


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
