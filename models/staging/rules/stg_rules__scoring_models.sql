{#- A scoring_models.csv written before the kind column existed still loads:
    every row in it is a rules model. -#}
{%- set has_kind = [false] -%}
{%- if execute -%}
    {%- set seed_relation = ref('scoring_models') -%}
    {%- if adapter.get_relation(seed_relation.database, seed_relation.schema, seed_relation.identifier) is not none -%}
        {%- for col in adapter.get_columns_in_relation(seed_relation) if col.name | lower == 'kind' -%}
            {%- do has_kind.append(true) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endif -%}
{%- set kind_expr = "coalesce(" ~ normalized_text('kind') ~ ", 'rules')" if has_kind | length > 1 else "'rules'" -%}
{%- set is_rules = "(" ~ kind_expr ~ " = 'rules')" -%}
{{ assert_seed_is_valid('scoring_models', 'scoring_model', [
    {'field': 'scoring_model', 'invalid_when': "nullif(trim(scoring_model), '') is null", 'expected': 'a name'},
    {'field': 'kind', 'value': kind_expr, 'invalid_when': kind_expr ~ " not in ('rules', 'predictive')", 'expected': 'rules or predictive'},
    {'field': 'is_active', 'invalid_when': is_not_boolean('is_active'), 'expected': 'true or false'},
    {'field': 'fit_weight', 'invalid_when': is_rules ~ " and coalesce(" ~ safe_to_number('fit_weight') ~ " < 0, true)", 'expected': 'a number >= 0'},
    {'field': 'engagement_weight', 'invalid_when': is_rules ~ " and coalesce(" ~ safe_to_number('engagement_weight') ~ " < 0, true)", 'expected': 'a number >= 0'},
    {'field': 'fit_max_points', 'invalid_when': is_rules ~ " and coalesce(" ~ safe_to_number('fit_max_points') ~ " <= 0, true)", 'expected': 'a number > 0'},
    {'field': 'engagement_max_points', 'invalid_when': is_rules ~ " and coalesce(" ~ safe_to_number('engagement_max_points') ~ " <= 0, true)", 'expected': 'a number > 0'},
]) }}
{{ assert_some_scoring_model_is_active() }}

with

scoring_models as (

    select * from {{ ref('scoring_models') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        {{ kind_expr }} as kind,
        description,
        {{ text_to_boolean('is_active') }} as is_active,
        {{ safe_to_number('fit_weight') }} as fit_weight,
        {{ safe_to_number('engagement_weight') }} as engagement_weight,
        {{ safe_to_number('fit_max_points') }} as fit_max_points,
        {{ safe_to_number('engagement_max_points') }} as engagement_max_points
    from scoring_models

)

select * from final
