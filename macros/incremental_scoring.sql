{% macro distant_past() -%}
    cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The latest value of a load-time column in this incremental model, as a
    timestamp literal (the distant past when the model is empty). Read before
    the model's SQL runs and inlined as a constant, so the engine can skip
    whole row groups of the source instead of parsing every row first. The
    value comes from the model's own table, never from a seed or a file. -#}
{% macro loaded_through(column) -%}
    {%- if not execute -%}{{ return(distant_past()) }}{%- endif -%}
    {%- set latest = run_query('select cast(max(' ~ column ~ ') as ' ~ type_text() ~ ') from ' ~ this).rows[0][0] -%}
    {%- if latest is none -%}{{ return(distant_past()) }}{%- endif -%}
    {{ return("cast('" ~ (latest | string) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}


{#- When this dbt invocation started, as a timestamp literal: the scored_at of
    the history rows a build writes (one value for the whole build). -#}
{% macro build_started_at() -%}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S') if run_started_at is defined else '1970-01-01 00:00:00' -%}
    cast('{{ started }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
