{#- One row per lead version and attribute that some fit rule reads, nulls included
    (is_absent needs them). Only the real column names of int_leads_enriched
    become SQL; a rule naming a column that does not exist fails the build.
    A view: int_fit_rules_matched reads it once per build, for the versions
    it has not matched yet (state_added_at), and the filter reaches every branch. -#}
{{ config(materialized='view') }}
{%- set leads_relation = ref('int_leads_enriched') -%}
{%- set attributes = [] -%}
{%- if execute -%}
    {%- set available = [] -%}
    {%- for col in adapter.get_columns_in_relation(leads_relation) -%}
        {%- if col.name | lower not in ('lead_id', 'lead_version', 'source_row', 'is_current_version', 'copy_number', 'state_added_at', 'state_fingerprint') -%}{%- do available.append(col.name | lower) -%}{%- endif -%}
    {%- endfor -%}
    {%- set rules = run_query("select distinct attribute, rule_id, scoring_model from " ~ ref('stg_rules__fit_rules') ~ " order by 1, 2") -%}
    {%- for rule in rules.rows -%}
        {%- if available and rule[0] not in available -%}
            {{ exceptions.raise_compiler_error(
                "Invalid rule in seeds/fit_rules.csv: rule_id '" ~ rule[1] ~ "': attribute = '" ~ rule[0]
                ~ "' is not a lead column; expected one of " ~ available | join(', ')) }}
        {%- endif -%}
        {%- if rule[0] in available and rule[0] not in attributes -%}{%- do attributes.append(rule[0]) -%}{%- endif -%}
    {%- endfor -%}
{%- endif -%}

-- depends_on: {{ ref('stg_rules__fit_rules') }}

with

leads as (

    select * from {{ ref('int_leads_enriched') }}

),

unpivoted as (

    -- An empty, typed first branch: a rule set that reads no attribute still builds.
    select
        lead_id,
        lead_version,
        state_added_at,
        cast(null as {{ type_text() }}) as attribute_name,
        cast(null as {{ type_text() }}) as attribute_value
    from leads
    where 1 = 0
    {%- for attribute in attributes %}
    union all
    select
        lead_id,
        lead_version,
        state_added_at,
        '{{ attribute }}' as attribute_name,
        cast({{ adapter.quote(attribute) }} as {{ type_text() }}) as attribute_value
    from leads
    {%- endfor %}

),

final as (

    select
        lead_id,
        lead_version,
        state_added_at,
        attribute_name,
        attribute_value,
        {{ normalized_text('attribute_value') }} as value_text,
        {{ parse_number('attribute_value') }} as value_number
    from unpivoted

)

select * from final
