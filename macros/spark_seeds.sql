{#- dbt-spark's session connection pastes seed values into SQL text between
    quotes, so a rule text with an apostrophe breaks the seed and a crafted one
    could inject SQL. Here every value travels hex-encoded and is decoded by
    Spark (in a select: VALUES takes only constants): no seed value can end a literal. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }}
            {%- for row in chunk %}
            select {% for value in row -%}
                {%- if value is none -%}
                    cast(null as string)
                {%- else -%}
                    decode(unhex('{{ seed_value_text(value).encode("utf-8").hex() }}'), 'UTF-8')
                {%- endif -%}
                {{- ', ' if not loop.last -}}
            {%- endfor %}{{ ' union all' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- A seed cell as the text the CSV held: agate reads "true" as a boolean and
    "0.50" as a decimal; the rules' staging models type the text themselves. -#}
{% macro seed_value_text(value) %}
    {%- if value is sameas true -%}{{ return('true') }}
    {%- elif value is sameas false -%}{{ return('false') }}
    {%- else -%}{{ return(value | string) }}
    {%- endif -%}
{% endmacro %}
