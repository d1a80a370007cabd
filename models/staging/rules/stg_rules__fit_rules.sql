{%- set operators = fit_operators() -%}
{%- set numeric_operators = numeric_fit_operators() -%}
{{ assert_seed_is_valid('fit_rules', 'rule_id', [
    {'field': 'rule_id', 'invalid_when': "nullif(trim(rule_id), '') is null", 'expected': 'a rule id'},
    {'field': 'scoring_model', 'invalid_when': "coalesce(trim(scoring_model), '') not in (select trim(scoring_model) from " ~ ref('scoring_models') ~ ")", 'expected': 'a scoring_model of seeds/scoring_models.csv'},
    {'field': 'category', 'invalid_when': "coalesce(lower(trim(category)), '') not in ('fit', 'negative')", 'expected': 'fit or negative'},
    {'field': 'attribute', 'invalid_when': "nullif(trim(attribute), '') is null", 'expected': 'a lead attribute'},
    {'field': 'operator', 'invalid_when': "coalesce(lower(trim(operator)), '') not in (" ~ quoted_list(operators) ~ ")", 'expected': 'one of ' ~ operators | join(', ')},
    {'field': 'value', 'invalid_when': "lower(trim(operator)) in (" ~ quoted_list(numeric_operators) ~ ") and (nullif(trim(value), '') is null or " ~ is_not_a_number('value') ~ ")", 'expected': 'a number for a numeric operator'},
    {'field': 'value', 'invalid_when': "lower(trim(operator)) not in ('is_present', 'is_absent') and nullif(trim(value), '') is null", 'expected': 'a value to compare with'},
    {'field': 'value_max', 'invalid_when': "lower(trim(operator)) = 'between' and (nullif(trim(value_max), '') is null or " ~ is_not_a_number('value_max') ~ ")", 'expected': 'a number (the upper bound of between)'},
    {'field': 'points', 'invalid_when': "nullif(trim(points), '') is null or " ~ is_not_a_number('points'), 'expected': 'a number'},
    {'field': 'disqualify', 'invalid_when': is_not_boolean('disqualify'), 'expected': 'true or false'},
    {'field': 'rule_id', 'invalid_when': "trim(rule_id) in (select trim(rule_id) from " ~ ref('fit_rules') ~ " group by trim(rule_id) having count(*) > 1) or trim(rule_id) in (select trim(rule_id) from " ~ ref('engagement_rules') ~ ")", 'expected': 'a rule id used once across fit_rules and engagement_rules'},
]) }}

with

fit_rules as (

    select * from {{ ref('fit_rules') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        trim(rule_id) as rule_id,
        trim(description) as description,
        lower(trim(category)) as category,
        lower(trim(attribute)) as attribute,
        lower(trim(operator)) as operator,
        {{ normalized_text('value') }} as match_text,
        -- '|a|b|': a list membership test becomes one substring search.
        '|' || {{ regex_replace_all(normalized_text('value'), ' *[|] *', '|') }} || '|' as match_list,
        {{ safe_to_number('value') }} as number_min,
        {{ safe_to_number('value_max') }} as number_max,
        {{ safe_to_number('points') }} as points,
        coalesce({{ normalized_text('rule_group') }}, lower(trim(rule_id))) as rule_group,
        {{ text_to_boolean('disqualify') }} as is_disqualifying
    from fit_rules

)

select * from final
