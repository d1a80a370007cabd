{#- The bin of every feature value of every training and held-out
    observation (the predictive_binned_ctes macro says how values are binned).
    Scored leads are binned in int_predictive_contributions, for the model's
    features only: binning every candidate feature of every lead cost more
    than the rest of the scoring. -#}

with

observations as (

    select observation_id from {{ ref('int_predictive_observations') }}
    where observation_role in ('train', 'holdout')

),

feature_values as (

    select feature_values.*
    from {{ ref('int_predictive_feature_values') }} as feature_values
    inner join observations
        on feature_values.observation_id = observations.observation_id

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

{{ predictive_binned_ctes() }},

final as (

    select * from binned

)

select * from final
