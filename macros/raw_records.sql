{#- Helpers for the quarantine: keep every raw value of a rejected row. -#}

{#- Column names of a raw relation, minus the loader's bookkeeping columns. -#}
{% macro raw_data_columns(relation) %}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- if not col.name.startswith('_') -%}{%- do names.append(col.name | lower) -%}{%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{% endmacro %}

{#- The row's original values as a JSON object (text). -#}
{% macro raw_record_json(columns) %}{{ return(adapter.dispatch('raw_record_json', 'leadscore')(columns)) }}{% endmacro %}
{% macro default__raw_record_json(columns) -%}
    cast(json_object(
        {%- for c in columns %}
        '{{ dbt.escape_single_quotes(c) }}', {{ adapter.quote(c) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ type_text() }})
{%- endmacro %}
{% macro postgres__raw_record_json(columns) -%}
    cast(jsonb_build_object(
        {%- for c in columns %}
        '{{ dbt.escape_single_quotes(c) }}', {{ adapter.quote(c) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}
{% macro spark__raw_record_json(columns) -%}
    to_json(named_struct(
        {%- for c in columns %}
        '{{ dbt.escape_single_quotes(c) }}', {{ adapter.quote(c) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}

{#- A stable id for a row that has none of its own: a hash of all its values. -#}
{% macro row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for c in columns -%}
        {%- do parts.append("coalesce(" ~ adapter.quote(c) ~ ", '<null>')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- The raw lead columns the data contract names; any other column is a
    custom attribute that rules can score. -#}
{% macro lead_contract_columns() %}
    {{ return(['lead_id', 'email', 'first_name', 'last_name', 'phone', 'job_title',
               'company_name', 'employees', 'industry', 'country', 'region', 'city',
               'postal_code', 'lead_source', 'created_at', 'updated_at']) }}
{% endmacro %}

{% macro custom_lead_columns() %}
    {%- set contract = lead_contract_columns() -%}
    {%- set custom = [] -%}
    {%- for name in raw_data_columns(source('crm', 'leads')) if name not in contract -%}
        {%- do custom.append(name) -%}
    {%- endfor -%}
    {{ return(custom) }}
{% endmacro %}
