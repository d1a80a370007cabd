{#- The predictive score of every lead on every scoring date, feature by
    feature, for each active predictive scoring model: the bin the lead
    falls in, its weight of evidence, the fitted weight, the log-odds they
    add, and the points: the lead's score above or below an average lead's
    (base_probability, WoE 0 everywhere), shared among the features in
    proportion to their log-odds, so a lead's points add up to its score
    minus the average lead's exactly. Empty while the model is not trained. -#}

with

observations as (

    select * from {{ ref('int_predictive_observations') }}
    where observation_role = 'score'

),

selected_bins as (

    select * from {{ ref('int_predictive_woe') }}
    where feature_slot is not null

),

-- Only the features the model kept (a few of the candidates).
feature_values as (

    select * from {{ ref('int_predictive_scoring_values') }}

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

{{ predictive_binned_ctes() }},

model as (

    select * from {{ ref('int_predictive_model') }}
    where status = 'trained'

),

predictive_models as (

    select scoring_model from {{ ref('stg_rules__scoring_models') }}
    where is_active and kind = 'predictive'

),

weights as (

    {{ predictive_weight_rows('model') }}

),

contributions as (

    select
        observations.observed_on as as_of,
        observations.lead_id,
        selected_bins.feature_name,
        selected_bins.feature_source,
        selected_bins.bin_label,
        selected_bins.woe,
        weights.weight,
        weights.weight * selected_bins.woe as log_odds,
        weights.intercept,
        weights.base_probability
    from observations
    inner join binned
        on observations.observation_id = binned.observation_id
    inner join selected_bins
        on binned.feature_name = selected_bins.feature_name
            and binned.bin_label = selected_bins.bin_label
    inner join weights
        on selected_bins.feature_slot = weights.feature_slot

),

totalled as (

    select
        contributions.*,
        sum(log_odds) over (partition by as_of, lead_id) as total_log_odds
    from contributions

),

probabilities as (

    select
        totalled.*,
        {{ sigmoid('intercept + total_log_odds') }} as conversion_probability
    from totalled

),

final as (

    select
        probabilities.as_of,
        predictive_models.scoring_model,
        probabilities.lead_id,
        probabilities.feature_name,
        probabilities.feature_source,
        probabilities.bin_label,
        probabilities.woe,
        probabilities.weight,
        probabilities.log_odds,
        probabilities.conversion_probability,
        probabilities.base_probability,
        -- Near a total of 0 the share is the logistic curve's slope at the average lead.
        probabilities.log_odds * (
            case
                when abs(probabilities.total_log_odds) < 1e-9
                    then 100.0 * probabilities.base_probability * (1.0 - probabilities.base_probability)
                else 100.0 * (probabilities.conversion_probability - probabilities.base_probability)
                    / probabilities.total_log_odds
            end
        ) as points
    from probabilities
    cross join predictive_models

)

select * from final
