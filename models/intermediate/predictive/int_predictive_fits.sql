{#- Every fit of the logistic regression, one row each, appended: status
    (and why not trained), counts, the intercept and a weight per feature
    slot, from predictive_iterations steps of Nesterov-accelerated gradient
    descent on the training leads' log loss, unrolled as a chain of one-row
    steps (each reads the matrix once, so every engine runs plain
    aggregates). The step size is 1 / L, L a Gershgorin bound on the loss's
    curvature, so no step overshoots. Below predictive_min_converted or
    predictive_min_not_converted training leads, or with no informative
    feature, the model is not trained and status_reason says why in one
    line; the build stays green.
    A build whose training data and settings are those of the last fit (same
    fingerprint) does not fit again: nothing is appended, and
    int_predictive_model keeps serving the last fit. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    post_hook="{{ drop_predictive_fit_checkpoint() }}",
) }}
{%- set slots = predictive_feature_slots() -%}
{#- int(2): sqlfluff's stand-in var() is a word; two steps show it the chain's shape. -#}
{%- set iterations = var('predictive_iterations') | int(2) -%}
{%- set min_converted = var('predictive_min_converted') | int -%}
{%- set min_not_converted = var('predictive_min_not_converted') | int -%}
{#- What the fit depends on: the matrix (labels, and every slot's WoE sums) and the settings. -#}
{%- set fingerprint_parts = [
    "cast(count(*) as " ~ type_text() ~ ")",
    "cast(sum(case when observation_role = 'train' then 1 else 0 end) as " ~ type_text() ~ ")",
    "cast(sum(converted_in_window) as " ~ type_text() ~ ")",
    "'" ~ iterations ~ "/" ~ min_converted ~ "/" ~ min_not_converted ~ "'"] -%}
{%- for slot in slots -%}
    {%- do fingerprint_parts.append(order_free_sum_text("x_" ~ slot)) -%}
    {%- do fingerprint_parts.append(order_free_sum_text("case when converted_in_window = 1 then x_" ~ slot ~ " else 0 end")) -%}
{%- endfor -%}
{%- set fingerprint_pieces = [] -%}
{%- for part in fingerprint_parts -%}
    {#- An empty matrix sums to null; its fingerprint must still be a text. -#}
    {%- do fingerprint_pieces.append("coalesce(" ~ part ~ ", '-')") -%}
    {%- if not loop.last -%}{%- do fingerprint_pieces.append("':'") -%}{%- endif -%}
{%- endfor -%}
{%- set fingerprint_expression = dbt.concat(fingerprint_pieces) -%}
{%- set refit = namespace(needed=true) -%}
{%- if execute and is_incremental() -%}
    {%- set current = run_query("select " ~ fingerprint_expression ~ " from " ~ ref('int_predictive_training_matrix')) -%}
    {%- set last_fit = run_query(
        "select fingerprint from " ~ this ~ " where fit_number = (select max(fit_number) from " ~ this ~ ")") -%}
    {%- if last_fit.rows | length > 0 and last_fit.rows[0][0] == current.rows[0][0] -%}
        {%- set refit.needed = false -%}
    {%- endif -%}
{%- endif -%}

{#- Spark plans the whole chain of steps at once, and its planning time grows
    faster than the chain (232 s for 80 steps in local mode). There the chain
    is cut every predictive_fit_checkpoint_every() steps: each piece is written
    to a table (a checkpoint) that the next piece starts from, so no plan is
    deeper than one piece. Same arithmetic, in doubles, on every engine. -#}
{%- set chain = predictive_fit_checkpoints(ref('int_predictive_training_matrix'), iterations, slots)
    if refit.needed else {'start': 0, 'checkpoint': none} -%}

{%- if refit.needed %}

    with

    {{ predictive_fit_start_ctes(ref('int_predictive_training_matrix'), slots) }},

    selected_features as (

        select count(distinct feature_slot) as features_used
        from {{ ref('int_predictive_woe') }}
        where feature_slot is not null

    ),

    {%- if chain['checkpoint'] is not none %}

        step_{{ chain['start'] }} as (select * from {{ chain['checkpoint'] }}),
    {%- endif %}

    {{ predictive_fit_steps(chain['start'] + 1, iterations, slots) }}

    fitted as (

        select * from step_{{ iterations }}

    ),

    fingerprint as (

        select {{ fingerprint_expression }} as fingerprint
        from matrix

    ),

    previous_fits as (

        {%- if is_incremental() %}
            select coalesce(max(fit_number), 0) as last_fit_number from {{ this }}
        {%- else %}
    select 0 as last_fit_number
    {%- endif %}

    ),

    final as (

        select
            previous_fits.last_fit_number + 1 as fit_number,
            fingerprint.fingerprint,
            '{{ invocation_id }}' as fitted_in_run,
            case
                when counts.converted_leads < {{ min_converted }}
                    or counts.training_leads - counts.converted_leads < {{ min_not_converted }}
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
            counts.trained_as_of,
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
        cross join fingerprint
        cross join previous_fits

    )

    select * from final
{%- else %}

-- Same training data and settings as the last fit: nothing to append.
select * from {{ this }}
where 1 = 0
{%- endif %}
