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
# apart from the user's own columns.
BOOKKEEPING_COLUMNS = ("_loaded_at", "_source_file", "_source_row")


def contract_columns(table: str) -> tuple[str, ...]:
    return REQUIRED_COLUMNS[table] + OPTIONAL_COLUMNS[table]


def normalize_column_name(name: str) -> str:
    """'Job Title' -> 'job_title': header names become safe, lower-case identifiers."""
    cleaned = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()
    if cleaned and cleaned[0].isdigit():
        cleaned = "c_" + cleaned
    return cleaned

# The incremental models' state. A replace load empties raw, so the state is
# dropped with it and the next build rebuilds it from the new data. Without
# the scoring run log the next build rescores every lead, so lead-level rows
# of leads that are gone are deleted too.
INCREMENTAL_STATE_TABLES = (
    "intermediate.int_events_deduplicated",
    "intermediate.int_event_rule_matches_daily",
    "intermediate.int_events_rejected",
    "marts.scoring_runs",
)
