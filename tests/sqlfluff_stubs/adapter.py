"""Stand-in for dbt's `adapter` object under sqlfluff's jinja templater."""


def quote(identifier):
    return '"' + str(identifier) + '"'


# Dispatched macros that render to nothing on DuckDB, the linted dialect (a placeholder would not parse).
RENDER_EMPTY = {"materialized_cte"}
# Dispatched macros rendered as they are on DuckDB.
RENDER_AS_DUCKDB = {"inlined_cte": "not materialized"}


def dispatch(macro_name, macro_namespace=None):
    # The engine-specific snippet is not rendered; a placeholder keeps the SQL parseable.
    if macro_name in RENDER_EMPTY:
        return lambda *args, **kwargs: ""
    if macro_name in RENDER_AS_DUCKDB:
        return lambda *args, **kwargs: RENDER_AS_DUCKDB[macro_name]
    return lambda *args, **kwargs: f"{macro_name}_placeholder"


def get_columns_in_relation(relation):
    return []


def get_relation(database, schema, identifier):
    return None
