{#- Helpers of the predictive model (models/intermediate/predictive). -#}

{#- ORDER BY terms that rank a lead's versions for one date, best first: the
    latest updated by the date; failing that (a CRM export keeps only the
    latest row of a lead), the earliest version known. Point-in-time scoring
    and the predictive model's training snapshots both pick versions this way. -#}
{% macro lead_version_preference(updated_at, on_date, loaded_at, source_row) -%}
    (case when {{ updated_at }} is null or cast({{ updated_at }} as date) <= {{ on_date }} then 0 else 1 end),
    (case when {{ updated_at }} is null or cast({{ updated_at }} as date) <= {{ on_date }} then {{ updated_at }} end)
        desc nulls last,
    {{ updated_at }} asc,
    {{ loaded_at }} desc,
    {{ source_row }} desc
{%- endmacro %}

{#- A feature value as the model sees it: trimmed, lower-case, and null for
    blanks and the placeholders forms leave behind ("Select", "n/a"), so they
    share the "(missing)" bin. -#}
{% macro feature_text(expr) -%}
    (case
        when lower(trim({{ expr }})) in ('', 'select', 'n/a', 'na', 'none', 'null', '-', '--', '?', 'unknown', '(not set)')
            then null
        else lower(trim({{ expr }}))
    end)
{%- endmacro %}

{#- A bin edge written the same way on every engine: whole numbers without a
    decimal point, others rounded to two decimals. -#}
{% macro number_label(expr) -%}
    (case
        when {{ expr }} = floor({{ expr }}) and abs({{ expr }}) < 1e15
            then cast(cast({{ expr }} as {{ dbt.type_bigint() }}) as {{ type_text() }})
        else cast({{ round_decimal(expr, 2) }} as {{ type_text() }})
    end)
{%- endmacro %}

{#- The logistic function, clamped so no engine overflows exp() (PostgreSQL
    raises on overflow and underflow); at +-30 it is 1 within 1e-13. -#}
{% macro sigmoid(expr) -%}
    (1.0 / (1.0 + exp(-least(30.0, greatest(-30.0, {{ expr }})))))
{%- endmacro %}

{#- The feature slots of the model's design matrix: 1..predictive_max_features. -#}
{% macro predictive_feature_slots() -%}
    {#- int(12): sqlfluff's stand-in var() is a word, and the lint must see real slots. -#}
    {{ return(range(1, (var('predictive_max_features') | int(12)) + 1) | list) }}
{%- endmacro %}

{#- The fitted model's weights as rows, one per feature slot (feature_slot,
    weight, intercept, base_probability), from a CTE holding the one-row
    model; an empty, typed first branch keeps the union valid for any slot count. -#}
{% macro predictive_weight_rows(model_cte) -%}
    select
        cast(null as {{ dbt.type_int() }}) as feature_slot,
        cast(null as {{ type_double() }}) as weight,
        cast(null as {{ type_double() }}) as intercept,
        cast(null as {{ type_double() }}) as base_probability
    from {{ model_cte }}
    where 1 = 0
    {%- for slot in predictive_feature_slots() %}
    union all
    select
        {{ slot }} as feature_slot,
        w_{{ slot }} as weight,
        intercept,
        base_probability
    from {{ model_cte }}
    {%- endfor %}
{%- endmacro %}
