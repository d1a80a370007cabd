"""The runner's commands. Each returns a process exit code."""

import os

from . import dbt_build, gate, generate, hints, history, load, publish, report, validate
from .errors import UserError
from .paths import PROJECT_DIR, duckdb_path, reports_dir
from .warehouse import read_sql


def run(args) -> int:
    if getattr(args, "verbose", False):
        os.environ["LEADSCORE_VERBOSE"] = "1"
    handler = {
        "generate": cmd_generate, "load": cmd_load, "build": cmd_build, "validate": cmd_validate,
        "export": cmd_export, "report": cmd_report, "diff": cmd_diff, "demo": cmd_demo, "docs": cmd_docs,
        "backfill": cmd_backfill, "backtest": cmd_backtest, "suggest": cmd_suggest,
    }[args.command]
    return handler(args)


def cmd_generate(args) -> int:
    paths = generate.generate(args.leads, args.events, args.out, seed=args.seed, file_format=args.format)
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def cmd_load(args) -> int:
    files = {name: getattr(args, name) for name in ("leads", "events", "conversions") if getattr(args, name)}
    if not files:
        raise UserError("load needs at least one of --leads, --events, --conversions")
    if args.mode == "replace" and "leads" not in files:
        raise UserError("--mode replace needs --leads (use --mode append to add a batch of events)")
    renames = load.parse_renames(args.rename)
    if args.target == "duckdb":
        counts = load.load_duckdb(duckdb_path(), files, args.mode, renames, args.delimiter, args.loaded_at,
                                  encoding=args.encoding, max_line_size=args.max_line_size)
    else:
        from .engines import load_engine

        counts = load_engine(args.target, files, args.mode, renames, args.delimiter, args.loaded_at,
                             encoding=args.encoding, max_line_size=args.max_line_size)
    print("loaded " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    return 0


def cmd_build(args) -> int:
    dbt_build.check_raw_is_loaded(args.target)
    problems = dbt_build.build(args.target, as_of=args.as_of, full_refresh=args.full_refresh,
                               date_order=args.date_order, unit_tests=args.unit_tests)
    if problems:
        print(f"\nbuild failed: {len(problems)} problem(s)")
        for line in problems:
            print("  " + line)
        return 1
    print_summary(args.target)
    valid = args.skip_validation or validate.validate_marts(args.target)
    if args.reader_copy:
        if not valid:
            print(f"\nreader copy {args.reader_copy} left as it was: validation failed")
            return 1
        publish.write_reader_copy(args.reader_copy)
        print(f"\nreader copy: {args.reader_copy} (the marts of this build; BI tools can read it during builds)")
    return 0 if valid else 1


def cmd_backfill(args) -> int:
    from datetime import date

    last = date.fromisoformat(args.last) if args.last else None
    return history.backfill(args.target, date.fromisoformat(args.first), last, history.parse_every(args.every),
                            args.dates_per_run, args.reset_history)


def cmd_backtest(args) -> int:
    from datetime import date

    from .backtest import run_backtest

    first = date.fromisoformat(args.first) if args.first else None
    return run_backtest(args.target, first, history.parse_every(args.retrain_every), args.dates_per_run,
                        args.reset_history)


def cmd_validate(args) -> int:
    return 0 if validate.validate_marts(args.target, max_reject_share=args.max_reject_share) else 1


def print_summary(target: str) -> None:
    scores = read_sql(
        "select scoring_model, count(*) as leads_scored, avg(score) as average_score, max(as_of) as as_of "
        "from marts.lead_scores group by scoring_model order by scoring_model", target)
    stages = read_sql(
        "select scoring_model, stage, stage_rank, count(*) as leads from marts.lead_stage "
        "group by scoring_model, stage, stage_rank order by scoring_model, stage_rank desc", target)
    quality = read_sql(
        "select source_table, raw_rows, accepted_rows, rejected_rows, duplicate_rows "
        "from marts.data_quality_summary order by source_table", target)
    print("\n== summary ==")
    for row in scores.itertuples():
        as_of = str(row.as_of)[:10]
        print(f"{row.scoring_model}: {row.leads_scored:,} leads scored as of {as_of}, "
              f"average score {float(row.average_score):.1f}")
        model_stages = stages[stages.scoring_model == row.scoring_model]
        print("  stages: " + ", ".join(f"{s.stage} {s.leads:,}" for s in model_stages.itertuples()))
    for line in predictive_summary_lines(target):
        print(line)
    for line in hints.build_hints(target):
        print(line)
    recorded = read_sql("select max(as_of) as recorded, (select max(as_of) from marts.lead_scores) as scored "
                        "from marts.lead_score_history", target).iloc[0]
    if str(recorded["recorded"]) not in ("None", "NaT") and str(recorded["scored"])[:10] < str(recorded["recorded"])[:10]:
        print(f"history not written: as_of {str(recorded['scored'])[:10]} is before the latest date "
              f"marts.lead_score_history records ({str(recorded['recorded'])[:10]}); history only moves forward")
    for row in quality.itertuples():
        duplicates = f" ({row.duplicate_rows:,} of them repeats of rows already loaded)" if row.duplicate_rows else ""
        print(f"raw {row.source_table}: {row.raw_rows:,} rows = {row.accepted_rows:,} accepted "
              f"+ {row.rejected_rows:,} rejected{duplicates}")


def predictive_summary_lines(target: str) -> list[str]:
    """One line per active predictive model: how it was trained and how it did on held-out leads, or why not."""
    models = read_sql(
        "select scoring_model, status, status_reason, training_leads, converted_leads, prediction_window_days, "
        "features_used, holdout_leads, holdout_auc, holdout_brier, holdout_brier_of_base_rate "
        "from marts.predictive_model_summary where is_active order by scoring_model", target)
    lines = []
    for row in models.itertuples():
        if row.status != "trained":
            lines.append(f"{row.scoring_model}: {row.status_reason}; rules models are scored as usual")
            continue
        lines.append(f"{row.scoring_model}: learnt from {row.training_leads:,} leads ({row.converted_leads:,} won within "
                     f"{row.prediction_window_days} days), {row.features_used} features; "
                     "its scorecard: marts.predictive_scorecard")
        if row.holdout_auc == row.holdout_auc and row.holdout_auc is not None:
            lines.append(f"  on {row.holdout_leads:,} held-out leads: AUC {row.holdout_auc:.3f}, Brier "
                         f"{row.holdout_brier:.4f} ({row.holdout_brier_of_base_rate:.4f} guessing the base rate)")
    return lines


EXPORT_COLUMNS = ("scoring_model, lead_id, score, conversion_probability, grade, score_band, stage, stage_rank, top_reasons, "
                  "last_activity_at, as_of")


def cmd_export(args) -> int:
    if args.out.suffix not in (".csv", ".parquet"):
        raise UserError(f"{args.out}: the export file must end in .csv or .parquet")
    if args.changes_since is not None:
        if args.scoring_model:
            raise UserError("--changes-since exports every scoring model's changes; drop --scoring-model")
        return history.export_changes(args.target, args.changes_since, args.out, args.allow_unvalidated)
    known = list(read_sql("select distinct scoring_model from marts.lead_scores order by scoring_model",
                          args.target)["scoring_model"])
    if not known:
        raise UserError("marts.lead_scores is empty: nothing to export (is a scoring model active in "
                        "seeds/scoring_models.csv, and did `python scripts/leadscore.py build` pass?)")
    if args.scoring_model and args.scoring_model not in known:
        raise UserError(f"--scoring-model '{args.scoring_model}' has no scores; scored models: {', '.join(known)}")
    if not args.allow_unvalidated:
        gate.check_exportable(args.target)
    # One query over one table: lead_scores carries the stage, so the rows
    # exported are one build's, never a mix of two.
    where, params = ("where scoring_model = ?", [args.scoring_model]) if args.scoring_model else ("", [])
    frame = read_sql(f"select {EXPORT_COLUMNS} from marts.lead_scores {where} "
                     "order by scoring_model, score desc, lead_id", args.target, params)
    publish.write_frame_atomically(frame, args.out)
    print(f"exported {len(frame):,} rows to {args.out}")
    return 0


def cmd_report(args) -> int:
    path = report.write_report(args.target, args.out or reports_dir())
    print(f"report: {path} (one file, works offline: open it in a browser)")
    return 0


def cmd_docs(args) -> int:
    from .docs import write_docs

    out = write_docs(args.target, args.out or reports_dir() / "docs.html")
    print(f"docs: {out} (one file: open it in a browser; lineage, models, columns and tests)")
    return 0


def cmd_diff(args) -> int:
    from .diff import diff_rules

    return diff_rules(args.rules, args.target, args.top)


def cmd_suggest(args) -> int:
    from .suggest import suggest

    return suggest(args.target, args.out, args.name)


def cmd_demo(args) -> int:
    from .backtest import run_backtest
    from .backtest import summary_lines as backtest_summary_lines

    data_dir = PROJECT_DIR / "demo_data"
    generate.generate(args.leads, args.events, data_dir, seed=args.seed)
    files = {name: data_dir / f"{name}.csv" for name in ("leads", "events", "conversions")}
    if args.target == "duckdb":
        counts = load.load_duckdb(duckdb_path(), files, "replace")
    else:
        from .engines import load_engine

        counts = load_engine(args.target, files, "replace")
    print("loaded " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    # The demo replays a build every backtest_every_days over the data's year (a fresh history each time),
    # in runs of 31 dates: fast, and the predictive model still never scores a date before its training data.
    status = run_backtest(args.target, None, retrain_every_days=7 * 31, dates_per_run=None, reset_history=True,
                          summary=False)
    if status:
        return status
    print_summary(args.target)
    for line in backtest_summary_lines(args.target):
        print(line)
    top = read_sql(
        "select lead_id, score, grade, stage, top_reasons from marts.lead_scores "
        "where scoring_model = 'b2b_default' order by score desc, lead_id limit 10", args.target)
    print("\n== top leads (b2b_default) ==")
    print(top.to_string(index=False, max_colwidth=70))
    valid = validate.validate_marts(args.target)
    print(f"report: {report.write_report(args.target, reports_dir())} (open it in a browser)")
    where = duckdb_path() if args.target == "duckdb" else f"the {args.target} target"
    print(f"\nwarehouse: {where}  (BI tools read marts.lead_scores and marts.lead_stage)")
    return 0 if valid else 1
