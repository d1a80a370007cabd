"""The raw data contract: the columns a user's files must or may have."""

import re

REQUIRED_COLUMNS = {
    "leads": ("lead_id",),
    "events": ("event_id", "lead_id", "event_type", "occurred_at"),
    "conversions": ("lead_id", "converted_at"),
}

OPTIONAL_COLUMNS = {
    "leads": ("email", "first_name", "last_name", "phone", "job_title", "company_name", "employees",
              "industry", "country", "region", "city", "postal_code", "lead_source", "created_at",
              "updated_at"),
    "events": ("url", "email_type", "duration_seconds", "session_id"),
    "conversions": ("outcome",),
}

# Columns the loader adds to every raw row; their leading underscore keeps them
# apart from the user's own columns. A line the CSV parser could not split into
# the header's columns is kept whole in _raw_line, with why in _load_error.
BOOKKEEPING_COLUMNS = ("_loaded_at", "_source_file", "_source_row", "_load_error", "_raw_line")

# Names the models derive from a lead or use for bookkeeping. A user's column
# may not take one of them: it would shadow the derived value or be shadowed
# by it. Kept in step with `reserved_lead_columns()` in macros/raw_records.sql.
RESERVED_COLUMNS = (
    "loaded_at", "source_file", "source_row", "load_error", "raw_line", "row_fingerprint", "raw_record",
    "reject_reason", "is_current_version", "email_raw", "phone_raw", "employees_raw", "created_at_raw",
    "updated_at_raw", "email_domain", "email_local_part", "seniority", "is_personal_email", "is_competitor",
    "is_gibberish", "is_in_territory", "occurred_at_raw", "occurred_on", "url_normalized",
    "duration_seconds_raw", "converted_at_raw", "state_added_at", "state_fingerprint",
)


def contract_columns(table: str) -> tuple[str, ...]:
    return REQUIRED_COLUMNS[table] + OPTIONAL_COLUMNS[table]


def normalize_column_name(name: str) -> str:
    """'Job Title' -> 'job_title', '职位' -> '职位': letters of any script are kept,
    everything else becomes one underscore, and the name is lower case."""
    cleaned = re.sub(r"[\W_]+", "_", name.strip()).strip("_").lower()
    if cleaned and cleaned[0].isdigit():
        cleaned = "c_" + cleaned
    return cleaned

# The incremental models' state. A replace load empties raw, so the state is
# dropped with it and the next build rebuilds it from the new data, and the run
# log with it (its watermarks describe data that is gone).
# marts.lead_score_history is not state but the record of past scores: it is
# kept, and the next build writes tombstones for the leads that are gone.
INCREMENTAL_STATE_TABLES = (
    "intermediate.int_events_classified",
    "intermediate.int_event_rule_matches_daily",
    "intermediate.int_predictive_daily_events",
    "intermediate.int_leads_enriched",
    "intermediate.int_fit_rules_matched",
    "marts.scoring_runs",
)
