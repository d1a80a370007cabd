{#- One row per lead session: pages seen and time spent, for session rules
    (the documents' "more than 2 minutes and at least 2 pages"). -#}
{{ config(
    materialized=lead_level_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rescored_leads() }}",
) }}
-- depends_on: {{ ref('int_leads_to_rescore') }}
-- depends_on: {{ ref('int_rescoring_scope') }}

with

events as (

    select * from {{ ref('int_events_of_known_leads') }}
    where is_known_lead and session_id is not null and {{ is_rescored_lead('lead_id') }}

),

final as (

    select
        lead_id,
        session_id,
        min(occurred_at) as started_at,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_count,
        greatest(
            coalesce(sum(duration_seconds), 0),
            {{ dbt.datediff('min(occurred_at)', 'max(occurred_at)', 'second') }}
        ) as duration_seconds
    from events
    group by lead_id, session_id

)

select * from final
