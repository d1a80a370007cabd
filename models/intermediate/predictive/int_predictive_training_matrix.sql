{#- The design matrix of the logistic regression: one row per training or
    held-out lead, its label, and in slot x_j the weight of evidence of the
    bin it falls in for the j-th feature (0 where the slot is unused). -#}

with

observations as (

    select * from {{ ref('int_predictive_observations') }}
    where observation_role in ('train', 'holdout')

),

observation_bins as (

    select * from {{ ref('int_predictive_observation_bins') }}

),

selected_bins as (

    select * from {{ ref('int_predictive_woe') }}
    where feature_slot is not null

),

coded as (

    select
        observation_bins.observation_id,
        selected_bins.feature_slot,
        selected_bins.woe
    from observation_bins
    inner join selected_bins
        on observation_bins.feature_name = selected_bins.feature_name
            and observation_bins.bin_label = selected_bins.bin_label

),

final as (

    select
        observations.observation_id,
        observations.lead_id,
        observations.observation_role,
        observations.observed_on,
        observations.converted_in_window,
        observations.trained_as_of,
        {%- for slot in predictive_feature_slots() %}
            coalesce(max(case when coded.feature_slot = {{ slot }} then coded.woe end), 0.0) as x_{{ slot }},
        {%- endfor %}
        count(coded.feature_slot) as coded_features
    from observations
    left join coded
        on observations.observation_id = coded.observation_id
    group by
        observations.observation_id,
        observations.lead_id,
        observations.observation_role,
        observations.observed_on,
        observations.converted_in_window,
        observations.trained_as_of

)

select * from final
