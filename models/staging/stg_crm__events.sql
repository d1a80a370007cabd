{#- One row per raw event that passes the row checks. An event_id seen in an
    earlier row is resolved in int_events_deduplicated. -#}

with

events as (

    select * from {{ ref('base_crm__events') }}
    where reject_reason is null

),

final as (

    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        cast(occurred_at as date) as occurred_on,
        url,
        lower(url) as url_normalized,
        email_type,
        duration_seconds,
        session_id,
        loaded_at,
        source_file,
        source_row
    from events

)

select * from final
