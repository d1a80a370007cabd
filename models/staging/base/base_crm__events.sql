{#- Every raw event row, typed, with the reason the row itself is unusable
    (null when it passes). Repeats of an event_id are resolved downstream, in
    int_events_deduplicated, so that they can be resolved incrementally. -#}
{%- set raw_columns = raw_data_columns(source('crm', 'events')) -%}

with

source as (

    {{ raw_source('events', event_contract_columns()) }}

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
        nullif(trim(duration_seconds), '') as duration_seconds_raw,
        {{ parse_number('duration_seconds') }} as duration_seconds,
        nullif(trim(session_id), '') as session_id,
        _loaded_at as loaded_at,
        _source_file as source_file,
        _source_row as source_row,
        {{ raw_bookkeeping_column(source('crm', 'events'), '_load_error') }} as load_error,
        {{ raw_record_or_line(source('crm', 'events'), raw_columns) }} as raw_record,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint
    from source

),

checked as (

    select
        *,
        case
            when load_error is not null then 'malformed_row'
            when event_id is null then 'missing_event_id'
            when lead_id is null then 'missing_lead_id'
            when event_type is null then 'missing_event_type'
            when occurred_at_raw is null then 'missing_timestamp'
            else {{ timestamp_problem('occurred_at_raw', 'occurred_at', 'loaded_at') }}
        end as reject_reason
    from typed

)

select * from checked
