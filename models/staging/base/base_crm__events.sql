{#- Every raw event row, typed, with its reject reason (null when accepted).
    Of several rows with one event_id, the first loaded valid one is kept and
    the others are rejected as duplicates. -#}
{%- set raw_columns = raw_data_columns(source('crm', 'events')) -%}

with

source as (

    select * from {{ source('crm', 'events') }}

),

typed as (

    select
        nullif(trim(event_id), '') as event_id,
        nullif(trim(lead_id), '') as lead_id,
        nullif(lower(trim(event_type)), '') as event_type,
        nullif(trim(occurred_at), '') as occurred_at_raw,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        nullif(trim(url), '') as url,
        nullif(lower(trim(email_type)), '') as email_type,
        {{ safe_to_number('duration_seconds') }} as duration_seconds,
        nullif(trim(session_id), '') as session_id,
        _loaded_at as loaded_at,
        _source_file as source_file,
        _source_row as source_row,
        {{ raw_record_json(raw_columns) }} as raw_record,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint
    from source

),

checked as (

    select
        *,
        case
            when event_id is null then 'missing_event_id'
            when lead_id is null then 'missing_lead_id'
            when event_type is null then 'missing_event_type'
            when occurred_at_raw is null then 'missing_timestamp'
            when occurred_at is null then 'unparseable_timestamp'
            when occurred_at > {{ dbt.dateadd('hour', var('future_tolerance_hours'), 'loaded_at') }}
                then 'future_timestamp'
        end as row_reject_reason
    from typed

),

deduplicated as (

    select
        *,
        coalesce(
            row_reject_reason,
            case
                when row_number() over (
                        partition by event_id
                        order by (case when row_reject_reason is null then 0 else 1 end), loaded_at, source_row
                    ) > 1 then 'duplicate_event_id'
            end
        ) as reject_reason
    from checked

)

select * from deduplicated
