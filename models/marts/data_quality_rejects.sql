{#- Every raw row that is not scored, with the reason and its original values.
    raw rows = accepted rows + these rows, per table (data_quality_summary). -#}

with

leads as (

    select * from {{ ref('base_crm__leads') }}

),

classified_events as (

    select * from {{ ref('int_events_classified') }}

),

events_of_known_leads as (

    select * from {{ ref('int_events_of_known_leads') }}

),

conversions as (

    select * from {{ ref('base_crm__conversions') }}

),

leads_of_conversions as (

    select distinct
        lead_id,
        is_known_lead
    from {{ ref('int_conversions_of_known_leads') }}

),

rejected_leads as (

    select
        'leads' as source_table,
        coalesce(lead_id, row_fingerprint) as source_row_id,
        source_file,
        source_row,
        reject_reason as reason,
        raw_record,
        loaded_at
    from leads
    where reject_reason is not null

),

-- Whether an event's lead is unknown is decided now: a lead loaded after its events claims them back.
rejected_events as (

    select
        'events' as source_table,
        coalesce(event_id, row_fingerprint) as source_row_id,
        source_file,
        source_row,
        reject_reason as reason,
        raw_record,
        loaded_at
    from classified_events
    where reject_reason is not null
    union all
    select
        'events' as source_table,
        event_id as source_row_id,
        source_file,
        source_row,
        'unknown_lead' as reason,
        raw_record,
        loaded_at
    from events_of_known_leads
    where not is_known_lead

),

rejected_conversions as (

    select
        'conversions' as source_table,
        conversions.row_fingerprint as source_row_id,
        conversions.source_file,
        conversions.source_row,
        coalesce(conversions.reject_reason, 'unknown_lead') as reason,
        conversions.raw_record,
        conversions.loaded_at
    from conversions
    left join leads_of_conversions
        on conversions.reject_reason is null
            and conversions.lead_id = leads_of_conversions.lead_id
    where conversions.reject_reason is not null or not leads_of_conversions.is_known_lead

),

unioned as (

    select * from rejected_leads
    union all
    select * from rejected_events
    union all
    select * from rejected_conversions

),

final as (

    select
        {{ dbt.concat(['source_table', "':'", 'source_file', "':'", 'cast(source_row as ' ~ type_text() ~ ')']) }}
            as reject_id,
        *
    from unioned

)

select * from final
