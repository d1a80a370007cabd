{#- The bin of every feature value of every observation: a number falls in
    the bin whose lower edge is the highest at or below it (below the lowest
    edge: the first bin); a text in its own bin or "(other)"; nothing, or a
    number feature's non-number text, in "(missing)". -#}

with

feature_values as (

    select * from {{ ref('int_predictive_feature_values') }}

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

numeric_features as (

    select distinct feature_name
    from bins
    where feature_kind = 'numeric'

),

numeric_values as (

    select feature_values.*
    from feature_values
    inner join numeric_features
        on feature_values.feature_name = numeric_features.feature_name
    where feature_values.value_number is not null

),

numeric_assigned as (

    select
        numeric_values.observation_id,
        numeric_values.feature_name,
        coalesce(max(bins.bin_order), 1) as bin_order
    from numeric_values
    left join bins
        on numeric_values.feature_name = bins.feature_name
            and numeric_values.value_number >= bins.lower_edge
    group by numeric_values.observation_id, numeric_values.feature_name

),

categorical_assigned as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        coalesce(
            bins.bin_label,
            case when feature_values.value_text is null then '(missing)' else '(other)' end
        ) as bin_label
    from feature_values
    left join numeric_features
        on feature_values.feature_name = numeric_features.feature_name
    left join bins
        on feature_values.feature_name = bins.feature_name
            and feature_values.value_text = bins.category_value
    where numeric_features.feature_name is null

),

missing_numbers as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        '(missing)' as bin_label
    from feature_values
    inner join numeric_features
        on feature_values.feature_name = numeric_features.feature_name
    where feature_values.value_number is null

),

final as (

    select
        numeric_assigned.observation_id,
        numeric_assigned.feature_name,
        bins.bin_label
    from numeric_assigned
    inner join bins
        on numeric_assigned.feature_name = bins.feature_name
            and numeric_assigned.bin_order = bins.bin_order
    union all
    select
        observation_id,
        feature_name,
        bin_label
    from categorical_assigned
    union all
    select
        observation_id,
        feature_name,
        bin_label
    from missing_numbers

)

select * from final
