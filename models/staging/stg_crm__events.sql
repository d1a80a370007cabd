{#- One row per raw event row, typed, with the reason the row itself is
    unusable (null when it passes). A repeated event_id is resolved in
    int_events_classified, incrementally. -#}

with

events as (

    select * from {{ ref('base_crm__events') }}

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
        source_row,
        reject_reason,
        row_fingerprint,
        raw_record
    from events

)

select * from final
