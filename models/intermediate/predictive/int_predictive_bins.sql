{#- The bins of every feature, learnt from the training leads only. A feature
    is numeric when at least 95% of its filled training values read as
    numbers ("5.0" counts): it gets predictive_numeric_bins quantile bins
    (equal edges merge). Otherwise it is categorical: a value held by at
    least max(predictive_min_bin_leads, predictive_min_bin_share x leads)
    training leads is a bin of its own, rarer values pool into "(other)".
    Every feature has a "(missing)" bin. A categorical feature whose values
    are nearly all different (names, free text) is marked near-unique. Kept
    from last build while the training inputs have not changed. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ predictive_training_reset() }}",
) }}
{%- set numeric_bins = var('predictive_numeric_bins') | int %}
-- depends_on: {{ ref('int_predictive_training_inputs') }}
-- sqlfluff:indentation:template_blocks_indent:false

{% if predictive_training_is_current() -%}
select *
from {{ this }}
where 1 = 0
{%- else -%}

with

observations as (

    select * from {{ ref('int_predictive_observations') }}
    where observation_role = 'train'

),

feature_values as (

    select * from {{ ref('int_predictive_feature_values') }}

),

training_values as (

    select feature_values.*
    from feature_values
    inner join observations
        on feature_values.observation_id = observations.observation_id

),

profiles as (

    select
        feature_name,
        max(feature_source) as feature_source,
        count(*) as training_leads,
        sum(case when value_text is not null or value_number is not null then 1 else 0 end) as filled,
        sum(case when value_number is not null then 1 else 0 end) as numeric_filled,
        count(distinct value_text) as distinct_texts
    from training_values
    group by feature_name

),

kinds as (

    select
        feature_name,
        feature_source,
        training_leads,
        case
            when filled > 0 and numeric_filled >= 0.95 * filled then 'numeric'
            else 'categorical'
        end as feature_kind,
        (numeric_filled < 0.95 * filled and distinct_texts > 50 and distinct_texts > 0.5 * filled) as is_near_unique
    from profiles

),

numeric_tiles as (

    select
        training_values.feature_name,
        training_values.value_number,
        ntile({{ numeric_bins }}) over (
            partition by training_values.feature_name order by training_values.value_number
        ) as tile
    from training_values
    inner join kinds
        on training_values.feature_name = kinds.feature_name
            and kinds.feature_kind = 'numeric'
    where training_values.value_number is not null

),

numeric_edges as (

    select distinct
        feature_name,
        min(value_number) over (partition by feature_name, tile) as lower_edge
    from numeric_tiles

),

numeric_bins as (

    select
        feature_name,
        lower_edge,
        lead(lower_edge) over (partition by feature_name order by lower_edge) as upper_edge,
        row_number() over (partition by feature_name order by lower_edge) as bin_order,
        count(*) over (partition by feature_name) as bin_count
    from numeric_edges

),

category_counts as (

    select
        training_values.feature_name,
        training_values.value_text,
        count(*) as leads,
        max(kinds.training_leads) as training_leads
    from training_values
    inner join kinds
        on training_values.feature_name = kinds.feature_name
            and kinds.feature_kind = 'categorical'
    where training_values.value_text is not null
    group by training_values.feature_name, training_values.value_text

),

category_bins as (

    select
        feature_name,
        value_text as category_value,
        row_number() over (partition by feature_name order by leads desc, value_text asc) as bin_order
    from category_counts
    where leads >= {{ var('predictive_min_bin_leads') | int }}
        and leads >= {{ var('predictive_min_bin_share') | float }} * training_leads

),

bins as (

    select
        feature_name,
        -- "under 5", "5 to under 20", "20 or more": edges as a marketer reads them.
        case
            when bin_count = 1 then 'any value'
            when bin_order = 1 then {{ dbt.concat(["'under '", number_label('upper_edge')]) }}
            when upper_edge is null then {{ dbt.concat([number_label('lower_edge'), "' or more'"]) }}
            else {{ dbt.concat([number_label('lower_edge'), "' to under '", number_label('upper_edge')]) }}
        end as bin_label,
        bin_order,
        lower_edge,
        upper_edge,
        cast(null as {{ type_text() }}) as category_value
    from numeric_bins
    union all
    select
        feature_name,
        category_value as bin_label,
        bin_order,
        cast(null as {{ type_double() }}) as lower_edge,
        cast(null as {{ type_double() }}) as upper_edge,
        category_value
    from category_bins
    union all
    select
        feature_name,
        '(other)' as bin_label,
        1000000 as bin_order,
        cast(null as {{ type_double() }}) as lower_edge,
        cast(null as {{ type_double() }}) as upper_edge,
        cast(null as {{ type_text() }}) as category_value
    from kinds
    where feature_kind = 'categorical'
    union all
    select
        feature_name,
        '(missing)' as bin_label,
        1000001 as bin_order,
        cast(null as {{ type_double() }}) as lower_edge,
        cast(null as {{ type_double() }}) as upper_edge,
        cast(null as {{ type_text() }}) as category_value
    from kinds

),

final as (

    select
        bins.feature_name,
        kinds.feature_source,
        kinds.feature_kind,
        kinds.is_near_unique,
        bins.bin_label,
        bins.bin_order,
        bins.lower_edge,
        bins.upper_edge,
        bins.category_value,
        '{{ predictive_training_stamp() }}' as training_inputs
    from bins
    inner join kinds
        on bins.feature_name = kinds.feature_name

)

select * from final
{%- endif %}
