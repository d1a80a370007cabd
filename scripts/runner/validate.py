"""Great Expectations suites over the marts (GX Core 1.x).

GX's SQL path over duckdb-engine is unreliable (GX issues #10738, #11579), so
each suite's query runs in the warehouse and GX validates its result as a
pandas DataFrame. No query returns a mart's rows: per-row checks come back as
violation counts (one row, whatever the mart's size), summaries as a few rows
per table, model or stage; a failing check then reads five offending keys. The suites are code: edit them here; their bounds
live in dbt_project.yml under `vars: validation:`.
"""

import logging
import os
import time
import warnings
from dataclasses import dataclass

import pandas as pd
import yaml

from . import gate
from .paths import PROJECT_DIR
from .warehouse import read_sql

EXAMPLES = 5


@dataclass
class SuiteSpec:
    name: str
    query: str
    expectations: list


def settings(max_reject_share: float | None = None) -> dict:
    """The `validation` vars of dbt_project.yml, with a CLI override for the reject share."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    config = dict(project.get("vars", {}).get("validation", {}))
    config.setdefault("max_reject_share", 0.05)
    config.setdefault("stage_share_bounds", {})
    config.setdefault("min_leads_for_stage_mix", 200)
    config.setdefault("min_engaged_share", 0.05)
    if max_reject_share is not None:
        config["max_reject_share"] = max_reject_share
    return config


def suites(target: str, config: dict) -> list[SuiteSpec]:
    import great_expectations as gx

    e = gx.expectations
    # Per-row checks on the lead-level marts run in SQL as violation counts (one row back, whatever the
    # mart's size); a failing check then reads a few offending rows as examples.
    lead_scores = [e.ExpectColumnValuesToBeBetween(column=check, min_value=0, max_value=0)
                   for check in LEAD_SCORE_CHECKS]
    lead_stage = [e.ExpectColumnValuesToBeBetween(column=check, min_value=0, max_value=0)
                  for check in LEAD_STAGE_CHECKS]
    rejects = [
        e.ExpectColumnValuesToBeBetween(column="rejected_share", min_value=0, max_value=config["max_reject_share"]),
        # Every raw row is accepted or rejected: nothing unexplained.
        e.ExpectColumnValuesToBeBetween(column="unexplained_rows", min_value=0, max_value=0),
    ]
    stage_mix = [
        e.ExpectColumnValuesToBeBetween(
            column="share", min_value=float(low), max_value=float(high),
            row_condition=f'stage=="{stage}"', condition_parser="pandas",
        )
        for stage, (low, high) in sorted(config["stage_share_bounds"].items())
    ]
    coverage = [
        # Accepted leads but no scores: no active scoring model, or a rule set that filters every lead out.
        e.ExpectColumnValuesToBeBetween(column="accepted_leads_without_scores", min_value=0, max_value=0),
    ]
    collapse = [
        # Leads with events up to as_of whose engagement has all decayed to 0: usually an as_of far
        # after the data (a future date in it, or a wrong --as-of), not a real quiet period.
        e.ExpectColumnValuesToBeBetween(column="engaged_share", min_value=float(config["min_engaged_share"]),
                                        max_value=1.0),
    ]
    return [
        SuiteSpec("score_coverage", COVERAGE_QUERY, coverage),
        SuiteSpec("engagement_collapse", engagement_collapse_query(config["min_leads_for_stage_mix"]), collapse),
        SuiteSpec("lead_scores", violation_query("marts.lead_scores", LEAD_SCORE_CHECKS),
                  lead_scores),
        SuiteSpec("lead_stage", violation_query("marts.lead_stage", LEAD_STAGE_CHECKS), lead_stage),
        SuiteSpec("data_quality_summary", "select source_table, rejected_share, "
                  "raw_rows - accepted_rows - rejected_rows as unexplained_rows from marts.data_quality_summary",
                  rejects),
        SuiteSpec("stage_mix", stage_mix_query(config["min_leads_for_stage_mix"]), stage_mix),
    ]


# check name -> (condition a bad row meets, the key column its examples show). Uniqueness is counted apart.
LEAD_SCORE_CHECKS = {
    "lead_score_id_is_null": ("checked.lead_score_id is null", "lead_id"),
    "lead_score_id_is_repeated": (None, "lead_score_id"),
    "lead_id_is_null": ("checked.lead_id is null", "lead_score_id"),
    **{f"{column}_outside_0_100": (f"checked.{column} is null or checked.{column} < 0 or checked.{column} > 100",
                                   "lead_score_id")
       for column in ("score", "fit_score", "engagement_score")},
    "grade_not_seeded": ("allowed.grade is null", "lead_score_id"),
    "as_of_is_null": ("checked.as_of is null", "lead_score_id"),
}
LEAD_STAGE_CHECKS = {
    "lead_stage_id_is_null": ("checked.lead_stage_id is null", "lead_id"),
    "lead_stage_id_is_repeated": (None, "lead_stage_id"),
    "stage_not_seeded": ("allowed.stage is null", "lead_stage_id"),
    "stage_rank_is_null": ("checked.stage_rank is null", "lead_stage_id"),
}


def violation_query(table: str, checks: dict) -> str:
    """One row: rows_checked, then per check the number of rows that break it."""
    counts = ["count(*) as rows_checked"]
    for name, (condition, key) in checks.items():
        if condition is None:  # a repeated key: rows minus distinct keys
            counts.append(f"count(checked.{key}) - count(distinct checked.{key}) as {name}")
        else:
            counts.append(f"sum(case when {condition} then 1 else 0 end) as {name}")
    return f"select {', '.join(counts)} from {table} as checked {allowed_join(table)}"


def allowed_join(table: str) -> str:
    """The seeded values a column may hold, joined as `allowed` (read from the seeds, never pasted)."""
    if table == "marts.lead_scores":
        return ("left join (select distinct upper(trim(grade)) as grade from rules.grade_thresholds) as allowed "
                "on checked.grade = allowed.grade")
    if table == "marts.lead_stage":
        return ("left join (select distinct lower(trim(stage)) as stage from rules.stage_thresholds "
                "union select 'customer' union select 'disqualified') as allowed on checked.stage = allowed.stage")
    return ""


def violation_examples(table: str, checks: dict, check: str, target: str) -> list[str]:
    """A few keys of the rows that break one check (read only when it failed)."""
    condition, key = checks[check]
    if condition is None:
        query = (f"select {key} from {table} as checked where {key} is not null group by {key} "
                 f"having count(*) > 1 order by {key} limit {EXAMPLES}")
    else:
        query = (f"select checked.{key} from {table} as checked {allowed_join(table)} "
                 f"where {condition} order by checked.{key} limit {EXAMPLES}")
    return [str(value) for value in read_sql(query, target).iloc[:, 0]]


COVERAGE_QUERY = (
    "select case when accepted.leads > 0 and scored.leads = 0 then accepted.leads else 0 end "
    "as accepted_leads_without_scores "
    "from (select count(*) as leads from staging.stg_crm__leads) as accepted "
    "cross join (select count(*) as leads from marts.lead_scores) as scored"
)


def engagement_collapse_query(min_leads: int) -> str:
    """Per scoring model with engagement rules: the share of leads with events up to as_of that kept any
    engagement, for models with at least min_leads such leads."""
    return (
        "with active as (select distinct events.lead_id from intermediate.int_events_of_known_leads as events "
        "cross join (select max(as_of) as as_of from marts.lead_scores) as dates "
        "where events.is_known_lead and events.occurred_on <= dates.as_of), "
        "engaging_models as (select distinct scoring_model from intermediate.int_engagement_rules_active) "
        "select scores.scoring_model, count(*) as leads_with_events, "
        "avg(case when scores.engagement_score > 0 then 1.0 else 0.0 end) as engaged_share "
        "from marts.lead_scores as scores "
        "inner join active on scores.lead_id = active.lead_id "
        "inner join engaging_models on scores.scoring_model = engaging_models.scoring_model "
        f"group by scores.scoring_model having count(*) >= {int(min_leads)}"
    )


def stage_mix_query(min_leads: int) -> str:
    """Share of each model's leads per stage, for models with at least min_leads leads."""
    return (
        "with counts as (select scoring_model, stage, count(*) as leads from marts.lead_stage "
        "group by scoring_model, stage), totals as (select scoring_model, sum(leads) as total "
        "from counts group by scoring_model) "
        "select counts.scoring_model, counts.stage, 1.0 * counts.leads / totals.total as share "
        "from counts inner join totals on counts.scoring_model = totals.scoring_model "
        f"where totals.total >= {int(min_leads)}"
    )


def describe(config) -> str:
    """'score between 0 and 100', 'grade in [A, B, C, D]', ... from an expectation's config."""
    kwargs = config.kwargs
    column = kwargs.get("column")
    kind = config.type.replace("expect_column_values_to_", "")
    if kind == "be_between":
        text = f"{column} between {kwargs.get('min_value')} and {kwargs.get('max_value')}"
    elif kind == "be_in_set":
        text = f"{column} in [{', '.join(map(str, kwargs.get('value_set', [])))}]"
    else:
        text = f"{column} {kind.replace('_', ' ')}"
    condition = kwargs.get("row_condition")
    if condition:
        filter_text = condition.get("pass_through_filter") if isinstance(condition, dict) else condition
        text += f" where {filter_text}"
    return text


def run_suite(context, spec: SuiteSpec, frame: pd.DataFrame):
    import great_expectations as gx

    source = context.data_sources.add_pandas(f"marts_{spec.name}")
    batch = source.add_dataframe_asset(spec.name).add_batch_definition_whole_dataframe("whole_mart")
    suite = context.suites.add(gx.ExpectationSuite(name=spec.name, expectations=spec.expectations))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))
    return definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")


ROW_CHECKS = {"lead_scores": ("marts.lead_scores", LEAD_SCORE_CHECKS),
              "lead_stage": ("marts.lead_stage", LEAD_STAGE_CHECKS)}


def validate_marts(target: str = "duckdb", max_reject_share: float | None = None, out=print) -> bool:
    """Run every suite; print a readable report; return True when all pass."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GX imports pyspark when it is installed, and pyspark warns about pandas 3 on
    # import; GX's Spark path is not used here, and a report stays readable.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    started = time.monotonic()
    config = settings(max_reject_share)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    all_passed = True
    failed_checks: list[str] = []
    specs = suites(target, config)
    out("\n== validation (Great Expectations) ==")
    for spec in specs:
        if not spec.expectations:
            continue
        frame = read_sql(spec.query, target)
        if frame.empty and spec.name in ("stage_mix", "engagement_collapse"):
            which = "leads with events" if spec.name == "engagement_collapse" else "leads"
            out(f"{spec.name}: skipped (fewer than {config['min_leads_for_stage_mix']} {which} per scoring model)")
            continue
        result = run_suite(context, spec, frame)
        failed = [r for r in result.results if not r.success]
        passed = len(result.results) - len(failed)
        checked = int(frame["rows_checked"].iloc[0]) if "rows_checked" in frame else len(frame)
        out(f"{spec.name}: {passed} of {len(result.results)} expectations passed ({checked:,} rows)")
        for check in failed:
            all_passed = False
            if spec.name in ROW_CHECKS:
                table, checks = ROW_CHECKS[spec.name]
                name = check.expectation_config.kwargs["column"]
                failed_checks.append(name)
                examples = violation_examples(table, checks, name, target)
                out(f"  FAIL {name}: {int(frame[name].iloc[0]):,} of {checked:,} row(s); "
                    f"examples: {', '.join(examples) or 'none'}")
                continue
            failed_checks.append(describe(check.expectation_config))
            details = check.result or {}
            examples = details.get("partial_unexpected_list", [])[:EXAMPLES]
            observed = details.get("unexpected_count", "?")
            share = details.get("unexpected_percent")
            share_text = f" ({share:.2f}%)" if isinstance(share, float) else ""
            out(f"  FAIL {describe(check.expectation_config)}: {observed} row(s) do not{share_text}; "
                f"examples: {', '.join(map(str, examples)) or 'none'}")
        if failed and spec.name in ("data_quality_summary", "stage_mix", "engagement_collapse"):
            # Small summary tables: show all of it, observed against expected.
            out("\n".join("       " + line for line in frame.to_string(index=False).splitlines()))
    # export reads this: marts whose build failed validation are not synced.
    gate.record_validation(target, all_passed, failed_checks)
    elapsed = f" ({time.monotonic() - started:.1f}s)"
    out(("validation passed" if all_passed else "validation FAILED: the marts should not be synced") + elapsed)
    return all_passed
