{#- The MQL threshold the backtest recommends, per scoring model, two ways:
    the lowest threshold whose precision reaches backtest_target_precision
    (on at least backtest_min_flagged lead-snapshots), so recall is as high
    as that precision allows; and the lowest threshold that hands sales no
    more than backtest_sales_capacity_per_week leads a week (and flags some:
    at least backtest_min_flagged lead-snapshots). Each row gives
    the precision, recall and weekly volume to expect, beside the seeded MQL
    threshold, or says why no threshold qualifies. -#}
{%- set target_precision = var('backtest_target_precision') | float -%}
{%- set capacity = var('backtest_sales_capacity_per_week') | float -%}
{%- set min_flagged = var('backtest_min_flagged') | int -%}

with

thresholds as (

    select * from {{ ref('backtest_thresholds') }}
    -- 0 flags every lead: not a threshold.
    where min_score > 0

),

models as (

    select distinct scoring_model from thresholds

),

mql_thresholds as (

    select
        scoring_model,
        min(min_score) as seeded_min_score
    from {{ ref('stg_rules__stage_thresholds') }}
    where stage = 'mql'
    group by scoring_model

),

by_precision as (

    select
        scoring_model,
        min(min_score) as min_score
    from thresholds
    where precision >= {{ target_precision }} and flagged >= {{ min_flagged }}
    group by scoring_model

),

by_capacity as (

    select
        scoring_model,
        min(min_score) as min_score
    from thresholds
    where leads_per_week <= {{ capacity }} and flagged >= {{ min_flagged }}
    group by scoring_model

),

advice as (

    select
        models.scoring_model,
        'target_precision' as basis,
        cast({{ target_precision }} as {{ type_double() }}) as target_value,
        by_precision.min_score,
        case
            when by_precision.min_score is null
                then 'no threshold reaches precision {{ target_precision }} on {{ min_flagged }} or more lead-snapshots'
        end as reason
    from models
    left join by_precision
        on models.scoring_model = by_precision.scoring_model
    union all
    select
        models.scoring_model,
        'sales_capacity' as basis,
        cast({{ capacity }} as {{ type_double() }}) as target_value,
        by_capacity.min_score,
        case
            when by_capacity.min_score is null
                then 'no threshold hands sales at most {{ capacity }} leads a week and flags {{ min_flagged }} or more lead-snapshots'
        end as reason
    from models
    left join by_capacity
        on models.scoring_model = by_capacity.scoring_model

),

final as (

    select
        advice.scoring_model,
        advice.basis,
        advice.target_value,
        advice.min_score as recommended_min_score,
        mql_thresholds.seeded_min_score as seeded_mql_min_score,
        thresholds.precision,  -- noqa: RF04
        thresholds.recall,
        thresholds.share_flagged,
        thresholds.leads_per_week,
        advice.reason
    from advice
    left join thresholds
        on advice.scoring_model = thresholds.scoring_model
            and advice.min_score = thresholds.min_score
    left join mql_thresholds
        on advice.scoring_model = mql_thresholds.scoring_model

)

select * from final
