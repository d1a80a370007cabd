{#- The relation of the scoring run log if it exists, read without ref(): the
    log is written after the models that read it, so a ref would be a cycle. -#}
{% macro scoring_runs_relation() %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == project_name and node.name == 'scoring_runs' -%}
            {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


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


{#- How far int_events_rejected has classified raw events: its own latest row,
    or, when later, the events watermark of the last scoring run (which is
    written only after the rejects built). A batch with no rejected row leaves
    no row of its own, so without the second the model would re-read it. -#}
{% macro events_classified_through() -%}
    {%- if not execute -%}{{ return(distant_past()) }}{%- endif -%}
    {%- set candidates = [] -%}
    {%- set own = run_query('select cast(max(loaded_at) as ' ~ type_text() ~ ') from ' ~ this).rows[0][0] -%}
    {%- if own is not none -%}{%- do candidates.append(own | string) -%}{%- endif -%}
    {%- set runs = scoring_runs_relation() -%}
    {%- if runs is not none -%}
        {%- set last_run = run_query('select cast(events_loaded_through as ' ~ type_text() ~ ') from ' ~ runs
            ~ ' where run_number = (select max(run_number) from ' ~ runs ~ ')').rows -%}
        {%- if last_run and last_run[0][0] is not none -%}{%- do candidates.append(last_run[0][0] | string) -%}{%- endif -%}
    {%- endif -%}
    {%- if not candidates -%}{{ return(distant_past()) }}{%- endif -%}
    {#- Timestamps in one ISO format sort as text; the database casts the winner back. -#}
    {{ return("cast('" ~ (candidates | max) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}


{#- When this dbt invocation started, as a timestamp literal: the scored_at of
    the history rows a build writes (one value for the whole build). -#}
{% macro build_started_at() -%}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S') if run_started_at is defined else '1970-01-01 00:00:00' -%}
    cast('{{ started }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
