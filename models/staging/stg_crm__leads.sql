{#- One row per lead: its current accepted version. -#}
{%- set custom_columns = custom_lead_columns() -%}

with

leads as (

    select * from {{ ref('base_crm__leads') }}
    where is_current_version

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
        loaded_at
    from leads

)

select * from final
