"""Stand-in for dbt's `flags` object under sqlfluff's jinja templater: a plain run."""

FULL_REFRESH = False
