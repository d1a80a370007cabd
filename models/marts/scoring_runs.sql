{#- One row per build: the date it published, the dates it scored (more than
    one in a backfill), the load watermarks it read up to and how many changes
    it added to lead_score_history. The runner's validation gate and a sync
    tool read the last row. Never full-refreshed: it is the log. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

-- Written after the marts it describes, so a failed build records nothing.
-- depends_on: {{ ref('lead_stage') }}
-- depends_on: {{ ref('lead_score_components') }}

with

scoring_dates as (

    select
        max(case when is_latest then as_of end) as as_of,
        min(as_of) as first_as_of,
        count(*) as dates_scored
    from {{ ref('int_scoring_dates') }}

),

loaded_through as (

    select
        max(case when source_table = 'events' then loaded_through end) as events_loaded_through,
        max(case when source_table = 'leads' then loaded_through end) as leads_loaded_through,
        max(case when source_table = 'conversions' then loaded_through end) as conversions_loaded_through
    from {{ ref('data_quality_summary') }}

),

history_added as (

    select count(*) as history_changes
    from {{ ref('lead_score_history') }}
    where run_id = '{{ invocation_id }}'

),

previous_runs as (

    {%- if is_incremental() %}
        select max(runs.run_number) as last_run_number from {{ this }} as runs
    {%- else %}
        select cast(0 as {{ dbt.type_bigint() }}) as last_run_number
    {%- endif %}

),

final as (

    select
        cast(coalesce(previous_runs.last_run_number, 0) + 1 as {{ dbt.type_bigint() }}) as run_number,
        '{{ invocation_id }}' as invocation_id,
        scoring_dates.as_of,
        scoring_dates.first_as_of,
        scoring_dates.dates_scored,
        loaded_through.events_loaded_through,
        loaded_through.leads_loaded_through,
        loaded_through.conversions_loaded_through,
        history_added.history_changes
    from scoring_dates
    cross join loaded_through
    cross join history_added
    cross join previous_runs

)

select * from final
