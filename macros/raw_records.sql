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
               'is_personal_email', 'is_competitor', 'is_gibberish', 'is_in_territory', 'state_added_at',
               'state_fingerprint']) }}
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

{#- The raw columns each table's contract names (events and conversions; leads: lead_contract_columns). -#}
{% macro event_contract_columns() %}
    {{ return(['event_id', 'lead_id', 'event_type', 'occurred_at', 'url', 'email_type', 'duration_seconds',
               'session_id']) }}
{% endmacro %}

{% macro conversion_contract_columns() %}
    {{ return(['lead_id', 'converted_at', 'outcome']) }}
{% endmacro %}

{#- A raw table as the base models read it, whoever loaded it. This project's
    loader writes every column as text with _loaded_at, _source_file and
    _source_row; a project that installs this one as a package brings the
    tables its warehouse has (typed, no loader columns). Either way the base
    models get every contract column as text (null when the table lacks it),
    the table's other columns as text (custom attributes), and the loader's
    bookkeeping: the loaded-at column named by var leadscore_loaded_at_column
    (null when the var is null), and, when the table has none, the table's
    name as _source_file and a row number over the row's values as _source_row. -#}
{% macro raw_source(table_name, contract_columns) %}
    {%- set relation = source('crm', table_name) -%}
    {%- set present = {} -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- do present.update({col.name | lower: col.name}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set loaded_at_column = (var('leadscore_loaded_at_column', '_loaded_at') or '') | lower -%}
    {#- (A table not created yet has no columns: nothing to check until it exists.) -#}
    {%- if execute and present and loaded_at_column and loaded_at_column not in present -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " has no column '" ~ loaded_at_column ~ "' (var leadscore_loaded_at_column): set the var to "
            ~ "the column holding when each row was loaded, or to null if there is none") }}
    {%- endif -%}
    {%- set data_columns = [] -%}
    {%- for name in contract_columns -%}{%- do data_columns.append(name) -%}{%- endfor -%}
    {%- for name in present if not name.startswith('_') and name not in contract_columns and name != loaded_at_column -%}
        {%- do data_columns.append(name) -%}
    {%- endfor -%}
    {%- set as_text = {} -%}
    {%- for name in data_columns if name in present -%}
        {%- do as_text.update({name: 'cast(' ~ adapter.quote(present[name]) ~ ' as ' ~ type_text() ~ ')'}) -%}
    {%- endfor -%}
    {%- set expressions = [] -%}
    {%- for name in data_columns -%}
        {%- do expressions.append(as_text.get(name, 'cast(null as ' ~ type_text() ~ ')') ~ ' as ' ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {%- if loaded_at_column and loaded_at_column in present -%}
        {%- do expressions.append('cast(' ~ adapter.quote(present[loaded_at_column]) ~ ' as ' ~ dbt.type_timestamp() ~ ') as _loaded_at') -%}
    {%- else -%}
        {%- do expressions.append('cast(null as ' ~ dbt.type_timestamp() ~ ') as _loaded_at') -%}
    {%- endif -%}
    {%- if '_source_file' in present -%}
        {%- do expressions.append('_source_file') -%}
    {%- else -%}
        {%- do expressions.append("cast('" ~ dbt.escape_single_quotes(relation | string) ~ "' as " ~ type_text() ~ ') as _source_file') -%}
    {%- endif -%}
    {%- if '_source_row' in present -%}
        {%- do expressions.append('_source_row') -%}
    {%- else -%}
        {#- Numbered in the order of the row's own values: the same data, the same numbers. -#}
        {%- do expressions.append('row_number() over (order by ' ~ ((as_text.values() | list) or ['1']) | join(', ') ~ ') as _source_row') -%}
    {%- endif -%}
    {%- for name in ['_load_error', '_raw_line'] if name in present -%}
        {%- do expressions.append(name) -%}
    {%- endfor -%}
    select
        {{ expressions | join(',\n        ') }}
    from {{ relation }}
{% endmacro %}

{#- The event state models are incremental by load time; without a loaded-at
    column (var leadscore_loaded_at_column null) they are rebuilt in full. -#}
{% macro event_state_materialization() %}
    {{ return('incremental' if var('leadscore_loaded_at_column', '_loaded_at') else 'table') }}
{% endmacro %}
