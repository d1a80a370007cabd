{#- How well each scoring model ranked and predicted, per snapshot and over
    all snapshots together (snapshot_on null): AUC (0.5 is a coin toss, 1 a
    perfect ranking), KS, and the Brier score of score / 100 as a
    probability beside the Brier score of always guessing the base rate. -#}

with

scores as (

    select
        scoring_model,
        snapshot_on,
        cast(score as {{ type_double() }}) / 100.0 as predicted,
        score,
        converted_in_window
    from {{ ref('backtest_scores') }}

),

per_snapshot_ranking as (

    {{ ranking_metrics('scores', ['scoring_model', 'snapshot_on']) }}

),

pooled_ranking as (

    {{ ranking_metrics('scores', ['scoring_model']) }}

),

per_snapshot_accuracy as (

    select
        scoring_model,
        snapshot_on,
        avg(cast(converted_in_window as {{ type_double() }})) as conversion_rate,
        avg((predicted - converted_in_window) * (predicted - converted_in_window)) as brier
    from scores
    group by scoring_model, snapshot_on

),

pooled_accuracy as (

    select
        scoring_model,
        count(distinct snapshot_on) as snapshots,
        avg(cast(converted_in_window as {{ type_double() }})) as conversion_rate,
        avg((predicted - converted_in_window) * (predicted - converted_in_window)) as brier
    from scores
    group by scoring_model

),

final as (

    select
        per_snapshot_ranking.scoring_model,
        per_snapshot_ranking.snapshot_on,
        false as is_all_snapshots,
        1 as snapshots,
        per_snapshot_ranking.leads,
        per_snapshot_ranking.conversions,
        per_snapshot_accuracy.conversion_rate,
        per_snapshot_ranking.auc,
        per_snapshot_ranking.ks,
        per_snapshot_accuracy.brier,
        per_snapshot_accuracy.conversion_rate * (1 - per_snapshot_accuracy.conversion_rate) as brier_of_base_rate
    from per_snapshot_ranking
    inner join per_snapshot_accuracy
        on per_snapshot_ranking.scoring_model = per_snapshot_accuracy.scoring_model
            and per_snapshot_ranking.snapshot_on = per_snapshot_accuracy.snapshot_on
    union all
    select
        pooled_ranking.scoring_model,
        cast(null as date) as snapshot_on,
        true as is_all_snapshots,
        pooled_accuracy.snapshots,
        pooled_ranking.leads,
        pooled_ranking.conversions,
        pooled_accuracy.conversion_rate,
        pooled_ranking.auc,
        pooled_ranking.ks,
        pooled_accuracy.brier,
        pooled_accuracy.conversion_rate * (1 - pooled_accuracy.conversion_rate) as brier_of_base_rate
    from pooled_ranking
    inner join pooled_accuracy
        on pooled_ranking.scoring_model = pooled_accuracy.scoring_model

)

select * from final
