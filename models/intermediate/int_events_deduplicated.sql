{#- Every accepted event once: of several rows with one event_id, the first
    loaded valid one is kept. Incremental by load time (`_loaded_at`, stamped
    by the loader), not event time, so late events still count: a run reads
    only the rows loaded since the last run and skips ids it already holds. -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

new_events as (

    select * from {{ ref('stg_crm__events') }}
    {% if is_incremental() %}
        where loaded_at > {{ loaded_through('loaded_at') }}
    {% endif %}

),

first_of_each_id as (

    select
        *,
        row_number() over (partition by event_id order by loaded_at, source_file, source_row) as id_occurrence
    from new_events

),

final as (

    select
        first_of_each_id.event_id,
        first_of_each_id.lead_id,
        first_of_each_id.event_type,
        first_of_each_id.occurred_at,
        first_of_each_id.occurred_on,
        first_of_each_id.url_normalized,
        first_of_each_id.email_type,
        first_of_each_id.duration_seconds,
        first_of_each_id.session_id,
        first_of_each_id.loaded_at,
        first_of_each_id.source_file,
        first_of_each_id.source_row
    from first_of_each_id
    {% if is_incremental() %}
        left join {{ this }} as already_kept
            on first_of_each_id.event_id = already_kept.event_id
        where first_of_each_id.id_occurrence = 1 and already_kept.event_id is null
    {% else %}
        where first_of_each_id.id_occurrence = 1
    {% endif %}

)

select * from final
