"""Benchmark: what a daily build pays to read lead_score_history as the history grows.

    python scripts/benchmark_history.py                         # 100K leads, 1, 30, 90 and 180 days
    python scripts/benchmark_history.py --leads 200K --days 1,30

A daily build compares each lead's new score with the last one the history
recorded, and lead_scores shows when each score and stage last changed. The
history gains about a row per lead and scoring model per day (exponential
decay moves every engaged lead's score daily), so reading it whole makes every
build slower than the last. For each history length, a synthetic history in a
DuckDB database (two scoring models, every lead inserted on day 1 and updated
every day after it: the worst case), then, each timed on the same data:

- whole history (what the models read before the index, and still do when it
  is missing or behind): each lead's last row by a window over the whole
  history, and the last score and stage changes by an aggregate over it;
- index (now, macros/history_latest.sql): the index of each lead's last row,
  rewritten from itself plus the day's new rows.

Each side writes its answer to a table; reading the index afterwards is a
scan of a row per lead, as the first side's answer would be. Not timed: the
column scans both sides share in a build (the history's highest change_seq
and as_of, the index's currency check, the new rows by change_seq).

The two answers are asserted equal before any number is printed.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

from runner.paths import duckdb_settings  # noqa: E402

COLUMNS = "scoring_model, lead_id, change_seq, change_type, score, grade, stage, top_reasons, as_of, run_id"

# Every lead of two models on day 1 (inserts), then an update per lead per day; a stage moves every 7 days.
HISTORY_SQL = """
create or replace table history as
select
    row_number() over (order by day, model, lead) as change_seq,
    'L' || lead as lead_id,
    case when model = 0 then 'b2b_default' else 'smb_self_serve' end as scoring_model,
    case when day = 0 then 'insert' else 'update' end as change_type,
    case when day = 0 then null else round(50 + 40 * sin(lead + day - 1), 2) end as previous_score,
    round(50 + 40 * sin(lead + day), 2) as score,
    'B' as grade,
    case when day = 0 then null else case when (lead + day - 1) // 7 % 2 = 0 then 'lead' else 'mql' end end
        as previous_stage,
    case when (lead + day) // 7 % 2 = 0 then 'lead' else 'mql' end as stage,
    '+10 pricing page' as top_reasons,
    date '2026-01-01' + cast(day as integer) as as_of,
    timestamp '2026-01-01 06:00:00' + to_days(cast(day as integer)) as scored_at,
    'run-' || day as run_id
from range({days}) as days(day)
cross join range(2) as models(model)
cross join range({leads}) as leads(lead)
"""

WHOLE_HISTORY_SQL = """
with last_rows as (
    select * from (
        select history.*, row_number() over (partition by scoring_model, lead_id order by change_seq desc) as recency
        from history
    ) as ranked where recency = 1
),
last_changes as (
    select
        scoring_model,
        lead_id,
        max(case when change_type = 'insert' or score <> previous_score then scored_at end) as score_changed_at,
        max(case when change_type = 'insert' or coalesce(stage, '') <> coalesce(previous_stage, '') then scored_at end)
            as stage_changed_at
    from history
    where change_type <> 'delete'
    group by scoring_model, lead_id
)
select last_rows.scoring_model, last_rows.lead_id, last_rows.change_seq, last_rows.score, last_rows.stage,
    last_changes.score_changed_at, last_changes.stage_changed_at
from last_rows
inner join last_changes using (scoring_model, lead_id)
"""


def index_sql(source: str, kept_through: int) -> str:
    """The index's rows (from the kept index, history_index, and the history after kept_through), as
    macros/history_latest.sql writes them."""
    return f"""
with new_rows as (
    select {COLUMNS},
        case when change_type = 'insert' or (change_type = 'update' and score <> previous_score)
            then scored_at end as score_changed_at,
        case when change_type = 'insert'
            or (change_type = 'update' and coalesce(stage, '') <> coalesce(previous_stage, '')) then scored_at end
            as stage_changed_at
    from {source}
    where change_seq > {kept_through}
),
new_changed_at as (
    select scoring_model, lead_id, max(score_changed_at) as score_changed_at,
        max(stage_changed_at) as stage_changed_at
    from new_rows group by scoring_model, lead_id
),
new_last_rows as (
    select * from (
        select new_rows.*, row_number() over (partition by scoring_model, lead_id order by change_seq desc) as recency
        from new_rows
    ) as ranked where recency = 1
),
kept as (select * from history_index)
select new_last_rows.* exclude (recency, score_changed_at, stage_changed_at),
    case when kept.score_changed_at is null or new_changed_at.score_changed_at > kept.score_changed_at
        then new_changed_at.score_changed_at else kept.score_changed_at end as score_changed_at,
    case when kept.stage_changed_at is null or new_changed_at.stage_changed_at > kept.stage_changed_at
        then new_changed_at.stage_changed_at else kept.stage_changed_at end as stage_changed_at
from new_last_rows
inner join new_changed_at using (scoring_model, lead_id)
left join kept using (scoring_model, lead_id)
union all
select kept.* from kept
where not exists (select 1 from new_changed_at
                  where new_changed_at.scoring_model = kept.scoring_model and new_changed_at.lead_id = kept.lead_id)
"""


def count(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * scale)


def measure(connection, leads: int, days: int) -> dict:
    connection.execute(HISTORY_SQL.format(days=days, leads=leads))
    last_day_from = connection.execute(f"select min(change_seq) from history where as_of = "
                                       f"date '2026-01-01' + {days - 1}").fetchone()[0]
    # The index as the previous day's build left it (every row before the last day's).
    earlier_rows = f"(select * from history where change_seq < {last_day_from}) as earlier"
    connection.execute(f"create or replace table history_index as select {COLUMNS}, "
                       "scored_at as score_changed_at, scored_at as stage_changed_at from history where false")
    connection.execute(f"create or replace table history_index_next as {index_sql(earlier_rows, kept_through=0)}")
    connection.execute("drop table history_index")
    connection.execute("alter table history_index_next rename to history_index")
    # Each side writes its answer to a table, as the models do (no rows travel to Python).
    started = time.perf_counter()
    connection.execute(f"create or replace table whole_answer as {WHOLE_HISTORY_SQL}")
    whole_seconds = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute(f"create or replace table history_index_next as "
                       f"{index_sql('history', kept_through=last_day_from - 1)}")
    connection.execute("drop table history_index")
    connection.execute("alter table history_index_next rename to history_index")
    index_seconds = time.perf_counter() - started
    columns = "scoring_model, lead_id, change_seq, score, stage, score_changed_at, stage_changed_at"
    differing = connection.execute(
        f"select count(*) from ((select {columns} from whole_answer except select {columns} from history_index) "
        f"union all (select {columns} from history_index except select {columns} from whole_answer))").fetchone()[0]
    assert differing == 0, f"the index disagrees with the whole history on {differing} rows"
    rows = connection.execute("select count(*) from history").fetchone()[0]
    return {"days": days, "history_rows": rows, "whole": whole_seconds, "index": index_seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", default="100K", help="leads per scoring model, e.g. 100K")
    parser.add_argument("--days", default="1,30,90,180", help="history lengths in days, e.g. 1,30,90")
    args = parser.parse_args(argv)
    leads = count(args.leads)
    settings = duckdb_settings()
    # A file, not memory: a long history of many leads is larger than the memory limit.
    scratch = tempfile.TemporaryDirectory(prefix="leadscore-history-bench-")
    connection = duckdb.connect(str(Path(scratch.name) / "history.duckdb"),
                                config={"threads": int(settings["threads"]), "memory_limit": settings["memory_limit"]})
    print(f"{leads:,} leads x 2 scoring models; DuckDB threads {settings['threads']}, "
          f"memory limit {settings['memory_limit']}")
    print("| days of history | history rows | whole history | index | whole / index |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for days in (int(text) for text in args.days.split(",")):
        result = measure(connection, leads, days)
        print(f"| {days} | {result['history_rows']:,} | {result['whole']:.2f} s | {result['index']:.2f} s | "
              f"{result['whole'] / result['index']:.1f}x |", flush=True)
    connection.close()
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
