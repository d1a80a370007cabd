"""The runner's commands. Each returns a process exit code."""

from . import dbt_build, generate, load, report, validate
from .errors import UserError
from .paths import PROJECT_DIR, duckdb_path, reports_dir
from .warehouse import read_sql


def run(args) -> int:
    handler = {
        "generate": cmd_generate, "load": cmd_load, "build": cmd_build, "validate": cmd_validate,
        "export": cmd_export, "report": cmd_report, "diff": cmd_diff, "demo": cmd_demo,
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
        counts = load.load_duckdb(duckdb_path(), files, args.mode, renames, args.delimiter, args.loaded_at)
    else:
        from .engines import load_engine

        counts = load_engine(args.target, files, args.mode, renames, args.delimiter, args.loaded_at)
    print("loaded " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    return 0


def cmd_build(args) -> int:
    problems = dbt_build.build(args.target, as_of=args.as_of, full_refresh=args.full_refresh,
                               date_order=args.date_order)
    if not args.full_refresh and any("Engagement state is stale" in line for line in problems):
        print("\nthe engagement rules now match differently than when the incremental state was built:\n"
              "rebuilding it from all events (--full-refresh)\n")
        problems = dbt_build.build(args.target, as_of=args.as_of, full_refresh=True, date_order=args.date_order)
    if problems:
        print(f"\nbuild failed: {len(problems)} problem(s)")
        for line in problems:
            print("  " + line)
        return 1
    print_summary(args.target)
    if args.skip_validation:
        return 0
    return 0 if validate.validate_marts(args.target) else 1


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
        "select source_table, raw_rows, accepted_rows, rejected_rows from marts.data_quality_summary "
        "order by source_table", target)
    print("\n== summary ==")
    for row in scores.itertuples():
        as_of = str(row.as_of)[:10]
        print(f"{row.scoring_model}: {row.leads_scored:,} leads scored as of {as_of}, "
              f"average score {float(row.average_score):.1f}")
        model_stages = stages[stages.scoring_model == row.scoring_model]
        print("  stages: " + ", ".join(f"{s.stage} {s.leads:,}" for s in model_stages.itertuples()))
    for row in quality.itertuples():
        print(f"raw {row.source_table}: {row.raw_rows:,} rows = {row.accepted_rows:,} accepted "
              f"+ {row.rejected_rows:,} rejected")


def cmd_export(args) -> int:
    where = ""
    if args.scoring_model:
        where = "where s.scoring_model = '" + args.scoring_model.replace("'", "''") + "'"
    frame = read_sql(
        "select s.scoring_model, s.lead_id, s.score, s.grade, s.score_band, st.stage, st.stage_rank, "
        "s.top_reasons, s.last_activity_at, s.as_of from marts.lead_scores s "
        "join marts.lead_stage st on s.lead_score_id = st.lead_stage_id "
        f"{where} order by s.scoring_model, s.score desc, s.lead_id", args.target)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix == ".parquet":
        frame.to_parquet(args.out, index=False)
    elif args.out.suffix == ".csv":
        frame.to_csv(args.out, index=False)
    else:
        raise UserError(f"{args.out}: the export file must end in .csv or .parquet")
    print(f"exported {len(frame):,} rows to {args.out}")
    return 0


def cmd_report(args) -> int:
    out = args.out or reports_dir()
    for path in report.write_charts(args.target, out):
        print(f"chart: {path}")
    return 0


def cmd_diff(args) -> int:
    from .diff import diff_rules

    return diff_rules(args.rules, args.target, args.top)


def cmd_demo(args) -> int:
    data_dir = PROJECT_DIR / "demo_data"
    generate.generate(args.leads, args.events, data_dir, seed=args.seed)
    files = {name: data_dir / f"{name}.csv" for name in ("leads", "events", "conversions")}
    if args.target == "duckdb":
        counts = load.load_duckdb(duckdb_path(), files, "replace")
    else:
        from .engines import load_engine

        counts = load_engine(args.target, files, "replace")
    print("loaded " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    problems = dbt_build.build(args.target)
    if problems:
        for line in problems:
            print("  " + line)
        return 1
    print_summary(args.target)
    top = read_sql(
        "select s.lead_id, s.score, s.grade, st.stage, s.top_reasons from marts.lead_scores s "
        "join marts.lead_stage st on s.lead_score_id = st.lead_stage_id "
        "where s.scoring_model = 'b2b_default' order by s.score desc, s.lead_id limit 10", args.target)
    print("\n== top leads (b2b_default) ==")
    print(top.to_string(index=False, max_colwidth=70))
    valid = validate.validate_marts(args.target)
    for path in report.write_charts(args.target, reports_dir()):
        print(f"chart: {path}")
    where = duckdb_path() if args.target == "duckdb" else f"the {args.target} target"
    print(f"\nwarehouse: {where}  (BI tools read marts.lead_scores and marts.lead_stage)")
    return 0 if valid else 1
