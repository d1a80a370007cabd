{#- Engine differences, each behind adapter.dispatch so models stay one text. -#}

{% macro type_double() %}{{ return(adapter.dispatch('type_double', 'leadscore')()) }}{% endmacro %}
{% macro default__type_double() %}double precision{% endmacro %}
{% macro duckdb__type_double() %}double{% endmacro %}
{% macro spark__type_double() %}double{% endmacro %}

{% macro type_text() %}{{ return(adapter.dispatch('type_text', 'leadscore')()) }}{% endmacro %}
{% macro default__type_text() %}varchar{% endmacro %}
{% macro postgres__type_text() %}text{% endmacro %}
{% macro spark__type_text() %}string{% endmacro %}

{#- A number parsed from text, or null when the text is not a number. -#}
{% macro safe_to_number(expr) %}{{ return(adapter.dispatch('safe_to_number', 'leadscore')(expr)) }}{% endmacro %}
{% macro default__safe_to_number(expr) -%}
    try_cast(trim({{ expr }}) as {{ type_double() }})
{%- endmacro %}
{% macro postgres__safe_to_number(expr) -%}
    (case
        when trim({{ expr }}) ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
            then cast(trim({{ expr }}) as double precision)
    end)
{%- endmacro %}

{% macro regex_matches(expr, pattern) %}{{ return(adapter.dispatch('regex_matches', 'leadscore')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_matches(expr, pattern) %}regexp_matches({{ expr }}, '{{ pattern }}'){% endmacro %}
{% macro postgres__regex_matches(expr, pattern) %}({{ expr }} ~ '{{ pattern }}'){% endmacro %}
{% macro spark__regex_matches(expr, pattern) %}({{ expr }} rlike '{{ pattern }}'){% endmacro %}

{% macro regex_replace_all(expr, pattern, replacement) %}{{ return(adapter.dispatch('regex_replace_all', 'leadscore')(expr, pattern, replacement)) }}{% endmacro %}
{% macro default__regex_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g'){% endmacro %}
{% macro spark__regex_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}'){% endmacro %}

{#- 2 to the power x: exponential half-life decay. -#}
{% macro power_of_two(expr) %}{{ return(adapter.dispatch('power_of_two', 'leadscore')(expr)) }}{% endmacro %}
{% macro default__power_of_two(expr) %}power(2.0, {{ expr }}){% endmacro %}

{#- Text of a timestamp, in UTC, or null when no known form parses.
    ISO forms always; day-first or month-first forms by var('date_order'). -#}
{% macro parse_timestamp(expr) %}{{ return(adapter.dispatch('parse_timestamp', 'leadscore')(expr)) }}{% endmacro %}

{% macro local_date_formats() -%}
    {%- set order = var('date_order', 'dmy') -%}
    {%- if order not in ['dmy', 'mdy'] -%}
        {{ exceptions.raise_compiler_error("var date_order must be 'dmy' or 'mdy', got '" ~ order ~ "'") }}
    {%- endif -%}
    {%- set day_month = '%d-%m' if order == 'dmy' else '%m-%d' -%}
    {%- set formats = [] -%}
    {%- for sep in ['-', '/', '.'] -%}
        {%- set date_part = day_month.replace('-', sep) ~ sep ~ '%Y' -%}
        {%- for time_part in ['', ' %H:%M', ' %H:%M:%S'] -%}
            {%- do formats.append(date_part ~ time_part) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(formats) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(expr) -%}
    coalesce(
        cast(try_cast(nullif(trim({{ expr }}), '') as timestamptz) as timestamp),
        try_strptime(trim({{ expr }}), [
            {%- for f in local_date_formats() %}'{{ f }}'{{ ',' if not loop.last }}{% endfor -%}
        ])
    )
{%- endmacro %}

{% macro postgres__parse_timestamp(expr) -%}
    {#- leadscore_try_timestamp (created on run start, see create_helper_functions)
        returns null instead of raising on a value that fits no form. -#}
    {%- set pg_local = 'DD-MM-YYYY HH24:MI:SS' if var('date_order', 'dmy') == 'dmy' else 'MM-DD-YYYY HH24:MI:SS' -%}
    (case
        when trim({{ expr }}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
            then {{ target.schema }}.leadscore_try_timestamp(trim({{ expr }}), null)
        when trim({{ expr }}) ~ '^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$'
            then {{ target.schema }}.leadscore_try_timestamp(regexp_replace(trim({{ expr }}), '[/.]', '-', 'g'), '{{ pg_local }}')
    end)
{%- endmacro %}

{% macro spark__parse_timestamp(expr) -%}
    {%- set order = var('date_order', 'dmy') -%}
    {%- set dm = 'dd-MM' if order == 'dmy' else 'MM-dd' -%}
    coalesce(
        try_to_timestamp(trim({{ expr }})),
        {%- for sep in ['-', '/', '.'] %}
        {%- for time_part in ['', ' HH:mm', ' HH:mm:ss'] %}
        try_to_timestamp(trim({{ expr }}), '{{ dm.replace("-", sep) ~ sep ~ "yyyy" ~ time_part }}'){{ ',' if not loop.last }}
        {%- endfor %}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- Helper functions an engine needs before the models run (on-run-start). -#}
{% macro create_helper_functions() %}{{ return(adapter.dispatch('create_helper_functions', 'leadscore')()) }}{% endmacro %}

{% macro default__create_helper_functions() %}select 1 as no_helpers_needed{% endmacro %}

{% macro postgres__create_helper_functions() %}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.leadscore_try_timestamp(value text, format text)
    returns timestamp language plpgsql immutable as $$
    begin
        if format is null then
            return cast(cast(value as timestamptz) at time zone 'UTC' as timestamp);
        end if;
        return cast(to_timestamp(value, format) as timestamp);
    exception when others then
        return null;
    end $$;
{% endmacro %}

{#- Rounds half away from zero on an exact decimal, so every engine rounds a
    double like 90.975 the same way (and PostgreSQL, which has no
    round(double, int), can round at all). -#}
{% macro round_decimal(expr, digits) -%}
    cast(round(cast({{ expr }} as decimal(38, 10)), {{ digits }}) as {{ type_double() }})
{%- endmacro %}

{#- A sum that does not depend on the order of the rows, as text: each value
    at 6 decimals, added exactly. A sum of doubles changes in its last bits
    with the order the engine reads a table in (DuckDB writes tables in no
    fixed order), and rounding the total does not always hide that. -#}
{% macro order_free_sum_text(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 6))) as {{ type_text() }})
{%- endmacro %}

{#- The one number parser for every numeric text a user loads (lead columns,
    custom attributes, event durations): optional sign, digits with optional
    thousands separators ("1,000" or "1 000"), a decimal point ("5.0", "250.5")
    and an exponent ("1e3"). Anything else is null, and staging records it as
    an unparseable_number issue. A comma is a thousands separator only in
    groups of three, so "1,5" is not silently read as 15. -#}
{% macro parse_number(expr) -%}
    (case
        when {{ regex_matches('trim(' ~ expr ~ ')',
            '^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,3}( [0-9]{3})+|[0-9]*)([.][0-9]*)?([eE][+-]?[0-9]+)?$') }}
            and {{ regex_matches('trim(' ~ expr ~ ')', '[0-9]') }}
            then {{ safe_to_number(regex_replace_all('trim(' ~ expr ~ ')', '[, ]', '')) }}
    end)
{%- endmacro %}

{#- Why a non-empty timestamp text is not used, or null when it is: no known
    form, before 1900, or after the row's load (plus var future_tolerance_hours).
    Such dates are typos or placeholders, and would move as_of or age every score. -#}
{% macro timestamp_problem(raw, parsed, loaded_at) -%}
    (case
        when {{ raw }} is null then null
        when {{ parsed }} is null then 'unparseable_timestamp'
        when {{ parsed }} < cast('1900-01-01' as timestamp) then 'implausible_timestamp'
        when {{ parsed }} > {{ dbt.dateadd('hour', var('future_tolerance_hours'), loaded_at) }} then 'future_timestamp'
    end)
{%- endmacro %}

{#- The parsed timestamp when timestamp_problem finds nothing wrong with it, else null. -#}
{% macro plausible_timestamp(raw, parsed, loaded_at) -%}
    (case when {{ timestamp_problem(raw, parsed, loaded_at) }} is null then {{ parsed }} end)
{%- endmacro %}

{#- A CTE keyword that makes PostgreSQL compute a CTE once. Without it, PostgreSQL
    inlines a CTE read once, and a one-row step of the predictive fit placed on the
    inner side of a nested loop is recomputed for every outer row, down the whole
    chain. DuckDB and Spark plan the chain as it is. -#}
{% macro materialized_cte() %}{{ return(adapter.dispatch('materialized_cte', 'leadscore')()) }}{% endmacro %}
{% macro default__materialized_cte() %}{% endmacro %}
{% macro postgres__materialized_cte() %}materialized{% endmacro %}

{#- The opposite: a CTE keyword that lets DuckDB read a table twice instead of
    first copying a CTE that two steps read (14M components at 10M events cost
    about 5 s to copy, and more to scan back). PostgreSQL and Spark keep their
    own plans. -#}
{% macro inlined_cte() %}{{ return(adapter.dispatch('inlined_cte', 'leadscore')()) }}{% endmacro %}
{% macro default__inlined_cte() %}{% endmacro %}
{% macro duckdb__inlined_cte() %}not materialized{% endmacro %}

{#- a = b, where two nulls are equal too (dbt.equals is null-safe only under a behaviour
    flag a consuming project may not set). -#}
{% macro null_safe_equals(expr1, expr2) %}{{ return(adapter.dispatch('null_safe_equals', 'leadscore')(expr1, expr2)) }}{% endmacro %}
{% macro default__null_safe_equals(expr1, expr2) %}({{ expr1 }} is not distinct from {{ expr2 }}){% endmacro %}
{% macro spark__null_safe_equals(expr1, expr2) %}({{ expr1 }} <=> {{ expr2 }}){% endmacro %}


{#- A plain table from a query, for tables no model owns (lead_score_history's
    index): dbt's own create-table macro would apply the calling model's contract. -#}
{% macro create_table_as_select(relation, sql) %}{{ return(adapter.dispatch('create_table_as_select', 'leadscore')(relation, sql)) }}{% endmacro %}
{% macro default__create_table_as_select(relation, sql) %}create table {{ relation }} as {{ sql }}{% endmacro %}
{% macro spark__create_table_as_select(relation, sql) %}create table {{ relation }} using parquet as {{ sql }}{% endmacro %}
