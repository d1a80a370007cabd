{#- Values that could not be used on rows that were kept: the lead is scored
    without the value, and the value is recorded here. -#}

with

leads as (

    select * from {{ ref('base_crm__leads') }}
    where is_current_version

),

issues as (

    {%- set checks = [
        ('email', 'email_raw', 'email', 'invalid_email'),
        ('phone', 'phone_raw', 'phone', 'invalid_phone'),
        ('employees', 'employees_raw', 'employees', 'unparseable_number'),
        ('created_at', 'created_at_raw', 'created_at', 'unparseable_timestamp'),
        ('updated_at', 'updated_at_raw', 'updated_at', 'unparseable_timestamp'),
    ] -%}
    {%- for column_name, raw_column, typed_column, reason in checks %}
        select
            lead_id,
            '{{ column_name }}' as column_name,
            {{ raw_column }} as raw_value,
            '{{ reason }}' as reason,
            source_file,
            source_row
        from leads
        where nullif({{ raw_column }}, '') is not null and {{ typed_column }} is null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        {{ dbt.concat(['lead_id', "':'", 'column_name']) }} as issue_id,
        *
    from issues

)

select * from final
