{#- The engagement rules of the active scoring models: what the incremental
    state matches events and sessions against. -#}
{{ config(materialized='view') }}

with

engagement_rules as (

    select * from {{ ref('stg_rules__engagement_rules') }}

),

scoring_models as (

    select * from {{ ref('stg_rules__scoring_models') }}

),

final as (

    select engagement_rules.*
    from engagement_rules
    inner join scoring_models
        on engagement_rules.scoring_model = scoring_models.scoring_model
    where scoring_models.is_active

)

select * from final
