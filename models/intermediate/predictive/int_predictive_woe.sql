{#- Weight of evidence and information value of every bin, from the training
    leads: WoE = ln(share of converted leads in the bin / share of the
    others), each share smoothed by predictive_woe_smoothing pseudo-leads per
    bin so a small bin cannot reach infinity; a bin no training lead fell in
    has WoE 0 (no evidence). Features are ranked by information value; the
    predictive_max_features best that carry some (at least predictive_min_iv)
    and are not near-unique take the model's slots. An IV above
    predictive_leakage_iv is flagged: a feature that good is usually recorded
    after the outcome. -#}
{%- set smoothing = var('predictive_woe_smoothing') | float -%}

with

observations as (

    select * from {{ ref('int_predictive_observations') }}
    where observation_role = 'train'

),

observation_bins as (

    select * from {{ ref('int_predictive_observation_bins') }}

),

bins as (

    select * from {{ ref('int_predictive_bins') }}

),

totals as (

    select
        count(*) as leads,
        coalesce(sum(converted_in_window), 0) as converted
    from observations

),

bin_counts as (

    select
        observation_bins.feature_name,
        observation_bins.bin_label,
        count(*) as training_leads,
        sum(observations.converted_in_window) as converted_leads
    from observation_bins
    inner join observations
        on observation_bins.observation_id = observations.observation_id
    group by observation_bins.feature_name, observation_bins.bin_label

),

counted as (

    select
        bins.*,
        coalesce(bin_counts.training_leads, 0) as training_leads,
        coalesce(bin_counts.converted_leads, 0) as converted_leads,
        count(*) over (partition by bins.feature_name) as feature_bins,
        sum(case when bin_counts.training_leads > 0 then 1 else 0 end) over (partition by bins.feature_name)
            as filled_bins,
        totals.leads as total_leads,
        totals.converted as total_converted
    from bins
    cross join totals
    left join bin_counts
        on bins.feature_name = bin_counts.feature_name
            and bins.bin_label = bin_counts.bin_label

),

shares as (

    select
        counted.*,
        -- In doubles: Spark reads 0.5 as a decimal and would divide at a fixed scale.
        (converted_leads + cast({{ smoothing }} as {{ type_double() }}))
        / (total_converted + cast({{ smoothing }} as {{ type_double() }}) * feature_bins) as converted_share,
        (training_leads - converted_leads + cast({{ smoothing }} as {{ type_double() }}))
        / (total_leads - total_converted + cast({{ smoothing }} as {{ type_double() }}) * feature_bins)
            as not_converted_share
    from counted

),

evidence as (

    select
        shares.*,
        -- Six decimals: every engine publishes the same model (ln's last bits differ).
        case
            when training_leads = 0 then 0.0
            else {{ round_decimal('ln(converted_share / not_converted_share)', 6) }}
        end as woe
    from shares

),

valued as (

    select
        evidence.*,
        case when training_leads = 0 then 0.0 else (converted_share - not_converted_share) * woe end as bin_iv
    from evidence

),

feature_values as (

    select
        valued.*,
        sum(bin_iv) over (partition by feature_name) as feature_iv
    from valued

),

features as (

    select distinct
        feature_name,
        feature_iv,
        is_near_unique,
        filled_bins
    from feature_values

),

ranked as (

    select
        features.*,
        row_number() over (order by feature_iv desc, feature_name asc) as feature_rank,
        row_number() over (
            partition by (not is_near_unique and filled_bins >= 2 and feature_iv >= {{ var('predictive_min_iv') | float }})
            order by feature_iv desc, feature_name asc
        ) as eligible_rank,
        (not is_near_unique and filled_bins >= 2 and feature_iv >= {{ var('predictive_min_iv') | float }})
            as is_eligible
    from features

),

final as (

    select
        feature_values.feature_name,
        feature_values.feature_source,
        feature_values.feature_kind,
        feature_values.bin_label,
        feature_values.bin_order,
        feature_values.lower_edge,
        feature_values.upper_edge,
        feature_values.category_value,
        feature_values.training_leads,
        feature_values.converted_leads,
        feature_values.woe,
        feature_values.bin_iv,
        feature_values.feature_iv,
        ranked.feature_rank,
        case
            when ranked.is_eligible and ranked.eligible_rank <= {{ var('predictive_max_features') | int }}
                then ranked.eligible_rank
        end as feature_slot,
        case
            when feature_values.is_near_unique then 'near-unique values (names or free text)'
            when ranked.filled_bins < 2 then 'the same bin for every training lead'
            when ranked.feature_iv < {{ var('predictive_min_iv') | float }} then 'information value below predictive_min_iv'
            when ranked.eligible_rank > {{ var('predictive_max_features') | int }} then 'beyond predictive_max_features'
        end as excluded_because,
        feature_values.feature_iv > {{ var('predictive_leakage_iv') | float }} as is_leakage_suspect
    from feature_values
    inner join ranked
        on feature_values.feature_name = ranked.feature_name

)

select * from final
