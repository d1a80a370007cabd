{#- The leads this run rescores (int_rescoring_scope says why): all of them,
    or those with events, lead rows or conversions loaded since the last run. -#}

with

scope as (

    select * from {{ ref('int_rescoring_scope') }}

),

leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

changed as (

    select events.lead_id
    from {{ ref('int_events_deduplicated') }} as events
    inner join scope
        on events.loaded_at > scope.previous_events_loaded_through
    union
    select lead_rows.lead_id
    from {{ ref('base_crm__leads') }} as lead_rows
    inner join scope
        on lead_rows.loaded_at > scope.previous_leads_loaded_through
    union
    select conversions.lead_id
    from {{ ref('base_crm__conversions') }} as conversions
    inner join scope
        on conversions.loaded_at > scope.previous_conversions_loaded_through

),

final as (

    select leads.lead_id
    from leads
    cross join scope
    where scope.rescore_all
    union all
    select leads.lead_id
    from leads
    inner join changed
        on leads.lead_id = changed.lead_id
    cross join scope
    where not scope.rescore_all

)

select * from final
