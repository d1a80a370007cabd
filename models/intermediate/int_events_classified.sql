{#- Every raw event row once, classified in one pass: kept (reject_reason
    null: the first loaded valid row of its event_id) or rejected with the
    reason (the row itself is unusable, or it repeats an event_id loaded
    before it). Incremental by load time (`_loaded_at`, stamped by the
    loader), not event time, so late events still count: a run reads only the
    rows loaded since its own latest row. Every raw row leaves a row here, so
    that watermark always moves on by itself. The raw values are kept for the
    rows the rejects mart may show: rejected rows, and kept rows whose lead is
    not loaded (yet). -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

new_rows as (

    select * from {{ ref('stg_crm__events') }}
    {% if is_incremental() %}
        where loaded_at > {{ loaded_through('loaded_at') }}
    {% endif %}

),

known_leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

-- Valid rows compete for their event_id among themselves only.
ranked as (

    select
        *,
        row_number() over (
            partition by event_id, reject_reason
            order by loaded_at, source_file, source_row
        ) as id_occurrence
    from new_rows

),

classified as (

    select
        ranked.*,
        case
            when ranked.reject_reason is not null then ranked.reject_reason
            {%- if is_incremental() %}
                when ranked.id_occurrence > 1 or already_kept.event_id is not null then 'duplicate_event_id'
            {%- else %}
                when ranked.id_occurrence > 1 then 'duplicate_event_id'
            {%- endif %}
        end as classified_reason,
        known_leads.lead_id is not null as lead_was_known
    from ranked
    {%- if is_incremental() %}
        left join {{ this }} as already_kept
            on ranked.reject_reason is null
                and ranked.event_id = already_kept.event_id
                and already_kept.reject_reason is null
    {%- endif %}
    left join known_leads
        on ranked.lead_id = known_leads.lead_id

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
        classified_reason as reject_reason,
        case when classified_reason is not null or not lead_was_known then row_fingerprint end as row_fingerprint,
        case when classified_reason is not null or not lead_was_known then raw_record end as raw_record
    from classified

)

select * from final
