{#- Every accepted event once: the kept rows of int_events_classified. -#}
{{ config(materialized='view') }}

with

classified as (

    select * from {{ ref('int_events_classified') }}

),

final as (

    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        occurred_on,
        url_normalized,
        email_type,
        duration_seconds,
        session_id,
        loaded_at,
        source_file,
        source_row,
        row_fingerprint,
        raw_record
    from classified
    where reject_reason is null

)

select * from final
