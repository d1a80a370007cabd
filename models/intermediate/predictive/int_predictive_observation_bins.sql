{#- The bin of every feature value of every training and held-out
    observation (the predictive_binned_ctes macro says how values are binned).
    Scored leads are binned in int_predictive_contributions, for the model's
    features only: binning every candidate feature of every lead cost more
    than the rest of the scoring. -#}

with

feature_values as (

    select * from {{ ref('int_predictive_feature_values') }}

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

{{ predictive_binned_ctes() }},

final as (

    select * from binned

)

select * from final
