{#- The dates scores are computed as of. One row in a build: var('as_of') when
    given, else the latest event, lead or conversion date in the data, so a
    rerun on the same data is identical. A backfill also passes as_of_from and
    as_of_every_days: every that many days from as_of_from, then as_of itself,
    all scored in one pass (is_latest marks the date the marts publish). Each
    var may come instead from an environment variable (LEADSCORE_AS_OF,
    LEADSCORE_AS_OF_FROM, LEADSCORE_AS_OF_EVERY_DAYS), as the runner passes
    them: a changed var makes dbt parse the whole project again, a changed
    environment variable only the files that read it. -#}
{%- set as_of = var('as_of', none) or env_var('LEADSCORE_AS_OF', '') or none -%}
{%- set as_of_text = as_of | string -%}
{%- set as_of_from = var('as_of_from', none) or env_var('LEADSCORE_AS_OF_FROM', '') or none -%}
{%- set as_of_from_text = as_of_from | string -%}
{%- for name, value in [('as_of', as_of_text), ('as_of_from', as_of_from_text)] -%}
    {%- if value not in ('', 'None') and not (value | length == 10 and value[4] == '-' and value[7] == '-'
            and (value[0:4] ~ value[5:7] ~ value[8:10]).isdigit()) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " (or LEADSCORE_" ~ (name | upper) ~ ") must be a date written YYYY-MM-DD, got '"
            ~ value ~ "'") }}
    {%- endif -%}
{%- endfor -%}
{%- set earlier_dates = [] -%}
{%- if as_of_from and execute -%}
    {%- if not as_of -%}
        {{ exceptions.raise_compiler_error("var as_of_from (or LEADSCORE_AS_OF_FROM) needs as_of (or LEADSCORE_AS_OF): the last date of the range") }}
    {%- endif -%}
    {%- set every_days_var = var('as_of_every_days', none) -%}
    {%- set every_days = (every_days_var if every_days_var is not none
        else env_var('LEADSCORE_AS_OF_EVERY_DAYS', '') or 1) | int -%}
    {%- if every_days < 1 -%}
        {{ exceptions.raise_compiler_error("var as_of_every_days (or LEADSCORE_AS_OF_EVERY_DAYS) must be a whole number of days, 1 or more") }}
    {%- endif -%}
    {%- set first = modules.datetime.date.fromisoformat(as_of_from_text) -%}
    {%- set last = modules.datetime.date.fromisoformat(as_of_text) -%}
    {%- if first > last -%}
        {{ exceptions.raise_compiler_error("var as_of_from (" ~ as_of_from_text ~ ") is after as_of (" ~ as_of_text ~ ")") }}
    {%- endif -%}
    {%- for offset in range(0, (last - first).days, every_days) -%}
        {%- do earlier_dates.append((first + modules.datetime.timedelta(days=offset)).isoformat()) -%}
    {%- endfor -%}
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
            ~ "pass --as-of YYYY-MM-DD (dbt: --vars '{as_of: YYYY-MM-DD}', or LEADSCORE_AS_OF=YYYY-MM-DD)") }}
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

latest_date as (

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

),

final as (

    select
        as_of,
        true as is_latest
    from latest_date
    {%- for earlier in earlier_dates %}
    union all
    select
        cast('{{ earlier }}' as date) as as_of,
        false as is_latest
    from latest_date
    {%- endfor %}

)

select * from final
