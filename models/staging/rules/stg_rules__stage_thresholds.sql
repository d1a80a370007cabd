{{ assert_seed_is_valid('stage_thresholds', 'stage', [
    {'field': 'scoring_model', 'invalid_when': "coalesce(trim(scoring_model), '') not in (select trim(scoring_model) from " ~ ref('scoring_models') ~ ")", 'expected': 'a scoring_model of seeds/scoring_models.csv'},
    {'field': 'stage', 'invalid_when': "coalesce(lower(trim(stage)), '') in ('', 'customer', 'disqualified')", 'expected': 'a stage name other than customer and disqualified, which are built in'},
    {'field': 'stage_rank', 'invalid_when': "coalesce(" ~ safe_to_number('stage_rank') ~ " < 1, true)", 'expected': 'a whole number >= 1'},
    {'field': 'min_score', 'invalid_when': "coalesce(" ~ safe_to_number('min_score') ~ " not between 0 and 100, true)", 'expected': 'a number from 0 to 100'},
    {'field': 'best_grade_required', 'invalid_when': "coalesce(upper(trim(best_grade_required)), '') not in ('', 'A', 'B', 'C', 'D')", 'expected': 'A, B, C, D or blank'},
]) }}

with

stage_thresholds as (

    select * from {{ ref('stage_thresholds') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        lower(trim(stage)) as stage,
        cast({{ safe_to_number('stage_rank') }} as {{ dbt.type_int() }}) as stage_rank,
        {{ safe_to_number('min_score') }} as min_score,
        nullif(upper(trim(best_grade_required)), '') as best_grade_required
    from stage_thresholds

)

select * from final
