{#- The predictive model at a glance, one row per predictive scoring model:
    trained or not (and why not, in one line), on how many leads and as of
    when, and how well it did on the held-out leads it never saw: AUC (tie-
    aware rank formula), Brier score, and the Brier score of always guessing
    the training base rate, the bar any model must clear. -#}

with

scoring_models as (

    select * from {{ ref('stg_rules__scoring_models') }}
    where kind = 'predictive'

),

model as (

    select * from {{ ref('int_predictive_model') }}

),

predictions as (

    select * from {{ ref('int_predictive_holdout_predictions') }}

),

holdout_ranking as (

    {{ ranking_metrics(
        "(select 'holdout' as sample_name, conversion_probability, converted_in_window from predictions) as holdout",
        ['sample_name'], score='conversion_probability') }}

),

holdout_quality as (

    select
        avg((conversion_probability - converted_in_window) * (conversion_probability - converted_in_window))
            as brier,
        avg(conversion_probability) as mean_probability
    from predictions

),

final as (

    select
        scoring_models.scoring_model,
        scoring_models.is_active,
        model.status,
        model.status_reason,
        model.trained_as_of,
        model.fit_number,
        {{ var('prediction_window_days') | int }} as prediction_window_days,
        model.first_observed_on as first_training_snapshot_on,
        model.last_observed_on as last_training_snapshot_on,
        model.training_leads,
        model.converted_leads,
        cast(model.converted_leads as {{ type_double() }}) / nullif(model.training_leads, 0) as training_conversion_rate,
        model.holdout_leads,
        model.holdout_converted_leads,
        model.features_used,
        model.iterations,
        model.intercept,
        model.base_probability,
        holdout_ranking.auc as holdout_auc,
        holdout_quality.brier as holdout_brier,
        -- Always guessing the training rate: a model must beat this to be worth anything.
        cast(model.holdout_converted_leads as {{ type_double() }}) / nullif(model.holdout_leads, 0)
        * (1.0 - 2.0 * model.converted_leads / nullif(model.training_leads, 0))
        + (cast(model.converted_leads as {{ type_double() }}) / nullif(model.training_leads, 0))
        * (cast(model.converted_leads as {{ type_double() }}) / nullif(model.training_leads, 0)) as holdout_brier_of_base_rate,
        holdout_quality.mean_probability as holdout_mean_probability,
        cast(model.holdout_converted_leads as {{ type_double() }}) / nullif(model.holdout_leads, 0) as holdout_conversion_rate
    from scoring_models
    cross join model
    cross join holdout_quality
    -- No held-out lead, no ranking row: the model's row stays, its AUC null.
    left join holdout_ranking
        on 1 = 1

)

select * from final
