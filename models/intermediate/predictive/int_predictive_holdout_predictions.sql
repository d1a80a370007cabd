{#- The fitted model's probability for each held-out lead (never used in
    training), beside whether it converted: what the model's AUC, Brier
    score and calibration are measured on. -#}
{%- set linear_terms = ['model.intercept'] -%}
{%- for slot in predictive_feature_slots() -%}
    {%- do linear_terms.append('model.w_' ~ slot ~ ' * holdout.x_' ~ slot) -%}
{%- endfor -%}

with

holdout as (

    select * from {{ ref('int_predictive_training_matrix') }}
    where observation_role = 'holdout'

),

model as (

    select * from {{ ref('int_predictive_model') }}
    where status = 'trained'

),

final as (

    select
        holdout.observation_id,
        holdout.lead_id,
        holdout.observed_on,
        holdout.converted_in_window,
        {{ sigmoid(linear_terms | join(' + ')) }}
            as conversion_probability
    from holdout
    cross join model

)

select * from final
