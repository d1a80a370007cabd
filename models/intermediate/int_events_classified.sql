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

-- The ids kept by earlier runs (none in a full build).
already_kept as (

    {%- if is_incremental() %}
        select event_id from {{ this }}
        where reject_reason is null
    {%- else %}
        select event_id from new_rows
        where 1 = 0
    {%- endif %}

),

flagged as (

    select
        new_rows.*,
        known_leads.lead_id is not null as lead_was_known,
        already_kept.event_id is not null as is_kept_before,
        -- Rows the rejects mart may show: a row problem, an unknown lead, a possible repeat.
        (
            new_rows.reject_reason is not null or known_leads.lead_id is null
            or repeated_ids.event_id is not null or already_kept.event_id is not null
        ) as may_be_shown
    from new_rows
    left join known_leads
        on new_rows.lead_id = known_leads.lead_id
    left join repeated_ids
        on new_rows.event_id = repeated_ids.event_id
    left join already_kept
        on new_rows.reject_reason is null
            and new_rows.event_id = already_kept.event_id

),

-- Raw values are carried only for those rows, so the ordering below does not
-- move every row's raw text.
gated as (

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
        reject_reason,
        lead_was_known,
        is_kept_before,
        case when may_be_shown then row_fingerprint end as row_fingerprint,
        case when may_be_shown then raw_record end as raw_record
    from flagged

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
