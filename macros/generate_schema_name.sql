{#- Marts land in a schema literally named `marts` (not `<target>_marts`) so BI
    and reverse-ETL tools address `marts.lead_scores` on every engine. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
