{#- Every raw lead row, typed, with the reason it is rejected (null when
    accepted) and whether it is the lead's current version. Nothing is dropped
    here: stg_crm__leads keeps the current accepted versions, the rejects mart
    the rest. Columns beyond the contract pass through as custom attributes.
    A table, unlike the other base models: five models read every lead row,
    and a view would parse and validate each one five times per build. -#}
{{ config(materialized='table') }}
{%- set raw_columns = raw_data_columns(source('crm', 'leads')) -%}

with

source as (

    {{ raw_source('leads', lead_contract_columns()) }}

),

typed as (

    select
        nullif(trim(lead_id), '') as lead_id,
        lower(trim(email)) as email_raw,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(phone), '') as phone_raw,
        nullif(trim(job_title), '') as job_title,
        nullif(trim(company_name), '') as company_name,
        nullif(trim(employees), '') as employees_raw,
        nullif(trim(industry), '') as industry,
        nullif(lower(trim(country)), '') as country,
        nullif(lower(trim(region)), '') as region,
        nullif(trim(city), '') as city,
        nullif(trim(postal_code), '') as postal_code,
        nullif(lower(trim(lead_source)), '') as lead_source,
        nullif(trim(created_at), '') as created_at_raw,
        nullif(trim(updated_at), '') as updated_at_raw,
        {{ parse_timestamp('created_at') }} as created_at_parsed,
        {{ parse_timestamp('updated_at') }} as updated_at_parsed,
        {%- for column_name in custom_lead_columns() %}
        {{ adapter.quote(column_name) }},
        {%- endfor %}
        _loaded_at as loaded_at,
        _source_file as source_file,
        _source_row as source_row,
        {{ raw_bookkeeping_column(source('crm', 'leads'), '_load_error') }} as load_error,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        {{ raw_record_or_line(source('crm', 'leads'), raw_columns) }} as raw_record
    from source

),

cleaned as (

    select
        *,
        -- A date after the load (beyond the tolerance) or before 1900 is not
        -- used: it would move the default as_of and decay every score.
        {{ plausible_timestamp('created_at_raw', 'created_at_parsed', 'loaded_at') }} as created_at,
        {{ timestamp_problem('created_at_raw', 'created_at_parsed', 'loaded_at') }} as created_at_problem,
        {{ plausible_timestamp('updated_at_raw', 'updated_at_parsed', 'loaded_at') }} as updated_at,
        {{ timestamp_problem('updated_at_raw', 'updated_at_parsed', 'loaded_at') }} as updated_at_problem,
        case when {{ is_valid_email('email_raw') }} then email_raw end as email,
        -- Phone numbers need at least 7 digits; formatting characters are fine.
        case
            when {{ dbt.length(regex_replace_all('phone_raw', '[^0-9]', '')) }} >= 7
                then phone_raw
        end as phone,
        -- A number as parse_number reads it; "500+" and "50-200" (the lower
        -- bound) are read too; "n/a" is not.
        {{ parse_number(dbt.split_part(regex_replace_all('employees_raw', '[+]$', ''), "'-'", 1)) }} as employees,
        case
            when load_error is not null then 'malformed_row'
            when lead_id is null then 'missing_lead_id'
        end as reject_reason
    from typed

),

versioned as (

    select
        *,
        reject_reason is null
        and row_number() over (
            partition by lead_id
            order by
                (case when reject_reason is null then 0 else 1 end),
                updated_at desc nulls last, loaded_at desc, source_row desc
        ) = 1 as is_current_version
    from cleaned

)

select * from versioned
