{#- The fitted logistic regression, one row: intercept and a weight per
    feature slot, minimising the training leads' log loss by
    predictive_iterations steps of Nesterov-accelerated gradient descent,
    unrolled here as a chain of one-row steps (each reads the matrix once,
    so every engine runs it as plain aggregates). The step size is 1 / L,
    L a Gershgorin bound on the loss's curvature, so no step overshoots.
    Below predictive_min_converted or predictive_min_not_converted training
    leads, or with no informative feature, the model is not trained and
    status_reason says why in one line; the build stays green. -#}
{%- set slots = predictive_feature_slots() -%}
{#- int(2): sqlfluff's stand-in var() is a word; two steps show it the chain's shape. -#}
{%- set iterations = var('predictive_iterations') | int(2) -%}
{%- set min_converted = var('predictive_min_converted') | int -%}
{%- set min_not_converted = var('predictive_min_not_converted') | int -%}
{%- set columns = [0] + slots -%}
{#- Column j of the matrix and its weight; column 0 is the intercept's constant 1. -#}
{%- set xs = ['1.0'] -%}
{%- set ws = ['b'] -%}
{%- set linear_terms = ['look_b'] -%}
{%- for slot in slots -%}
    {%- do xs.append('x_' ~ slot) -%}
    {%- do ws.append('w_' ~ slot) -%}
    {%- do linear_terms.append('look_w_' ~ slot ~ ' * x_' ~ slot) -%}
{%- endfor -%}

with

matrix as (

    select * from {{ ref('int_predictive_training_matrix') }}

),

training as (

    select
        {%- for slot in slots %}
            x_{{ slot }},
        {%- endfor %}
        converted_in_window as y
    from matrix
    where observation_role = 'train'

),

selected_features as (

    select count(distinct feature_slot) as features_used
    from {{ ref('int_predictive_woe') }}
    where feature_slot is not null

),

counts as (

    select
        cast(coalesce(sum(case when observation_role = 'train' then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
            as training_leads,
        cast(coalesce(sum(case when observation_role = 'train' then converted_in_window else 0 end), 0)
            as {{ dbt.type_bigint() }}) as converted_leads,
        cast(coalesce(sum(case when observation_role = 'holdout' then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
            as holdout_leads,
        cast(coalesce(sum(case when observation_role = 'holdout' then converted_in_window else 0 end), 0)
            as {{ dbt.type_bigint() }}) as holdout_converted_leads,
        min(observed_on) as first_observed_on,
        max(observed_on) as last_observed_on
    from matrix

),

curvature as (

    -- Means of x_j * x_k: the loss's curvature is at most 1/4 of their largest absolute row sum.
    select
        {%- for j in columns %}
            {%- for k in columns if k >= j %}
                avg({{ xs[j] }} * {{ xs[k] }}) as m_{{ j }}_{{ k }},
            {%- endfor %}
        {%- endfor %}
        count(*) as training_rows
    from training

),

curvature_rows as (

    select
        {%- for j in columns %}
            {%- for k in columns %}
                abs(m_{{ [j, k] | min }}_{{ [j, k] | max }})
                +
            {%- endfor %}
            0.0 as row_sum_{{ j }},
        {%- endfor %}
        training_rows
    from curvature

),

step_0 as (

    select
        ln((counts.converted_leads + 0.5) / (counts.training_leads - counts.converted_leads + 0.5)) as b,
        {%- for slot in slots %}
            0.0 as w_{{ slot }},
        {%- endfor %}
        ln((counts.converted_leads + 0.5) / (counts.training_leads - counts.converted_leads + 0.5)) as previous_b,
        {%- for slot in slots %}
            0.0 as previous_w_{{ slot }},
        {%- endfor %}
        1.0 / (0.25 * greatest(
            {%- for j in columns %}
                curvature_rows.row_sum_{{ j }}{{ ',' if not loop.last }}
            {%- endfor %}
        )) as step_size
    from counts
    cross join curvature_rows

),
{%- for step in range(1, iterations + 1) %}
    {%- set momentum = (step - 1) / (step + 2) %}

    looked_{{ step }} as (

        select
            training.*,
            {%- for j in columns %}
                previous_step.{{ ws[j] }} as current_{{ ws[j] }},
                previous_step.{{ ws[j] }} + {{ momentum }} * (previous_step.{{ ws[j] }} - previous_step.previous_{{ ws[j] }})
                    as look_{{ ws[j] }},
            {%- endfor %}
            previous_step.step_size
        from training
        cross join step_{{ step - 1 }} as previous_step

    ),

    residuals_{{ step }} as (

        select
            looked_{{ step }}.*,
            {{ sigmoid(linear_terms | join(' + ')) }} - y as residual
        from looked_{{ step }}

    ),

    step_{{ step }} as (

        select
            {%- for j in columns %}
                max(look_{{ ws[j] }}) - max(step_size) * avg(residual * {{ xs[j] }}) as {{ ws[j] }},
            {%- endfor %}
            {%- for j in columns %}
                max(current_{{ ws[j] }}) as previous_{{ ws[j] }},
            {%- endfor %}
            max(step_size) as step_size
        from residuals_{{ step }}

    ),
{%- endfor %}

fitted as (

    select * from step_{{ iterations }}

),

final as (

    select
        case
            when counts.converted_leads < {{ min_converted }} or counts.training_leads - counts.converted_leads < {{ min_not_converted }}
                or selected_features.features_used = 0
                then 'not_trained'
            else 'trained'
        end as status,
        case
            when counts.converted_leads < {{ min_converted }}
                then {{ dbt.concat([
                    "'not trained: ' || cast(counts.converted_leads as " ~ type_text() ~ ")",
                    "' converted training leads (won within " ~ var('prediction_window_days') ~ " days of creation, window closed); needs "
                    ~ min_converted ~ " (var predictive_min_converted)'"]) }}
            when counts.training_leads - counts.converted_leads < {{ min_not_converted }}
                then {{ dbt.concat([
                    "'not trained: ' || cast(counts.training_leads - counts.converted_leads as " ~ type_text() ~ ")",
                    "' training leads that did not convert; needs " ~ min_not_converted ~ " (var predictive_min_not_converted)'"]) }}
            when selected_features.features_used = 0
                then 'not trained: no feature carries information (every one is below predictive_min_iv or near-unique)'
        end as status_reason,
        counts.training_leads,
        counts.converted_leads,
        counts.holdout_leads,
        counts.holdout_converted_leads,
        counts.first_observed_on,
        counts.last_observed_on,
        selected_features.features_used,
        {{ iterations }} as iterations,
        fitted.step_size,
        -- Six decimals: the engines' sums differ in their last bits; the published model must not.
        {%- for slot in slots %}
            {{ round_decimal('fitted.w_' ~ slot, 6) }} as w_{{ slot }},
        {%- endfor %}
        {{ round_decimal('fitted.b', 6) }} as intercept,
        {{ sigmoid(round_decimal('fitted.b', 6)) }} as base_probability
    from counts
    cross join selected_features
    cross join fitted

)

select * from final
