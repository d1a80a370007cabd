{#- The model in force: the latest fit in int_predictive_fits, one row. -#}

with

fits as (

    select * from {{ ref('int_predictive_fits') }}

),

latest as (

    select max(fit_number) as fit_number from fits

),

final as (

    select fits.*
    from fits
    inner join latest
        on fits.fit_number = latest.fit_number

)

select * from final
