{#- Lead-snapshots of all snapshots in ten equal groups per scoring model,
    decile 1 the highest scores: conversion rate and lift (rate over the
    model's base rate), cumulative gains (share of all conversions found by
    calling this decile and those above it), and calibration (mean
    score / 100 beside the rate that converted). Ties are split by snapshot
    and lead id, so every engine cuts the same deciles. -#}

with

scores as (

    select
        scoring_model,
        cast(score as {{ type_double() }}) / 100.0 as predicted,
        score,
        converted_in_window,
        cast(ntile(10) over (partition by scoring_model order by score desc, snapshot_on asc, lead_id asc) as {{ dbt.type_int() }})
            as decile
    from {{ ref('backtest_scores') }}

),

by_decile as (

    select
        scoring_model,
        decile,
        count(*) as leads,
        cast(sum(converted_in_window) as {{ dbt.type_bigint() }}) as conversions,
        min(score) as min_score,
        max(score) as max_score,
        avg(predicted) as mean_predicted,
        avg(cast(converted_in_window as {{ type_double() }})) as conversion_rate
    from scores
    group by scoring_model, decile

),

cumulated as (

    select
        by_decile.*,
        sum(leads) over (
            partition by scoring_model order by decile rows between unbounded preceding and current row
        ) as cumulative_leads,
        sum(conversions) over (
            partition by scoring_model order by decile rows between unbounded preceding and current row
        ) as cumulative_conversions,
        sum(leads) over (partition by scoring_model) as total_leads,
        sum(conversions) over (partition by scoring_model) as total_conversions
    from by_decile

),

final as (

    select
        scoring_model,
        decile,
        leads,
        conversions,
        min_score,
        max_score,
        mean_predicted,
        conversion_rate,
        conversion_rate / nullif(cast(total_conversions as {{ type_double() }}) / total_leads, 0) as lift,
        cast(cumulative_leads as {{ type_double() }}) / total_leads as cumulative_share_of_leads,
        cast(cumulative_conversions as {{ type_double() }}) / nullif(total_conversions, 0)
            as cumulative_share_of_conversions
    from cumulated

)

select * from final
