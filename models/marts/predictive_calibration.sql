{#- Does a probability of 0.3 mean 30%? The held-out leads in ten equal
    groups by predicted probability: the mean prediction beside the share
    that actually converted. -#}

with

predictions as (

    select * from {{ ref('int_predictive_holdout_predictions') }}

),

deciles as (

    select
        conversion_probability,
        converted_in_window,
        cast(ntile(10) over (order by conversion_probability, lead_id) as {{ dbt.type_int() }}) as decile
    from predictions

),

final as (

    select
        decile,
        count(*) as leads,
        min(conversion_probability) as min_probability,
        max(conversion_probability) as max_probability,
        avg(conversion_probability) as mean_probability,
        cast(sum(converted_in_window) as {{ dbt.type_bigint() }}) as converted_leads,
        avg(cast(converted_in_window as {{ type_double() }})) as conversion_rate
    from deciles
    group by decile

)

select * from final
