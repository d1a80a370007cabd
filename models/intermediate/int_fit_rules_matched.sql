{#- One row per lead version, scoring model and fit or negative attribute rule it meets. -#}

with

attributes as (

    select * from {{ ref('int_lead_attributes_unpivoted') }}

),

rules as (

    select fit_rules.*
    from {{ ref('stg_rules__fit_rules') }} as fit_rules
    inner join {{ ref('stg_rules__scoring_models') }} as scoring_models
        on fit_rules.scoring_model = scoring_models.scoring_model
    where scoring_models.is_active

),

final as (

    select
        attributes.lead_version,
        rules.scoring_model,
        attributes.lead_id,
        rules.rule_id,
        rules.category,
        rules.rule_group,
        rules.is_disqualifying,
        rules.points as raw_points,
        cast(1.0 as {{ type_double() }}) as decay_factor,
        rules.points as decayed_points,
        attributes.attribute_value as evidence_value,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from rules
    inner join attributes
        on rules.attribute = attributes.attribute_name
    where {{ fit_rule_condition('rules', 'attributes') }}

)

select * from final
