"""Scores over time: backfill the history, export the change feed after a cursor.

Backfill scores many dates per dbt run (int_scoring_dates yields them all and
every lead-level model is keyed by as_of), so a year of daily history is a
dozen dbt runs, not 365 builds. The engagement state is built once, by the
first run; later runs only rebuild the date-keyed models.
"""

import time
from datetime import date, timedelta

from . import dbt_build, gate, publish
from .errors import UserError
from .warehouse import execute, read_sql

HISTORY = "marts.lead_score_history"
HISTORY_INDEX = "marts.lead_score_history__latest"
CHANGE_COLUMNS = ("change_seq, lead_id, scoring_model, change_type, previous_score, score, score_delta, "
                  "previous_grade, grade, previous_stage, stage, top_reasons, as_of, scored_at, run_id")


def parse_every(text: str) -> int:
    """'1d', '7d' or '7' -> days."""
    days = text[:-1] if text.lower().endswith("d") else text
    if not days.isdigit() or int(days) < 1:
        raise UserError(f"--every '{text}': give a number of days such as 1d or 7d")
    return int(days)


def backfill_dates(first: date, last: date, every_days: int) -> list[date]:
    """Every every_days from first, and last itself (the series may not land on it)."""
    dates = [first + timedelta(days=offset) for offset in range(0, (last - first).days + 1, every_days)]
    if dates[-1] != last:
        dates.append(last)
    return dates


def date_from(target: str, expression: str, relation: str) -> date | None:
    """One date a query finds (select <expression> from <relation>), or None when it finds none."""
    found = read_sql(f"select cast({expression} as {_text(target)}) as found_on from {relation}", target)
    value = found.iloc[0]["found_on"]
    return None if value is None or str(value) in ("None", "NaT", "nan") else date.fromisoformat(str(value)[:10])


def recorded_date(target: str, aggregate: str = "max") -> date | None:
    """The latest (or with aggregate 'min', the first) as_of the history records; None without a history."""
    try:
        return date_from(target, f"{aggregate}(as_of)", HISTORY)
    except UserError:
        return None


def recorded_through(target: str) -> date | None:
    return recorded_date(target, "max")


def default_last_date(target: str) -> date:
    """The date a plain build scores as of, as int_scoring_dates decides it (not worked out again here)."""
    return date_from(target, "max(as_of)", "intermediate.int_scoring_dates where is_latest")


# Lead x date rows one dbt run may score: beyond about this many, DuckDB spills to disk within the
# profile's 3GB and a date costs more in a bigger run than alone (measured at 1M leads: 7 dates in one run
# took 88 s a date; one date alone about 60 s).
LEAD_DATES_PER_RUN = 2_000_000
MAX_DATES_PER_RUN = 31


def default_dates_per_run(target: str) -> int:
    leads = int(read_sql("select count(*) as leads from staging.stg_crm__leads", target).iloc[0]["leads"])
    return max(1, min(MAX_DATES_PER_RUN, LEAD_DATES_PER_RUN // max(leads, 1)))


def first_lead_date(target: str) -> date:
    """The earliest lead creation date in the data (staging must be built)."""
    found = date_from(target, "min(cast(created_at as date))", "staging.stg_crm__leads")
    if found is None:
        raise UserError("no lead has a creation date, so there is no past to replay; pass --from YYYY-MM-DD")
    return found


def backfill(target: str, first: date | None, last: date | None, every_days: int, dates_per_run: int | None,
             reset_history: bool, most_dates_per_run: int | None = None) -> int:
    """Score every every_days from first (default: the first lead's creation date) to last."""
    dbt_build.check_raw_is_loaded(target)
    started = time.monotonic()
    success, results = dbt_build.run_dbt("seed", target, label="dbt seed", phases=False)
    if not success:
        return _report_failure(dbt_build.failures(results))
    if first is None or last is None or dates_per_run is None:
        # The event state and staging must exist to know the data's latest date and size.
        success, results = dbt_build.run_dbt("run", target, extra_args=["--select", "+int_scoring_dates"],
                                             label="dbt run (staging)", phases=False)
        if not success:
            return _report_failure(dbt_build.failures(results))
        last = last or default_last_date(target)
        first = first or first_lead_date(target)
    if first > last:
        raise UserError(f"--from {first} is after --to {last}")
    recorded = recorded_through(target)
    if recorded is not None and reset_history:
        # Its index of each lead's last row goes with it (a stale one would be rebuilt anyway).
        execute([(f"drop table if exists {HISTORY}", []), (f"drop table if exists {HISTORY_INDEX}", [])], target)
        print(f"history reset: {HISTORY} dropped (it recorded scores up to {recorded})")
    elif recorded is not None and recorded >= first:
        raise UserError(f"{HISTORY} already records scores as of {recorded}; backfill adds dates after it "
                        f"(--from {recorded + timedelta(days=1)} or later), or pass --reset-history to drop "
                        "the recorded history and rebuild it from --from")
    dates = backfill_dates(first, last, every_days)
    if dates_per_run is None:
        dates_per_run = default_dates_per_run(target)
        if most_dates_per_run is not None:
            dates_per_run = min(dates_per_run, most_dates_per_run)
    chunks = [dates[i:i + dates_per_run] for i in range(0, len(dates), dates_per_run)]
    print(f"backfill: {len(dates)} dates from {first} to {last}, every {every_days} day(s), "
          f"in {len(chunks)} dbt run(s)")
    for number, chunk in enumerate(chunks, start=1):
        dbt_vars = {"as_of": chunk[-1].isoformat()}
        if len(chunk) > 1:
            dbt_vars |= {"as_of_from": chunk[0].isoformat(), "as_of_every_days": every_days}
        # The first run brings the event state up to date; later ones rebuild only what dates change.
        # scoring_runs logs each run, with the dates it scored.
        select = (["+lead_score_history", "+scoring_runs"] if number == 1 else
                  ["int_scoring_dates+,+lead_score_history", "int_scoring_dates+,+scoring_runs"])
        success, results = dbt_build.run_dbt_rebuilding_stale_state(
            "run", target, dbt_vars, ["--select", *select],
            label=f"backfill {number}/{len(chunks)} ({chunk[0]}..{chunk[-1]})", phases=False)
        if not success:
            return _report_failure(dbt_build.failures(results))
    # The marts end as a normal build as of the last date leaves them: tested and complete. The runs above
    # appended without tests, so the history's keys are checked on every row, not only the last run's.
    problems = dbt_build.build(target, as_of=last.isoformat(), whole_table_tests=True)
    if problems:
        return _report_failure(problems)
    summary = read_sql(f"select count(*) as changes, min(as_of) as first_as_of, max(as_of) as last_as_of, "
                       f"max(change_seq) as last_seq from {HISTORY}", target).iloc[0]
    print(f"history: {int(summary['changes']):,} changes from {str(summary['first_as_of'])[:10]} to "
          f"{str(summary['last_as_of'])[:10]}, cursor at change_seq {int(summary['last_seq'] or 0):,} "
          f"({time.monotonic() - started:.1f}s)")
    print("the marts are as of " + last.isoformat() + "; run `validate` before `export` (export refuses "
          "unvalidated marts)")
    return 0


def export_changes(target: str, since: int, out, allow_unvalidated: bool) -> int:
    if not allow_unvalidated:
        gate.check_exportable(target)
    frame = read_sql(f"select {CHANGE_COLUMNS} from {HISTORY} where change_seq > ? order by change_seq",
                     target, [since])
    publish.write_frame_atomically(frame, out)
    if frame.empty:
        print(f"exported 0 changes to {out}: none after change_seq {since}; the cursor stays at {since}")
    else:
        print(f"exported {len(frame):,} changes to {out} (change_seq {int(frame['change_seq'].iloc[0]):,} to "
              f"{int(frame['change_seq'].iloc[-1]):,}); next cursor: --changes-since "
              f"{int(frame['change_seq'].iloc[-1])}")
    return 0


def _report_failure(problems: list[str]) -> int:
    print(f"\nbackfill failed: {len(problems)} problem(s)")
    for line in problems:
        print("  " + line)
    return 1


def _text(target: str) -> str:
    return "string" if target == "spark" else "varchar"
