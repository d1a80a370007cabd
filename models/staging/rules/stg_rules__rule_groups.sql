{{ assert_seed_is_valid('rule_groups', 'rule_group', [
    {'field': 'scoring_model', 'invalid_when': "coalesce(trim(scoring_model), '') not in (select trim(scoring_model) from " ~ ref('scoring_models') ~ ")", 'expected': 'a scoring_model of seeds/scoring_models.csv'},
    {'field': 'max_points', 'invalid_when': "coalesce(" ~ safe_to_number('max_points') ~ " <= 0, true)", 'expected': 'a number > 0'},
]) }}

with

rule_groups as (

    select * from {{ ref('rule_groups') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        {{ normalized_text('rule_group') }} as rule_group,
        {{ safe_to_number('max_points') }} as max_points
    from rule_groups

)

select * from final
