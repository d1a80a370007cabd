{#- The bin of every feature value of every observation: a number falls in
    the bin whose lower edge is the highest at or below it (below the lowest
    edge: the first bin); a text in its own bin or "(other)"; nothing, or a
    number feature's non-number text, in "(missing)". -#}
{#- At least one bin (sqlfluff renders var() as a word). -#}
{%- set numeric_bins = [var('predictive_numeric_bins') | int, 1] | max -%}

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

-- A numeric feature's edges side by side (one row per feature), so each value
-- finds its bin through an equality join instead of a range join over every edge.
numeric_edges as (

    select
        {%- for order in range(1, numeric_bins + 1) %}
            max(case when bin_order = {{ order }} then lower_edge end) as edge_{{ order }},
            max(case when bin_order = {{ order }} then bin_label end) as label_{{ order }},
        {%- endfor %}
        feature_name
    from bins
    where feature_kind = 'numeric' and lower_edge is not null
    group by feature_name

),

numeric_assigned as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        case
            {%- for order in range(numeric_bins, 0, -1) %}
                when feature_values.value_number >= numeric_edges.edge_{{ order }} then numeric_edges.label_{{ order }}
            {%- endfor %}
            -- Below the lowest edge: the first bin.
            else numeric_edges.label_1
        end as bin_label
    from feature_values
    inner join numeric_edges
        on feature_values.feature_name = numeric_edges.feature_name
    where feature_values.value_number is not null

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
        observation_id,
        feature_name,
        bin_label
    from numeric_assigned
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
