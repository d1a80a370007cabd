{#- Values that could not be used on rows that were kept: the lead (or event)
    is scored without the value, and the value is recorded here. -#}

with

leads as (

    select * from {{ ref('base_crm__leads') }}
    where is_current_version

),

events as (

    -- One per event_id: the row int_events_deduplicated keeps (the first loaded).
    select
        *,
        row_number() over (partition by event_id order by loaded_at, source_file, source_row) as id_occurrence
    from {{ ref('base_crm__events') }}
    where reject_reason is null and duration_seconds_raw is not null and duration_seconds is null

),

lead_issues as (

    {%- set checks = [
        ('email', 'email_raw', "case when email is null then 'invalid_email' end"),
        ('phone', 'phone_raw', "case when phone is null then 'invalid_phone' end"),
        ('employees', 'employees_raw', "case when employees is null then 'unparseable_number' end"),
        ('created_at', 'created_at_raw', 'created_at_problem'),
        ('updated_at', 'updated_at_raw', 'updated_at_problem'),
    ] -%}
    {%- for column_name, raw_column, reason in checks %}
        select
            {{ dbt.concat(['lead_id', "':" ~ column_name ~ "'"]) }} as issue_id,
            'leads' as source_table,
            lead_id,
            cast(null as {{ type_text() }}) as event_id,
            '{{ column_name }}' as column_name,
            {{ raw_column }} as raw_value,
            {{ reason }} as reason,
            source_file,
            source_row
        from leads
        where nullif({{ raw_column }}, '') is not null and {{ reason }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

event_issues as (

    select
        {{ dbt.concat(["'event:'", 'event_id', "':duration_seconds'"]) }} as issue_id,
        'events' as source_table,
        lead_id,
        event_id,
        'duration_seconds' as column_name,
        duration_seconds_raw as raw_value,
        'unparseable_number' as reason,
        source_file,
        source_row
    from events
    where id_occurrence = 1

),

final as (

    select * from lead_issues
    union all
    select * from event_issues

)

select * from final
