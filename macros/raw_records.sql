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
{% macro raw_record_json(columns) %}
    {%- set fields = {} -%}
    {%- for c in columns -%}{%- do fields.update({c: adapter.quote(c)}) -%}{%- endfor -%}
    {{ return(raw_record_json_of(fields)) }}
{% endmacro %}

{#- A JSON object (text) from {key: SQL expression}. -#}
{% macro raw_record_json_of(fields) %}{{ return(adapter.dispatch('raw_record_json_of', 'leadscore')(fields)) }}{% endmacro %}
{% macro default__raw_record_json_of(fields) -%}
    cast(json_object(
        {%- for key, expr in fields.items() %}
        '{{ dbt.escape_single_quotes(key) }}', {{ expr }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ type_text() }})
{%- endmacro %}
{% macro postgres__raw_record_json_of(fields) -%}
    cast(jsonb_build_object(
        {%- for key, expr in fields.items() %}
        '{{ dbt.escape_single_quotes(key) }}', {{ expr }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}
{% macro spark__raw_record_json_of(fields) -%}
    to_json(named_struct(
        {%- for key, expr in fields.items() %}
        '{{ dbt.escape_single_quotes(key) }}', {{ expr }}{{ ',' if not loop.last }}
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

{#- Names the models derive or use for bookkeeping. A raw column may not take
    one: it would shadow the derived value or be shadowed by it (the loader
    refuses such a header with the same list, scripts/runner/contract.py). -#}
{% macro reserved_lead_columns() %}
    {{ return(['loaded_at', 'source_file', 'source_row', 'load_error', 'raw_line', 'row_fingerprint',
               'raw_record', 'reject_reason', 'is_current_version', 'email_raw', 'phone_raw', 'employees_raw',
               'created_at_raw', 'updated_at_raw', 'email_domain', 'email_local_part', 'seniority',
               'is_personal_email', 'is_competitor', 'is_gibberish', 'is_in_territory']) }}
{% endmacro %}

{% macro custom_lead_columns() %}
    {%- set contract = lead_contract_columns() -%}
    {%- set reserved = reserved_lead_columns() -%}
    {%- set custom = [] -%}
    {%- for name in raw_data_columns(source('crm', 'leads')) if name not in contract -%}
        {%- if name in reserved -%}
            {{ exceptions.raise_compiler_error(
                "raw leads column '" ~ name ~ "' has the name of a column the project derives or uses for "
                ~ "bookkeeping; rename it (e.g. crm_" ~ name ~ ") so neither hides the other") }}
        {%- endif -%}
        {%- do custom.append(name) -%}
    {%- endfor -%}
    {{ return(custom) }}
{% endmacro %}

{#- A loader bookkeeping column when the raw table has it, else a typed null,
    so raw tables made by other tools (without _load_error) work as they are. -#}
{% macro raw_bookkeeping_column(relation, name) %}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- if col.name | lower == name -%}{{ return(adapter.quote(name)) }}{%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('cast(null as ' ~ type_text() ~ ')') }}
{% endmacro %}

{#- The raw record of a row: its values as JSON, or, for a line the loader
    could not split into columns, the line itself and the parser's reason. -#}
{% macro raw_record_or_line(relation, columns) -%}
    {%- set load_error = raw_bookkeeping_column(relation, '_load_error') -%}
    case
        when {{ load_error }} is not null
            then {{ raw_record_json_of({'load_error': load_error,
                                        'raw_line': raw_bookkeeping_column(relation, '_raw_line')}) }}
        else {{ raw_record_json(columns) }}
    end
{%- endmacro %}
