{#- Every raw event row that is not scored, with why: the row is unusable,
    repeats an event_id loaded before it, or names a lead not loaded (yet).
    Incremental by load time like int_events_deduplicated, so a run reads only
    the rows loaded since the last run. Whether a lead is still unknown is
    decided when the rejects mart is built: a lead loaded later claims its
    events back. -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}
{%- if is_incremental() -%}
    {%- set classified_through = events_classified_through() -%}
{%- endif %}

with

new_rows as (

    select * from {{ ref('base_crm__events') }}
    {% if is_incremental() %}
        where loaded_at > {{ classified_through }}
    {% endif %}

),

kept_events as (

    select
        event_id,
        lead_id,
        loaded_at,
        source_file,
        source_row
    from {{ ref('int_events_deduplicated') }}
    {% if is_incremental() %}
        where loaded_at > {{ classified_through }}
    {% endif %}

),

known_leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

classified as (

    select
        new_rows.event_id,
        new_rows.lead_id,
        new_rows.source_file,
        new_rows.source_row,
        new_rows.row_fingerprint,
        new_rows.raw_record,
        new_rows.loaded_at,
        case
            when new_rows.reject_reason is not null then new_rows.reject_reason
            -- A valid row that was not kept repeats an event_id loaded before it.
            when kept_events.event_id is null then 'duplicate_event_id'
            when known_leads.lead_id is null then 'unknown_lead'
        end as reason
    from new_rows
    left join kept_events
        on new_rows.reject_reason is null
            and new_rows.event_id = kept_events.event_id
            and {{ null_safe_equals('new_rows.loaded_at', 'kept_events.loaded_at') }}
            and {{ null_safe_equals('new_rows.source_file', 'kept_events.source_file') }}
            and new_rows.source_row = kept_events.source_row
    left join known_leads
        on kept_events.lead_id = known_leads.lead_id

),

already_rejected as (

    {%- if is_incremental() %}
        select
            loaded_at,
            source_file,
            source_row
        from {{ this }}
        where loaded_at > {{ classified_through }}
    {%- else %}
        select
            loaded_at,
            source_file,
            source_row
        from classified
        where 1 = 0
    {%- endif %}

),

final as (

    select classified.*
    from classified
    -- A batch read again (it had no rejects and no scoring run recorded it) adds nothing twice.
    left join already_rejected
        on {{ null_safe_equals('classified.loaded_at', 'already_rejected.loaded_at') }}
            and {{ null_safe_equals('classified.source_file', 'already_rejected.source_file') }}
            and classified.source_row = already_rejected.source_row
    where classified.reason is not null and already_rejected.source_row is null

)

select * from final
