{#- The date scores are computed as of: var('as_of') when given, else the latest
    event, lead or conversion date in the data, so a rerun on the same data is identical. -#}
{%- set as_of = var('as_of', none) -%}
{%- set as_of_text = as_of | string -%}
{%- if as_of and not (as_of_text | length == 10 and as_of_text[4] == '-' and as_of_text[7] == '-'
        and (as_of_text[0:4] ~ as_of_text[5:7] ~ as_of_text[8:10]).isdigit()) -%}
    {{ exceptions.raise_compiler_error("var as_of must be a date written YYYY-MM-DD, got '" ~ as_of ~ "'") }}
{%- endif -%}
{%- if not as_of and execute and flags.WHICH in ('run', 'build') -%}
    {#- Said here, before the build goes on: without it the first sign is a not_null test's name. -#}
    {%- set found = run_query(
        "select max(d) from (select max(occurred_on) as d from " ~ ref('int_events_deduplicated')
        ~ " union all select max(cast(coalesce(updated_at, created_at) as date)) from " ~ ref('stg_crm__leads')
        ~ " union all select max(cast(converted_at as date)) from " ~ ref('stg_crm__conversions') ~ ") as latest") -%}
    {%- if found.rows[0][0] is none -%}
        {{ exceptions.raise_compiler_error(
            "No date to score as of: no lead, event or conversion in the data has a usable date; "
            ~ "pass --as-of YYYY-MM-DD (dbt: --vars '{as_of: YYYY-MM-DD}')") }}
    {%- endif -%}
{%- endif -%}

with

latest_event as (

    select max(occurred_on) as latest_event_on from {{ ref('int_events_deduplicated') }}

),

latest_lead as (

    select max(cast(coalesce(updated_at, created_at) as date)) as latest_lead_on
    from {{ ref('stg_crm__leads') }}

),

latest_conversion as (

    select max(cast(converted_at as date)) as latest_conversion_on
    from {{ ref('stg_crm__conversions') }}

),

final as (

    select
        {%- if as_of %}
            cast('{{ as_of_text }}' as date) as as_of
        {%- else %}
            -- The latest of the dates that exist (engines disagree on greatest() with nulls).
            greatest(
                coalesce(latest_event.latest_event_on, latest_lead.latest_lead_on, latest_conversion.latest_conversion_on),
                coalesce(latest_lead.latest_lead_on, latest_event.latest_event_on, latest_conversion.latest_conversion_on),
                coalesce(latest_conversion.latest_conversion_on, latest_event.latest_event_on, latest_lead.latest_lead_on)
            ) as as_of
        {%- endif %}
    from latest_event
    cross join latest_lead
    cross join latest_conversion

)

select * from final
