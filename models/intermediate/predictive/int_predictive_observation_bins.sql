{#- The bin of every feature value of every training and held-out
    observation (the predictive_binned_ctes macro says how values are binned).
    Scored leads are binned in int_predictive_contributions, for the model's
    features only: binning every candidate feature of every lead cost more
    than the rest of the scoring. Kept from last build while the training
    inputs have not changed. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ predictive_training_reset() }}",
) }}
-- depends_on: {{ ref('int_predictive_training_inputs') }}
-- sqlfluff:indentation:template_blocks_indent:false

{% if predictive_training_is_current() -%}
select *
from {{ this }}
where 1 = 0
{%- else -%}

with

feature_values as (

    select * from {{ ref('int_predictive_feature_values') }}

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

{{ predictive_binned_ctes() }},

final as (

    select
        observation_id,
        feature_name,
        bin_label,
        '{{ predictive_training_stamp() }}' as training_inputs
    from binned

)

select * from final
{%- endif %}
