{#- Rescoring only the leads that changed.

    The lead-level models are incremental on DuckDB and PostgreSQL: a run
    deletes the rows of the leads in int_leads_to_rescore and inserts them
    again, computed from complete inputs. Which leads: those with events,
    lead rows or conversions loaded since the last recorded scoring run
    (marts.scoring_runs); every lead when as_of, a seed or a scoring var
    changed, or on --full-refresh. On Spark the models are plain tables
    (Hive Parquet tables cannot delete rows), so every run rescores all. -#}

{% macro lead_level_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}


{#- A pre-hook: clear the rows about to be recomputed. -#}
{% macro delete_rescored_leads() -%}
    {%- if execute and is_incremental() -%}
        {%- set rescore_all = run_query('select rescore_all from ' ~ ref('int_rescoring_scope')).rows[0][0] -%}
        {%- if rescore_all -%}
            {#- Every row goes: also those of leads no longer scored (a deactivated model). -#}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where lead_id in (select rescored.lead_id from {{ ref('int_leads_to_rescore') }} as rescored)
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- A condition on a lead_id column: true for every row in a full build,
    for the leads being rescored in an incremental one. -#}
{% macro is_rescored_lead(column) -%}
    {%- if is_incremental() -%}
        {{ column }} in (select rescored.lead_id from {{ ref('int_leads_to_rescore') }} as rescored)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- A digest of everything besides the data that a score depends on: every
    seed's rows and the vars scoring reads. When it changes, every lead is
    rescored. Values are hashed, never pasted into SQL. -#}
{% macro scoring_rules_digest() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set parts = [] -%}
    {%- for name in ['date_order', 'future_tolerance_hours', 'score_band_width'] -%}
        {%- do parts.append(name ~ '=' ~ (var(name, none) | string)) -%}
    {%- endfor -%}
    {%- set seeds = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('package_name', 'equalto', project_name) | sort(attribute='name') -%}
    {%- for seed in seeds -%}
        {%- set relation = adapter.get_relation(database=seed.database, schema=seed.schema, identifier=seed.alias) -%}
        {%- set rows = [] -%}
        {%- if relation is not none -%}
            {%- for row in run_query('select * from ' ~ relation).rows -%}
                {%- do rows.append(row.values() | map('string') | join('\x1f')) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do parts.append(seed.name ~ '\x1d' ~ (rows | sort | join('\x1e'))) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\x1c'))) }}
{% endmacro %}


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
