{{ assert_seed_is_valid('grade_thresholds', 'grade', [
    {'field': 'scoring_model', 'invalid_when': "coalesce(trim(scoring_model), '') not in (select trim(scoring_model) from " ~ ref('scoring_models') ~ ")", 'expected': 'a scoring_model of seeds/scoring_models.csv'},
    {'field': 'grade', 'invalid_when': "coalesce(upper(trim(grade)), '') not in ('A', 'B', 'C', 'D')", 'expected': 'A, B, C or D'},
    {'field': 'min_fit_score', 'invalid_when': "coalesce(" ~ safe_to_number('min_fit_score') ~ " not between 0 and 100, true)", 'expected': 'a number from 0 to 100'},
]) }}

with

grade_thresholds as (

    select * from {{ ref('grade_thresholds') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        upper(trim(grade)) as grade,
        {{ safe_to_number('min_fit_score') }} as min_fit_score
    from grade_thresholds

)

select * from final
