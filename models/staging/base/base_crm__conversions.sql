{#- Every raw conversion row, typed, with its reject reason (null when accepted).
    A file without an outcome column means every row is a win. -#}
{%- set raw_columns = raw_data_columns(source('crm', 'conversions')) -%}

with

source as (

    {{ raw_source('conversions', conversion_contract_columns()) }}

),

typed as (

    select
        nullif(trim(lead_id), '') as lead_id,
        nullif(trim(converted_at), '') as converted_at_raw,
        {{ parse_timestamp('converted_at') }} as converted_at,
        coalesce(nullif(lower(trim(outcome)), ''), 'won') as outcome,
        _loaded_at as loaded_at,
        _source_file as source_file,
        _source_row as source_row,
        {{ raw_bookkeeping_column(source('crm', 'conversions'), '_load_error') }} as load_error,
        {{ raw_record_or_line(source('crm', 'conversions'), raw_columns) }} as raw_record,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint
    from source

),

checked as (

    select
        *,
        case
            when load_error is not null then 'malformed_row'
            when lead_id is null then 'missing_lead_id'
            when converted_at_raw is null then 'missing_timestamp'
            -- A conversion dated after its load would move the default as_of.
            when {{ timestamp_problem('converted_at_raw', 'converted_at', 'loaded_at') }} is not null
                then {{ timestamp_problem('converted_at_raw', 'converted_at', 'loaded_at') }}
            when outcome not in ('won', 'lost') then 'invalid_outcome'
        end as reject_reason
    from typed

)

select * from checked
