{#- One row per lead version, scoring model and fit or negative attribute
    rule it meets. Kept from build to build (macros/kept_state.sql): a build
    matches only the versions int_leads_enriched added since the versions
    matched last (a version that met no rule is looked at again, and again
    meets none), and rebuilds the table when the fit rules, the active
    scoring models or the enrichment change (int_fit_state_settings), or
    when int_leads_enriched was itself rebuilt (upstream_since). -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ kept_state_reset('int_fit_state_settings', 'matching_fingerprint', 'int_leads_enriched') }}",
) }}

with

attributes as (

    select * from {{ ref('int_lead_attributes_unpivoted') }}
    {%- if kept_state_is_current('int_fit_state_settings', 'matching_fingerprint', 'int_leads_enriched') %}
        where state_added_at > (select max(kept.state_added_at) from {{ this }} as kept)
    {%- endif %}

),

settings as (

    select matching_fingerprint from {{ ref('int_fit_state_settings') }}

),

-- Which enrichment these matches were computed from (kept_state_is_current compares it).
enrichment as (

    select min(state_added_at) as upstream_since from {{ ref('int_leads_enriched') }}

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
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at,
        attributes.state_added_at,
        enrichment.upstream_since,
        {{ kept_state_stamp_sql('settings.matching_fingerprint') }} as state_fingerprint
    from rules
    cross join settings
    cross join enrichment
    inner join attributes
        on rules.attribute = attributes.attribute_name
    where {{ fit_rule_condition('rules', 'attributes') }}

)

select * from final
