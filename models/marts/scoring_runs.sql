{#- One row per build: the as_of it scored, the load watermarks it read up
    to, and whether it rescored every lead or only the changed ones. The next
    build reads the last row to decide what to rescore; a reverse-ETL sync can
    read it to know when scores moved. Never full-refreshed: it is the history. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
-- Written after the marts it describes, so a failed build records nothing.
-- depends_on: {{ ref('lead_stage') }}
-- depends_on: {{ ref('lead_score_components') }}
-- depends_on: {{ ref('data_quality_rejects') }}

with

scope as (

    select * from {{ ref('int_rescoring_scope') }}

),

rescored as (

    select count(*) as leads_rescored from {{ ref('int_leads_to_rescore') }}

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
        scope.as_of,
        scope.rules_digest,
        scope.events_loaded_through,
        scope.leads_loaded_through,
        scope.conversions_loaded_through,
        case when scope.rescore_all then 'all_leads' else 'changed_leads' end as rescored,
        scope.rescore_all_reason,
        rescored.leads_rescored
    from scope
    cross join rescored
    cross join previous_runs

)

select * from final
