{#- One row per accepted conversion record (a lead may have several). -#}

with

conversions as (

    select * from {{ ref('base_crm__conversions') }}
    where reject_reason is null

),

final as (

    select
        lead_id,
        converted_at,
        outcome,
        loaded_at
    from conversions

)

select * from final
