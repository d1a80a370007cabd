{#- Tables kept from one build to the next (the fit state): every row carries
    a stamp, the fingerprint of what the rows were computed from (a column
    of a one-row settings model) and the model's own code. While the stamp
    holds, a build appends only what is new; when it changes (a seed, a
    setting or the model's code), the pre-hook empties the table and the
    build writes it whole again. Append and truncate run on every engine. -#}

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


{#- True when this table exists, is not being full-refreshed, has rows and
    its rows carry the stamp this build would write. -#}
{% macro kept_state_is_current(settings_model, settings_column) -%}
    {%- if not (execute and is_incremental()) -%}{{ return(false) }}{%- endif -%}
    {#- A table from before the stamp column (an upgrade) is rewritten; on_schema_change adds the column. -#}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'state_fingerprint' not in columns -%}{{ return(false) }}{%- endif -%}
    {%- set stored = run_query("select state_fingerprint from " ~ this ~ " limit 1") -%}
    {{ return(stored.rows | length > 0 and stored.rows[0][0] == kept_state_stamp(settings_model, settings_column)) }}
{%- endmacro %}


{#- The pre-hook: empty a kept table whose stamp is stale, so this build refills it. -#}
{% macro kept_state_reset(settings_model, settings_column) -%}
    {%- if execute and is_incremental() and not kept_state_is_current(settings_model, settings_column) -%}
        truncate table {{ this }}
    {%- endif -%}
{%- endmacro %}
