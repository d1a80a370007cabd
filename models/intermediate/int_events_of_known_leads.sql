{#- Accepted, deduplicated events, flagged by whether their lead exists; events of unknown
    leads go to the rejects, the rest are scored. -#}
{{ config(materialized='view') }}

with

events as (

    select * from {{ ref('int_events_deduplicated') }}

),

leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

final as (

    select
        events.*,
        leads.lead_id is not null as is_known_lead
    from events
    left join leads
        on events.lead_id = leads.lead_id

)

select * from final
