{#- Accepted conversions, flagged by whether their lead exists. -#}
{{ config(materialized='view') }}

with

conversions as (

    select * from {{ ref('stg_crm__conversions') }}

),

leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

final as (

    select
        conversions.*,
        leads.lead_id is not null as is_known_lead
    from conversions
    left join leads
        on conversions.lead_id = leads.lead_id

)

select * from final
