"""Benchmark: the dbt pipeline against the fastest query DuckDB can run for the same work.

    python scripts/benchmark.py                                  # 1M, 10M and 50M events (leads: a tenth)
    python scripts/benchmark.py --sizes 1M,10M,50M --full-only 100M
    python scripts/benchmark.py --sizes 1M --json out.json
    python scripts/benchmark.py --sizes "" --spark 10M           # Spark in local mode, full build only

For each size, in a fresh DuckDB file: generate and load the data, then time, each
in its own process (peak RSS of each: the process's own high-water mark, VmHWM):

- full build: `dbt build --full-refresh` (seeds, models, dbt tests), then the
  Great Expectations validation the runner's `build` runs;
- daily refresh: 1% new events dated the next day are appended and as_of moves
  on a day (every decayed score changes), then `dbt build` and validation again;
- reference: one hand-written DuckDB statement over the raw tables that computes
  every lead's engagement score and total score, asserted equal to the mart
  before any number is printed.

A size given in --full-only runs the full build only (no reference, no refresh).
A size given in --spark loads the same generated data into a local Spark
warehouse (requirements-spark.txt) and times the full build and validation
there; its peak RSS is the Python process's and, separately, Spark's JVM's.

The reference covers the event side of the work (validation, deduplication,
sessions, rule matching, decay, thresholds, rule and group caps), which is where
the cost is; its fit points (lead-sized, a tenth of the rows) are read from the
pipeline's fit components, so it is a lower bound on the work, not a rival rule
engine. It does not train or apply the predictive model, which the build does.
It assumes ISO timestamps, as the generator writes.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

from runner import dbt_build, generate, load  # noqa: E402
from runner.paths import PROJECT_DIR, duckdb_settings  # noqa: E402

AS_OF = "2026-10-31"
# The daily refresh: the next day's events arrive and the build's as_of moves on by a day.
NEXT_DAY = "2026-11-01"
# The profile's engine settings, read from the same variables with the same defaults (profiles.yml).
DBT_THREADS = os.environ.get("LEADSCORE_DBT_THREADS", "1")
DUCKDB_THREADS = duckdb_settings()["threads"]
DUCKDB_MEMORY_LIMIT = duckdb_settings()["memory_limit"]
OUT_OF_MEMORY_EXIT = 3
# One statement holds every blocking operator at once; at 50M events it needs more than 3GB.
REFERENCE_FALLBACK_MEMORY_LIMIT = "16GB"

REFERENCE_SQL = """
create or replace table main.reference_scores as
with
active_models as (
    select
        trim(scoring_model) as scoring_model,
        cast(fit_weight as double) as fit_weight,
        cast(engagement_weight as double) as engagement_weight,
        cast(fit_max_points as double) as fit_max_points,
        cast(engagement_max_points as double) as engagement_max_points
    from rules.scoring_models
    -- The predictive model is learnt, not written: the reference covers the rules models.
    where lower(trim(is_active)) in ('true', 't', 'yes', 'y', '1') and lower(trim(kind)) = 'rules'
),
rules as (
    select
        trim(r.scoring_model) as scoring_model,
        trim(r.rule_id) as rule_id,
        lower(trim(r.category)) as category,
        lower(trim(r.event_type)) as event_type,
        nullif(lower(trim(r.url_contains)), '') as url_contains,
        nullif(lower(trim(r.email_type)), '') as email_type,
        try_cast(r.min_duration_seconds as double) as min_duration,
        try_cast(r.min_pages as double) as min_pages,
        lower(trim(r.award)) as award,
        coalesce(try_cast(r.min_count as double), 1) as min_count,
        try_cast(r.max_count as double) as max_count,
        cast(r.points as double) as points,
        try_cast(r.max_points as double) as max_points,
        coalesce(nullif(lower(trim(r.rule_group)), ''), lower(trim(r.rule_id))) as rule_group,
        lower(trim(r.decay)) as decay,
        try_cast(r.decay_days as double) as decay_days
    from rules.engagement_rules as r
    semi join active_models as m on trim(r.scoring_model) = m.scoring_model
),
rule_groups as (
    select trim(scoring_model) as scoring_model, lower(trim(rule_group)) as rule_group,
           cast(max_points as double) as group_max
    from rules.rule_groups
),
known_leads as (
    select distinct trim(lead_id) as lead_id from raw.leads where nullif(trim(lead_id), '') is not null
),
valid_events as (
    select
        trim(event_id) as event_id,
        trim(lead_id) as lead_id,
        lower(trim(event_type)) as event_type,
        try_cast(trim(occurred_at) as timestamp) as occurred_at,
        lower(nullif(trim(url), '')) as url,
        nullif(lower(trim(email_type)), '') as email_type,
        try_cast(duration_seconds as double) as duration,
        nullif(trim(session_id), '') as session_id
    from raw.events
    where nullif(trim(event_id), '') is not null and nullif(trim(lead_id), '') is not null
        and nullif(trim(event_type), '') is not null
        and try_cast(trim(occurred_at) as timestamp) <= _loaded_at + interval 24 hour
    qualify row_number() over (partition by trim(event_id) order by _loaded_at, _source_file, _source_row) = 1
),
events as (
    select * from valid_events semi join known_leads using (lead_id)
),
event_days as (
    select r.scoring_model, e.lead_id, r.rule_id, cast(e.occurred_at as date) as activity_on, count(*) as n
    from events as e
    inner join rules as r on e.event_type = r.event_type
    where (r.url_contains is null or position(r.url_contains in e.url) > 0)
        and (r.email_type is null or e.email_type = r.email_type)
        and (r.min_duration is null or e.duration >= r.min_duration)
    group by all
),
sessions as (
    select lead_id, session_id, min(occurred_at) as started_at,
        sum(case when event_type = 'page_view' then 1 else 0 end) as pages,
        greatest(coalesce(sum(duration), 0), date_diff('second', min(occurred_at), max(occurred_at))) as duration
    from events where session_id is not null
    group by all
),
session_days as (
    select r.scoring_model, s.lead_id, r.rule_id, cast(s.started_at as date) as activity_on, count(*) as n
    from sessions as s
    inner join rules as r on r.event_type = 'session'
        and (r.min_duration is null or s.duration >= r.min_duration)
        and (r.min_pages is null or s.pages >= r.min_pages)
    group by all
),
weighted as (
    select d.scoring_model, d.lead_id, d.rule_id, d.n,
        case r.decay
            when 'none' then 1.0
            when 'exponential' then pow(2.0, -1.0 * date_diff('day', d.activity_on, date '{as_of}') / r.decay_days)
            when 'linear' then greatest(0.0, 1.0 - 1.0 * date_diff('day', d.activity_on, date '{as_of}') / r.decay_days)
            when 'window' then case when date_diff('day', d.activity_on, date '{as_of}') < r.decay_days then 1.0 else 0.0 end
        end as w
    from (select * from event_days union all select * from session_days) as d
    inner join rules as r using (scoring_model, rule_id)
    where d.activity_on <= date '{as_of}'
),
per_rule as (
    select scoring_model, lead_id, rule_id, sum(case when w > 0 then n else 0 end) as counted,
        sum(n * w) as weighted_sum, max(w) as weight_max
    from weighted group by all
),
capped as (
    select p.scoring_model, p.lead_id, r.category, r.rule_group,
        case
            when r.max_points is null then u.points
            when u.points >= 0 then least(u.points, abs(r.max_points))
            else greatest(u.points, -abs(r.max_points))
        end as points
    from per_rule as p
    inner join rules as r using (scoring_model, rule_id)
    cross join lateral (
        select r.points * (case when r.award = 'per_event' then p.weighted_sum else p.weight_max end) as points
    ) as u
    where p.counted >= r.min_count and (r.max_count is null or p.counted <= r.max_count)
),
grouped as (
    select c.*, g.group_max,
        sum(case when c.points > 0 then c.points else 0 end)
            over (partition by c.scoring_model, c.lead_id, c.rule_group) as group_positive
    from capped as c left join rule_groups as g using (scoring_model, rule_group)
),
engagement as (
    select scoring_model, lead_id,
        sum(case when category = 'engagement' then
            case when points > 0 and group_positive > group_max then points * group_max / group_positive else points end
            else 0 end) as engagement_points,
        sum(case when category = 'negative' then points else 0 end) as event_negative_points
    from grouped group by all
),
fit as (
    select scoring_model, lead_id,
        sum(case when category = 'fit' then decayed_points else 0 end) as fit_points,
        sum(case when category = 'negative' then decayed_points else 0 end) as attribute_negative_points
    from intermediate.int_fit_rules_matched group by all
),
-- Point in time, as the marts: a lead created after as_of is not scored yet.
existing_leads as (
    select distinct trim(lead_id) as lead_id from raw.leads
    where nullif(trim(lead_id), '') is not null
        and coalesce(cast(try_cast(trim(created_at) as timestamp) as date) <= date '{as_of}', true)
),
leads_by_model as (
    select m.*, l.lead_id from active_models as m cross join existing_leads as l
),
parts as (
    select lm.scoring_model, lm.lead_id,
        least(100.0, greatest(0.0, 100.0 * coalesce(f.fit_points, 0) / lm.fit_max_points)) as fit_score,
        least(100.0, greatest(0.0, 100.0 * coalesce(e.engagement_points, 0) / lm.engagement_max_points)) as engagement_score,
        coalesce(e.event_negative_points, 0) + coalesce(f.attribute_negative_points, 0) as negative_points,
        lm.fit_weight, lm.engagement_weight
    from leads_by_model as lm
    left join engagement as e using (scoring_model, lead_id)
    left join fit as f using (scoring_model, lead_id)
)
select scoring_model, lead_id,
    round(engagement_score, 2) as engagement_score,
    round(least(100.0, greatest(0.0, fit_weight * fit_score + engagement_weight * engagement_score + negative_points)), 2)
        as score
from parts
"""

COMPARE_SQL = """
select
    count(*) as compared,
    count(*) filter (where abs(r.score - m.score) > 0.011 or abs(r.engagement_score - m.engagement_score) > 0.011)
        as different,
    (select count(*) from marts.lead_scores
     where scoring_model in (select scoring_model from main.reference_scores)) as mart_rows,
    (select count(*) from main.reference_scores) as reference_rows
from main.reference_scores as r
inner join marts.lead_scores as m using (scoring_model, lead_id)
"""


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if text[-1] in "KM" else text) * factor)


def timed_step(label: str, args: list[str], env: dict, allowed_exit: int | None = None) -> dict | None:
    """Run one step in its own process; wall seconds and peak RSS (MiB) of that process.

    Exiting with `allowed_exit` returns None instead of stopping the benchmark.
    """
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    exit_code = process.wait()
    seconds = time.perf_counter() - started
    if allowed_exit is not None and exit_code == allowed_exit:
        print(f"  {label:<22} {output.strip().splitlines()[-1]}", flush=True)
        return None
    if exit_code != 0:
        raise SystemExit(f"benchmark step '{label}' failed:\n{output[-3000:]}")
    # The child reports its own high-water mark: wait4's ru_maxrss of a forked child starts at its
    # parent's peak, so after an in-process generation of 100M events every step showed this process's 4.4 GB.
    peak_mib = int(re.search(r"own_peak_rss_mib=(\d+)", output).group(1))
    jvm = re.search(r"jvm_peak_rss_mib=(\d+)", output)
    jvm_text = f" + JVM {int(jvm.group(1)):,} MiB" if jvm else ""
    print(f"  {label:<22} {seconds:8.1f} s   peak RSS {peak_mib:7d} MiB{jvm_text}", flush=True)
    return {"seconds": round(seconds, 2), "peak_rss_mib": peak_mib, "output": output,
            **({"jvm_peak_rss_mib": int(jvm.group(1))} if jvm else {})}


def benchmark_target() -> str:
    return os.environ.get("BENCHMARK_TARGET", "duckdb")


def peak_rss_mib(pid: int | str = "self") -> int:
    """A process's peak RSS since it started: VmHWM, the high-water mark of its own address space."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) // 1024


def print_own_peak() -> None:
    """Child process: its own peak RSS, for timed_step."""
    print(f"own_peak_rss_mib={peak_rss_mib()}", flush=True)


def print_jvm_peak() -> None:
    """Spark's work happens in its JVM, a child this process does not reap: print that JVM's peak RSS."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    process = getattr(gateway, "proc", None) if gateway else None
    if process is None:
        return
    print(f"jvm_peak_rss_mib={peak_rss_mib(process.pid)}", flush=True)


def child_dbt(command: list[str]) -> int:
    """Child process: one dbt command through dbtRunner, as the runner's `build` runs it (no unit tests)."""
    as_of = os.environ.get("BENCHMARK_AS_OF", AS_OF)
    target = benchmark_target()
    success, results = dbt_build.run_dbt(command[0], target, {"as_of": as_of}, command[1:],
                                         excluded_kinds=("unit_test",))
    if target == "spark":
        print_jvm_peak()
    # A failed step names its node and the engine's error (out of memory, say), not only dbt's counts.
    for line in dbt_build.failures(results):
        print(line, flush=True)
    return 0 if success else 1


def child_load_spark(data: str) -> int:
    """Child process: the runner's Spark load of the generated files (its own JVM, as a user's load is)."""
    from runner import engines

    files = {name: Path(data) / f"{name}.parquet" for name in ("leads", "events", "conversions")}
    engines.load_engine("spark", files, "replace", progress=lambda _: None)
    print_jvm_peak()
    return 0


def child_validate() -> int:
    """Child process: the Great Expectations suites the runner's build runs after dbt."""
    from runner import validate

    target = benchmark_target()
    passed = validate.validate_marts(target, out=lambda _: None)
    if target == "spark":
        print_jvm_peak()
    print("validation passed" if passed else "validation FAILED", flush=True)
    return 0


def reference_ctes() -> tuple[dict[str, str], str]:
    """REFERENCE_SQL cut into its named CTEs (in order) and its final select, to recompose it."""
    body = REFERENCE_SQL.split("with\n", 1)[1]
    ctes, current, lines = {}, None, []
    for line in body.splitlines():
        header = re.fullmatch(r"([a-z_]+) as \(", line)
        if header and current is None:
            current, lines = header.group(1), [line]
        elif current is not None:
            lines.append(line)
            if line in ("),", ")"):
                ctes[current] = "\n".join(lines).rstrip(",")
                current = None
        elif line.startswith("select"):
            return ctes, body[body.rindex("\n" + line) + 1:]
    raise ValueError("REFERENCE_SQL: no final select")


def reference_statements(formulation: str) -> list[str]:
    """The reference as one statement, or staged: the per-day rule activity into a temporary table first,
    so no statement holds every blocking operator at once."""
    if formulation == "one statement":
        return [REFERENCE_SQL]
    ctes, final = reference_ctes()

    def with_ctes(names: list[str]) -> str:
        return "with\n" + ",\n".join(ctes[name] for name in names) + "\n"

    event_side = ["active_models", "rules", "known_leads", "valid_events", "events", "event_days", "sessions",
                  "session_days"]
    lead_side = [name for name in ctes if name not in event_side or name in ("active_models", "rules")]
    weighted = ctes["weighted"].replace("(select * from event_days union all select * from session_days)",
                                        "temp.main.reference_rule_days")
    assert weighted != ctes["weighted"]
    ctes["weighted"] = weighted
    return ["create or replace temp table reference_rule_days as\n" + with_ctes(event_side)
            + "select * from event_days union all select * from session_days",
            "create or replace table main.reference_scores as\n" + with_ctes(lead_side) + final]


REFERENCE_FORMULATIONS = ("one statement", "staged")


def child_reference(database: str, memory_limit: str, formulation: str) -> int:
    """Child process: the reference; exit OUT_OF_MEMORY_EXIT when it needs more than the limit."""
    import duckdb

    with duckdb.connect(database, config={"threads": DUCKDB_THREADS, "memory_limit": memory_limit,
                                          "preserve_insertion_order": False}) as con:
        try:
            for statement in reference_statements(formulation):
                con.execute(statement.format(as_of=AS_OF))
        except duckdb.OutOfMemoryException:
            print(f"out of memory at memory_limit {memory_limit}", flush=True)
            return OUT_OF_MEMORY_EXIT
    return 0


def run_reference(database: Path, env: dict) -> dict:
    """The fastest formulation of the reference, each under the pipeline's memory limit, or, when it cannot fit
    there, under a larger one.

    The reference stands for the fastest the engine can do, so it may have the memory the pipeline
    is denied; the limit it needed is reported next to its time. Each run rewrites main.reference_scores,
    and every formulation gives the same scores.
    """
    timings = {}
    for formulation in REFERENCE_FORMULATIONS:
        for memory_limit in (DUCKDB_MEMORY_LIMIT, REFERENCE_FALLBACK_MEMORY_LIMIT):
            result = timed_step(f"reference: {formulation}", ["--child-reference", str(database), memory_limit,
                                                               formulation], env, allowed_exit=OUT_OF_MEMORY_EXIT)
            if result is not None:
                timings[formulation] = {**result, "memory_limit": memory_limit, "formulation": formulation}
                break
    if not timings:
        raise SystemExit(f"reference ran out of memory even at {REFERENCE_FALLBACK_MEMORY_LIMIT}")
    fastest = min(timings.values(), key=lambda timing: timing["seconds"])
    return {**fastest, "all_formulations": {name: {"seconds": t["seconds"], "peak_rss_mib": t["peak_rss_mib"],
                                                   "memory_limit": t["memory_limit"]} for name, t in timings.items()}}


def dbt_timings() -> dict:
    """dbt's own split of the last dbt command: seconds in models, in tests and seeds, and the slowest models."""
    target_dir = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    by_kind = {"model": 0.0, "test": 0.0, "seed": 0.0, "unit_test": 0.0}
    models = []
    for result in results:
        kind = result["unique_id"].split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + result["execution_time"]
        if kind == "model":
            models.append((result["unique_id"].split(".")[-1], round(result["execution_time"], 2)))
    return {"models_seconds": round(by_kind["model"], 1),
            "tests_seconds": round(by_kind["test"] + by_kind["unit_test"], 1),
            "seeds_seconds": round(by_kind["seed"], 1),
            "slowest_models": sorted(models, key=lambda item: -item[1])[:12]}


def build_and_validate(label: str, dbt_args: list[str], env: dict) -> dict:
    """What the runner's `build` does, step by step: dbt build, then validation. Seconds and peak RSS of each."""
    dbt_step = timed_step(f"{label}: dbt build", ["--child-dbt", "build", *dbt_args], env)
    split = dbt_timings()
    print(f"  {'':<22} models {split['models_seconds']:.1f} s, tests {split['tests_seconds']:.1f} s, "
          f"seeds {split['seeds_seconds']:.1f} s (dbt's timings)", flush=True)
    validation = timed_step(f"{label}: validation", ["--child-validate"], env)
    jvm = {f"{step}_jvm_peak_rss_mib": result["jvm_peak_rss_mib"]
           for step, result in (("dbt", dbt_step), ("validation", validation)) if "jvm_peak_rss_mib" in result}
    return {"seconds": round(dbt_step["seconds"] + validation["seconds"], 2),
            "dbt_seconds": dbt_step["seconds"], "dbt_peak_rss_mib": dbt_step["peak_rss_mib"],
            "validation_seconds": validation["seconds"], "validation_peak_rss_mib": validation["peak_rss_mib"],
            "validation_passed": "validation passed" in validation["output"],
            "peak_rss_mib": max(dbt_step["peak_rss_mib"], validation["peak_rss_mib"]), **jvm, **split}


def generate_data(events: int, leads: int, data: Path, seed: int) -> float:
    """The runner's generator writes the size's Parquet files into data; its seconds, printed."""
    started = time.perf_counter()
    generate.generate(leads, events, data, seed=seed, file_format="parquet", progress=lambda _: None)
    seconds = time.perf_counter() - started
    print(f"  {'generate':<22} {seconds:8.1f} s", flush=True)
    return seconds


def bench_size(events: int, work: Path, seed: int, full_only: bool = False) -> dict:
    import duckdb

    leads = max(events // 10, 1)
    print(f"\n== {events:,} events, {leads:,} leads{' (full build only)' if full_only else ''} ==", flush=True)
    data = work / f"data_{events}"
    database = work / f"bench_{events}.duckdb"
    env = {**os.environ, "LEADSCORE_DUCKDB": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    generate_seconds = generate_data(events, leads, data, seed)
    started = time.perf_counter()
    files = {name: data / f"{name}.parquet" for name in ("leads", "events", "conversions")}
    load.load_duckdb(database, files, "replace", loaded_at=None, progress=lambda _: None)
    load_seconds = time.perf_counter() - started
    print(f"  {'load':<22} {load_seconds:8.1f} s", flush=True)

    row = {"events": events, "leads": leads, "generate_seconds": round(generate_seconds, 2),
           "load_seconds": round(load_seconds, 2)}
    full = build_and_validate("full build", ["--full-refresh"], env)
    row.update({"full": full, "events_per_second_full": round(events / full["seconds"])})
    if full_only:
        print(f"  full build {full['seconds']:.1f} s, {row['events_per_second_full']:,} events/s, "
              f"peak RSS {full['peak_rss_mib']:,} MiB", flush=True)
        shutil.rmtree(data, ignore_errors=True)
        database.unlink(missing_ok=True)
        return row

    reference = run_reference(database, env)
    with duckdb.connect(str(database)) as con:
        compared, different, mart_rows, reference_rows = con.execute(COMPARE_SQL).fetchone()
    if different or compared != mart_rows or compared != reference_rows:
        raise SystemExit(f"reference and mart disagree: {different} of {compared} scores differ "
                         f"({mart_rows} mart rows, {reference_rows} reference rows)")
    print(f"  reference == mart on all {compared:,} lead scores", flush=True)

    # The daily refresh: 1% new events (new ids, existing leads) dated the next day, and as_of moves on a day,
    # so every decayed score changes.
    batch = data / "append.parquet"
    with duckdb.connect() as con:
        con.execute(f"""copy (select 'N' || event_id as event_id, lead_id, event_type,
                        '{NEXT_DAY}' || substr(occurred_at, 11) as occurred_at, url, email_type,
                        duration_seconds, session_id from read_parquet('{data / "events.parquet"}')
                        using sample {max(events // 100, 1)} rows (reservoir, {seed}))
                     to '{batch}' (format parquet)""")
    load.load_duckdb(database, {"events": batch}, "append", progress=lambda _: None)
    daily = build_and_validate("daily refresh", [], {**env, "BENCHMARK_AS_OF": NEXT_DAY})

    row.update({
        "daily": daily,
        "reference_seconds": reference["seconds"], "reference_peak_rss_mib": reference["peak_rss_mib"],
        "reference_memory_limit": reference["memory_limit"], "reference_formulation": reference["formulation"],
        "reference_formulations": reference["all_formulations"],
        "events_per_second_reference": round(events / reference["seconds"]),
        "full_vs_reference": round(full["seconds"] / reference["seconds"], 2),
        "daily_vs_full": round(daily["seconds"] / full["seconds"], 3),
    })
    print(f"  full / reference {row['full_vs_reference']:.2f}x, daily / full {100 * row['daily_vs_full']:.0f}%, "
          f"{row['events_per_second_full']:,} events/s", flush=True)
    shutil.rmtree(data, ignore_errors=True)
    database.unlink(missing_ok=True)
    return row


def bench_spark(events: int, work: Path, seed: int) -> dict:
    """The full build on Spark in local mode: the same generated data, loaded by the runner's Spark load."""
    leads = max(events // 10, 1)
    print(f"\n== {events:,} events, {leads:,} leads on Spark (local mode, full build only) ==", flush=True)
    data = work / f"spark_data_{events}"
    warehouse = work / f"spark_warehouse_{events}"
    env = {**os.environ, "BENCHMARK_TARGET": "spark", "LEADSCORE_SPARK_WAREHOUSE": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    generate_seconds = generate_data(events, leads, data, seed)
    loaded = timed_step("load (Spark)", ["--child-load-spark", str(data)], env)
    full = build_and_validate("full build (Spark)", ["--full-refresh"], env)
    row = {"engine": "spark", "events": events, "leads": leads, "generate_seconds": round(generate_seconds, 2),
           "load_seconds": loaded["seconds"], "load_jvm_peak_rss_mib": loaded.get("jvm_peak_rss_mib"),
           "full": full, "events_per_second_full": round(events / full["seconds"])}
    print(f"  full build on Spark {full['seconds']:.1f} s, {row['events_per_second_full']:,} events/s", flush=True)
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(warehouse, ignore_errors=True)
    return row


def print_table(rows: list[dict]) -> None:
    print("\n| events | leads | full build (dbt + validation) | daily refresh +1%, as_of + 1 day | reference "
          "(memory limit) | full / reference | daily / full | events/s (full) "
          "| peak RSS: full dbt, validation, daily dbt, reference |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        full = r["full"]
        full_text = f"{full['seconds']:,.1f} s ({full['dbt_seconds']:,.1f} + {full['validation_seconds']:.1f})"
        if "daily" not in r:
            engine = " (Spark)" if r.get("engine") == "spark" else ""
            jvm = (f" (JVM {full.get('dbt_jvm_peak_rss_mib', 0):,}, {full.get('validation_jvm_peak_rss_mib', 0):,})"
                   if engine else "")
            print(f"| {r['events']:,}{engine} | {r['leads']:,} | {full_text} | not run | not run | | | "
                  f"{r['events_per_second_full']:,} | {full['dbt_peak_rss_mib']:,}, {full['validation_peak_rss_mib']:,} "
                  f"MiB{jvm} |")
            continue
        daily = r["daily"]
        print(f"| {r['events']:,} | {r['leads']:,} | {full_text} "
              f"| {daily['seconds']:,.1f} s ({daily['dbt_seconds']:,.1f} + {daily['validation_seconds']:.1f}) "
              f"| {r['reference_seconds']:,.1f} s ({r['reference_memory_limit']}) "
              f"| {r['full_vs_reference']:.2f}x | {100 * r['daily_vs_full']:.0f}% | {r['events_per_second_full']:,} "
              f"| {full['dbt_peak_rss_mib']:,}, {full['validation_peak_rss_mib']:,}, {daily['dbt_peak_rss_mib']:,}, "
              f"{r['reference_peak_rss_mib']:,} MiB |")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    children = {"--child-dbt": lambda: child_dbt(argv[1:]),
                "--child-reference": lambda: child_reference(argv[1], argv[2], argv[3]),
                "--child-validate": child_validate,
                "--child-load-spark": lambda: child_load_spark(argv[1])}
    if argv and argv[0] in children:
        exit_code = children[argv[0]]()
        if exit_code == 0:  # otherwise the last line stays the child's reason (out of memory, say)
            print_own_peak()
        return exit_code
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1M,10M,50M", help="event counts, e.g. 1M,10M,50M")
    parser.add_argument("--full-only", default="", help="event counts to run the full build only, e.g. 100M")
    parser.add_argument("--spark", default="",
                        help="event counts to run the full build on Spark in local mode, e.g. 10M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, default=PROJECT_DIR / "reports" / "benchmark.json")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep-failed", action="store_true",
                        help="move a failed size's DuckDB file and data into --work, to rerun the failing "
                             "model there (dbt build -s model+ with LEADSCORE_DUCKDB set)")
    args = parser.parse_args(argv)
    if args.keep_failed and not args.work:
        parser.error("--keep-failed needs --work (the folder that keeps the failed size)")
    sizes = [(parse_size(s), False) for s in args.sizes.split(",") if s.strip()]
    sizes += [(parse_size(s), True) for s in args.full_only.split(",") if s.strip()]
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "dbt_threads": DBT_THREADS, "duckdb_threads": DUCKDB_THREADS,
               "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT}
    print(f"machine: {machine}")
    runs = [partial(bench_size, n, full_only=full_only) for n, full_only in sizes]
    runs += [partial(bench_spark, parse_size(s)) for s in args.spark.split(",") if s.strip()]
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    rows, failure = [], None
    with tempfile.TemporaryDirectory(prefix="leadscore-bench-", dir=args.work) as scratch:
        for run in runs:
            try:
                rows.append(run(work=Path(scratch), seed=args.seed))
            except SystemExit as stopped:
                # A size that fails (out of memory at 100M, say) keeps the sizes already measured.
                failure = {"events": run.args[0], "error": str(stopped)}
                print(f"\nfailed at {run.args[0]:,} events: {stopped}", flush=True)
                if args.keep_failed:
                    failure["kept"] = keep_failed_size(Path(scratch), args.work)
                    print(f"kept for inspection: {', '.join(failure['kept'])}", flush=True)
                break
            write_results(args.json, machine, rows, failure)
    print_table(rows)
    write_results(args.json, machine, rows, failure)
    print(f"\nwrote {args.json}")
    return 1 if failure else 0


def keep_failed_size(scratch: Path, work: Path) -> list[str]:
    """Moves the failed size's files (its DuckDB file, generated data) out of the scratch folder into work."""
    kept = []
    for path in sorted(scratch.iterdir()):
        # DuckDB sizes only: a Spark warehouse's metastore points at the scratch paths it was made in.
        if path.name.startswith(("bench_", "data_")) and not path.name.endswith(".tmp"):
            target = work / path.name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
            shutil.move(str(path), target)
            kept.append(str(target))
    return kept


def write_results(path: Path, machine: dict, rows: list[dict], failure: dict | None) -> None:
    """The JSON report, rewritten after every size so a later failure keeps what was measured."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine, "as_of": AS_OF, "results": rows, **({"failed": failure} if failure else {})}
    path.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
