{#- Conversion within the window by score band and by stage, as the scores
    stood at each snapshot (point in time: nothing after the snapshot counts
    toward the score, only toward the label). -#}

with

scores as (

    select * from {{ ref('backtest_scores') }}

),

stage_thresholds as (

    select * from {{ ref('stg_rules__stage_thresholds') }}

),

segments as (

    select
        scoring_model,
        'score_band' as segment_type,
        score_band as segment,
        cast(min(floor(score / {{ var('score_band_width', 20) | int }})) as {{ dbt.type_int() }}) as segment_order,
        count(*) as leads,
        cast(sum(converted_in_window) as {{ dbt.type_bigint() }}) as conversions
    from scores
    group by scoring_model, score_band
    union all
    select
        scores.scoring_model,
        'stage' as segment_type,
        scores.stage as segment,
        cast(coalesce(max(stage_thresholds.stage_rank), 0) as {{ dbt.type_int() }}) as segment_order,
        count(*) as leads,
        cast(sum(scores.converted_in_window) as {{ dbt.type_bigint() }}) as conversions
    from scores
    left join stage_thresholds
        on scores.scoring_model = stage_thresholds.scoring_model
            and scores.stage = stage_thresholds.stage
    group by scores.scoring_model, scores.stage

),

final as (

    select
        scoring_model,
        segment_type,
        segment,
        segment_order,
        leads,
        conversions,
        cast(conversions as {{ type_double() }}) / leads as conversion_rate,
        cast(leads as {{ type_double() }}) / sum(leads) over (partition by scoring_model, segment_type)
            as share_of_leads,
        (cast(conversions as {{ type_double() }}) / leads)
        / nullif(
            cast(sum(conversions) over (partition by scoring_model, segment_type) as {{ type_double() }})
            / sum(leads) over (partition by scoring_model, segment_type),
            0
        ) as lift
    from segments

)

select * from final
