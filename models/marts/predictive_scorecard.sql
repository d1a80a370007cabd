{#- The predictive model read like a credit scorecard: per feature, ranked by
    information value, every bin with its training leads, share, conversions,
    conversion rate, weight of evidence and information value; the fitted
    weight; and the points the bin moves an average lead's score (score is
    100 x probability). Features left out say why; a feature whose IV is
    suspiciously high is flagged as likely leakage. -#}

with

bins as (

    select * from {{ ref('int_predictive_woe') }}

),

model as (

    select * from {{ ref('int_predictive_model') }}
    where status = 'trained'

),

weights as (

    {{ predictive_weight_rows('model') }}

),

totals as (

    select
        feature_name,
        sum(training_leads) as feature_leads
    from bins
    group by feature_name

),

final as (

    select
        {{ dbt.concat(['bins.feature_name', "':'", 'bins.bin_label']) }} as scorecard_bin_id,
        bins.feature_rank,
        bins.feature_name,
        bins.feature_source,
        bins.feature_kind,
        bins.bin_order,
        bins.bin_label,
        bins.lower_edge,
        bins.upper_edge,
        bins.training_leads,
        cast(bins.training_leads as {{ type_double() }}) / nullif(totals.feature_leads, 0) as share_of_leads,
        cast(bins.converted_leads as {{ dbt.type_bigint() }}) as converted_leads,
        cast(bins.converted_leads as {{ type_double() }}) / nullif(bins.training_leads, 0) as conversion_rate,
        bins.woe,
        bins.bin_iv,
        bins.feature_iv,
        weights.weight is not null as is_in_model,
        bins.excluded_because,
        bins.is_leakage_suspect,
        weights.weight,
        weights.weight * bins.woe as log_odds,
        100.0 * ({{ sigmoid('weights.intercept + weights.weight * bins.woe') }} - weights.base_probability) as points
    from bins
    inner join totals
        on bins.feature_name = totals.feature_name
    left join weights
        on bins.feature_slot = weights.feature_slot

)

select * from final
