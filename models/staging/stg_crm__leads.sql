{#- One row per lead: its current accepted version. -#}

with

lead_versions as (

    select * from {{ ref('stg_crm__lead_versions') }}
    where is_current_version

),

final as (

    select * from lead_versions

)

select * from final
