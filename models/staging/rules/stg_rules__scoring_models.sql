{{ assert_seed_is_valid('scoring_models', 'scoring_model', [
    {'field': 'scoring_model', 'invalid_when': "nullif(trim(scoring_model), '') is null", 'expected': 'a name'},
    {'field': 'is_active', 'invalid_when': is_not_boolean('is_active'), 'expected': 'true or false'},
    {'field': 'fit_weight', 'invalid_when': "coalesce(" ~ safe_to_number('fit_weight') ~ " < 0, true)", 'expected': 'a number >= 0'},
    {'field': 'engagement_weight', 'invalid_when': "coalesce(" ~ safe_to_number('engagement_weight') ~ " < 0, true)", 'expected': 'a number >= 0'},
    {'field': 'fit_max_points', 'invalid_when': "coalesce(" ~ safe_to_number('fit_max_points') ~ " <= 0, true)", 'expected': 'a number > 0'},
    {'field': 'engagement_max_points', 'invalid_when': "coalesce(" ~ safe_to_number('engagement_max_points') ~ " <= 0, true)", 'expected': 'a number > 0'},
]) }}
{{ assert_some_scoring_model_is_active() }}

with

scoring_models as (

    select * from {{ ref('scoring_models') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        description,
        {{ text_to_boolean('is_active') }} as is_active,
        {{ safe_to_number('fit_weight') }} as fit_weight,
        {{ safe_to_number('engagement_weight') }} as engagement_weight,
        {{ safe_to_number('fit_max_points') }} as fit_max_points,
        {{ safe_to_number('engagement_max_points') }} as engagement_max_points
    from scoring_models

)

select * from final
