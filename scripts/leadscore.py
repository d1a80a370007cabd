"""Lead scoring runner: generate, load, build, backfill, backtest, validate, export, report, diff, suggest, docs, demo.

    python scripts/leadscore.py demo
    python scripts/leadscore.py COMMAND --help
"""

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from runner import commands, load
from runner.errors import UserError
from runner.paths import TARGETS


def _date(text: str) -> str:
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None
    return text


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a timestamp YYYY-MM-DD[ HH:MM:SS]") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _cursor(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a change_seq (a whole number, 0 for all)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="leadscore", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)

    def with_target(p):
        p.add_argument("--target", choices=TARGETS, default="duckdb", help="warehouse (default duckdb)")
        p.add_argument("--verbose", action="store_true", help="print dbt's own log instead of a progress line "
                       "(it always goes to logs/dbt.log)")
        return p

    g = sub.add_parser("generate", help="write deterministic synthetic leads, events and conversions")
    g.add_argument("--leads", type=_positive, required=True, help="number of leads")
    g.add_argument("--events", type=_positive, required=True, help="number of events")
    g.add_argument("--out", type=Path, required=True, help="output folder")
    g.add_argument("--seed", type=int, default=42, help="random seed (same seed, same files)")
    g.add_argument("--format", choices=("csv", "parquet"), default="csv")

    ld = with_target(sub.add_parser("load", help="load CSV or Parquet files into the raw schema"))
    ld.add_argument("--leads", type=Path, help="leads file")
    ld.add_argument("--events", type=Path, help="events file")
    ld.add_argument("--conversions", type=Path, help="conversions file (optional)")
    ld.add_argument("--mode", choices=("replace", "append"), default="replace")
    ld.add_argument("--rename", help="map your column names: source:target,... (e.g. mql_id:lead_id)")
    ld.add_argument("--delimiter", help="CSV delimiter when it is not detected (e.g. ';')")
    ld.add_argument("--encoding", choices=load.ENCODINGS, default="utf-8", help="text encoding of CSV files")
    ld.add_argument("--max-line-size", type=_positive, help="longest CSV line accepted, in bytes (default 2000000)")
    ld.add_argument("--loaded-at", type=_timestamp, help="load time stamped on the rows (default now, UTC)")

    b = with_target(sub.add_parser("build", help="dbt build, then validate the marts and summarise"))
    b.add_argument("--as-of", type=_date, help="score as of this date (default: latest date in the data)")
    b.add_argument("--date-order", choices=("dmy", "mdy"), help="read ambiguous dates day-first or month-first "
                   "(default dmy, from dbt_project.yml)")
    b.add_argument("--full-refresh", action="store_true", help="rebuild incremental state from scratch")
    b.add_argument("--skip-validation", action="store_true", help="do not run the Great Expectations suites")
    b.add_argument("--unit-tests", action="store_true", help="also run the dbt unit tests (the rules' logic on "
                   "fixed fixtures; `make test` runs them, production builds need not)")
    b.add_argument("--reader-copy", type=Path, help="after a build that passes validation, publish its marts to "
                   "this DuckDB file (atomically), for BI tools to read while later builds run")

    v = with_target(sub.add_parser("validate", help="run the Great Expectations suites on the marts"))
    v.add_argument("--max-reject-share", type=float, default=None, help="override the allowed rejected share")

    e = with_target(sub.add_parser("export", help="write scores and stages to CSV or Parquet for a CRM sync"))
    e.add_argument("--out", type=Path, required=True, help="output file (.csv or .parquet)")
    e.add_argument("--scoring-model", help="only this scoring model")
    e.add_argument("--allow-unvalidated", action="store_true", help="export even if the marts' build failed "
                   "validation or was not validated")
    e.add_argument("--changes-since", type=_cursor, metavar="SEQ",
                   help="write the lead_score_history rows after this change_seq (0: all) instead of the scores")

    bf = with_target(sub.add_parser("backfill", help="fill lead_score_history as if builds had run on past dates"))
    bf.add_argument("--from", dest="first", type=_date, required=True, help="first date to score (YYYY-MM-DD)")
    bf.add_argument("--to", dest="last", type=_date, help="last date (default: the latest date in the data)")
    bf.add_argument("--every", default="1d", help="days between scored dates: 1d (default), 7d, ...")
    bf.add_argument("--dates-per-run", type=_positive,
                    help="dates scored in one dbt run (default: 31, fewer for over 64,000 leads, about 2M "
                         "lead-dates a run; fewer use less memory)")
    bf.add_argument("--reset-history", action="store_true",
                    help="drop the recorded history first when it already reaches --from")

    bt = with_target(sub.add_parser("backtest", help="did the scores predict conversion? replay past builds "
                                    "(backfill) and measure every scoring model point in time"))
    bt.add_argument("--from", dest="first", type=_date,
                    help="first snapshot date (default: the first lead's creation date)")
    bt.add_argument("--retrain-every", default="28d",
                    help="how often the replayed builds retrain the predictive model: 28d (default), 7d, ...")
    bt.add_argument("--dates-per-run", type=_positive, help="dates scored in one dbt run (overrides --retrain-every)")
    bt.add_argument("--reset-history", action="store_true",
                    help="drop lead_score_history and replay it from --from (its change feed restarts)")

    r = with_target(sub.add_parser("report", help="charts: score distribution, funnel, conversion by band, "
                                   "stage entries per week"))
    r.add_argument("--out", type=Path, default=None, help="output folder (default reports/)")

    d = with_target(sub.add_parser("diff", help="what-if: score with candidate rule seeds, report stage moves"))
    d.add_argument("--rules", type=Path, required=True, help="folder with candidate copies of seed CSVs")
    d.add_argument("--top", type=int, default=10, help="how many of the biggest movers to list")

    sg = with_target(sub.add_parser("suggest", help="write the predictive model's scorecard as candidate rule seeds"))
    sg.add_argument("--out", type=Path, required=True, help="folder for the candidate seed CSVs (review with diff)")
    sg.add_argument("--name", default="suggested", help="the new rules model's name (default: suggested)")

    dc = with_target(sub.add_parser("docs", help="write dbt's documentation site as one HTML file"))
    dc.add_argument("--out", type=Path, default=None, help="output file (default reports/docs.html)")

    dm = with_target(sub.add_parser("demo", help="generate demo data, load, build, show the top leads"))
    dm.add_argument("--leads", type=_positive, default=2000)
    dm.add_argument("--events", type=_positive, default=40000)
    dm.add_argument("--seed", type=int, default=42)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return commands.run(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped reading: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
