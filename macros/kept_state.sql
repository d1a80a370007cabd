{#- Tables kept from one build to the next (the fit state, the predictive
    training tables): every row carries
    a stamp, the fingerprint of what the rows were computed from (a column
    of a one-row settings model) and the model's own code. While the stamp
    holds, a build appends only what is new; when it changes (a seed, a
    setting or the code), the pre-hook empties the table and the build
    writes it whole. Append and truncate run on every engine. -#}

{#- Bump when the logic of the fit state changes in a way its fingerprint
    cannot see (an upstream model's code): every kept fit state is rebuilt. -#}
{% macro kept_fit_state_version() %}{{ return('2') }}{% endmacro %}


{#- The stamp as SQL, for the rows this build writes: settings_column is read
    from the settings model the query joins (no query at compile time, so
    unit tests can give the settings as an input). -#}
{% macro kept_state_stamp_sql(settings_column) -%}
    {%- set code = local_md5(model.raw_code) if execute else 'code' -%}
    {{ dbt.concat([settings_column, "':" ~ code ~ "'"]) }}
{%- endmacro %}


{#- The same stamp, read now, for comparing with the stored one. -#}
{% macro kept_state_stamp(settings_model, settings_column) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set settings = run_query("select " ~ settings_column ~ " from " ~ ref(settings_model)) -%}
    {{ return(settings.rows[0][0] ~ ':' ~ local_md5(model.raw_code)) }}
{%- endmacro %}


{#- When the build that adds a row started, to the microsecond: the watermark
    a kept table downstream reads new rows by (state_added_at). -#}
{% macro kept_state_added_at() -%}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') if run_started_at is defined else '1970-01-01 00:00:00' -%}
    cast('{{ started }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- True when this table exists, is not being full-refreshed, has rows and
    its rows carry the stamp this build would write. With upstream (a kept
    table this one reads new rows of by state_added_at), also when upstream still
    holds the rows this table was computed from: its oldest state_added_at is the
    one recorded here (upstream_since). Upstream rewritten whole (its own
    stamp changed, a full refresh of it alone, dropped) has a later one. -#}
{% macro kept_state_is_current(settings_model, settings_column, upstream=none, stamp_column='state_fingerprint') -%}
    {%- if not (execute and is_incremental()) -%}{{ return(false) }}{%- endif -%}
    {#- A table from before the stamp column (an upgrade) is rewritten; on_schema_change adds the column. -#}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if stamp_column not in columns or (upstream is not none and 'upstream_since' not in columns) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = run_query("select " ~ stamp_column ~ (", upstream_since" if upstream is not none else "")
        ~ " from " ~ this ~ " limit 1") -%}
    {%- if stored.rows | length == 0
            or stored.rows[0][0] != kept_state_stamp(settings_model, settings_column) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if upstream is not none -%}
        {%- set since = run_query("select min(state_added_at) from " ~ ref(upstream)) -%}
        {{ return(stored.rows[0][1] == since.rows[0][0]) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}


{#- The pre-hook: empty a kept table that is not current, so this build refills it. -#}
{% macro kept_state_reset(settings_model, settings_column, upstream=none, stamp_column='state_fingerprint') -%}
    {%- if execute and is_incremental()
            and not kept_state_is_current(settings_model, settings_column, upstream, stamp_column) -%}
        truncate table {{ this }}
    {%- endif -%}
{%- endmacro %}


{#- Stop a build on a kept incremental table that cannot be added to. The
    runner (scripts/runner/dbt_build.py, stale_state_reason) matches
    "<state> state is stale" and rebuilds with --full-refresh. -#}
{% macro raise_stale_state(state, why) -%}
    {{ exceptions.raise_compiler_error(
        state ~ " state is stale: " ~ why ~ "; rebuild it with --full-refresh "
        ~ "(the runner's build, backfill and backtest do this by themselves)") }}
{%- endmacro %}
