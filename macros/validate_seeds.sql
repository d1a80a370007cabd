{#- Bad configuration fails the build with a message naming the seed file, the
    row and the bad value. Runs when the staging model over a seed compiles,
    which dbt does after the seed is loaded. Seed values are only read as
    data here; they never become SQL text. -#}

{#- checks: list of {field, invalid_when (SQL over the seed's columns), expected}. -#}
{% macro assert_seed_is_valid(seed_name, key_column, checks) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set seed_relation = ref(seed_name) -%}
    {%- set loaded = adapter.get_relation(seed_relation.database, seed_relation.schema, seed_relation.identifier) -%}
    {%- if loaded is none -%}{{ return('') }}{%- endif -%}
    {%- set query -%}
        {%- for check in checks %}
        select
            cast({{ key_column }} as {{ type_text() }}) as row_key,
            '{{ check.field }}' as field_name,
            cast({{ check.value if check.value is defined else check.field }} as {{ type_text() }}) as bad_value,
            '{{ check.expected }}' as expected
        from {{ seed_relation }}
        where {{ check.invalid_when }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    {%- endset -%}
    {%- set problems = run_query(query) -%}
    {%- if problems.rows | length > 0 -%}
        {%- set first = problems.rows[0] -%}
        {%- set more = problems.rows | length - 1 -%}
        {{ exceptions.raise_compiler_error(
            "Invalid rule in seeds/" ~ seed_name ~ ".csv: " ~ key_column ~ " '" ~ first[0] ~ "': "
            ~ first[1] ~ " = '" ~ (first[2] if first[2] is not none else '') ~ "' is not valid; expected " ~ first[3]
            ~ ((" (and " ~ more ~ " more problems)") if more > 0 else "")
        ) }}
    {%- endif -%}
{% endmacro %}

{#- SQL: true when a text column is filled but not a number. -#}
{% macro is_not_a_number(column) -%}
    (nullif(trim({{ column }}), '') is not null and {{ safe_to_number(column) }} is null)
{%- endmacro %}

{% macro is_not_boolean(column) -%}
    (nullif(trim({{ column }}), '') is not null and lower(trim({{ column }})) not in ('true', 'false'))
{%- endmacro %}

{% macro quoted_list(values) -%}
    {%- for v in values -%}'{{ v }}'{{ ', ' if not loop.last }}{%- endfor -%}
{%- endmacro %}

{#- A 'true'/'false' text column as a boolean; blank is false. -#}
{% macro text_to_boolean(column) -%}
    coalesce(lower(trim({{ column }})) = 'true', false)
{%- endmacro %}

{#- Text normalised for matching: trimmed, lower-case, null when blank. -#}
{% macro normalized_text(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{#- A build with no active scoring model would publish empty marts and pass;
    fail it instead, saying which seed to edit. -#}
{% macro assert_some_scoring_model_is_active() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set seed_relation = ref('scoring_models') -%}
    {%- set loaded = adapter.get_relation(seed_relation.database, seed_relation.schema, seed_relation.identifier) -%}
    {%- if loaded is none -%}{{ return('') }}{%- endif -%}
    {%- set active = run_query("select count(*) from " ~ seed_relation ~ " where " ~ text_to_boolean('is_active')) -%}
    {%- if active.rows[0][0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Invalid configuration in seeds/scoring_models.csv: no row has is_active = true, so nothing would "
            ~ "be scored; set is_active to true on at least one scoring model") }}
    {%- endif -%}
{% endmacro %}
