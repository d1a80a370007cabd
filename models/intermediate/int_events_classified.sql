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

-- Ids that occur more than once in the batch (read from the id column alone):
-- only their rows can be repeats within it.
repeated_ids as (

    select event_id
    from new_rows
    group by event_id
    having count(*) > 1

),

-- Raw values are carried only for rows the rejects mart may show, so the
-- ordering below does not move every row's raw text.
gated as (

    select
        new_rows.event_id,
        new_rows.lead_id,
        new_rows.event_type,
        new_rows.occurred_at,
        new_rows.occurred_on,
        new_rows.url_normalized,
        new_rows.email_type,
        new_rows.duration_seconds,
        new_rows.session_id,
        new_rows.loaded_at,
        new_rows.source_file,
        new_rows.source_row,
        new_rows.reject_reason,
        known_leads.lead_id is not null as lead_was_known,
        {%- if is_incremental() %}
            already_kept.event_id is not null as is_kept_before,
        {%- else %}
            false as is_kept_before,
        {%- endif %}
        case
            when
                new_rows.reject_reason is not null or known_leads.lead_id is null
                or repeated_ids.event_id is not null {% if is_incremental() %}or already_kept.event_id is not null{% endif %}
                then new_rows.row_fingerprint
        end as row_fingerprint,
        case
            when
                new_rows.reject_reason is not null or known_leads.lead_id is null
                or repeated_ids.event_id is not null {% if is_incremental() %}or already_kept.event_id is not null{% endif %}
                then new_rows.raw_record
        end as raw_record
    from new_rows
    left join known_leads
        on new_rows.lead_id = known_leads.lead_id
    left join repeated_ids
        on new_rows.event_id = repeated_ids.event_id
    {%- if is_incremental() %}
        left join {{ this }} as already_kept
            on new_rows.reject_reason is null
                and new_rows.event_id = already_kept.event_id
                and already_kept.reject_reason is null
    {%- endif %}

),

-- Valid rows compete for their event_id among themselves only.
ranked as (

    select
        *,
        row_number() over (
            partition by event_id, reject_reason
            order by loaded_at, source_file, source_row
        ) as id_occurrence
    from gated

),

classified as (

    select
        *,
        case
            when reject_reason is not null then reject_reason
            when id_occurrence > 1 or is_kept_before then 'duplicate_event_id'
        end as classified_reason
    from ranked

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
