{#- Every accepted version of every lead (a lead's row as loaded at one
    time), with whether it is the lead's current version. Point-in-time
    scoring picks the version in effect on each as_of. -#}
{%- set custom_columns = custom_lead_columns() -%}

with

leads as (

    select * from {{ ref('base_crm__leads') }}
    where reject_reason is null

),

final as (

    select
        lead_id,
        email,
        {{ dbt.split_part('email', "'@'", 2) }} as email_domain,
        {{ dbt.split_part('email', "'@'", 1) }} as email_local_part,
        first_name,
        last_name,
        phone,
        job_title,
        company_name,
        employees,
        industry,
        country,
        region,
        city,
        postal_code,
        lead_source,
        created_at,
        updated_at,
        {%- for column_name in custom_columns %}
        {{ adapter.quote(column_name) }},
        {%- endfor %}
        loaded_at,
        source_row,
        -- A version is its content: two identical rows are one version.
        row_fingerprint as lead_version,
        is_current_version
    from leads

)

select * from final
