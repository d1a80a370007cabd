{#- Point in time: per scoring date, each lead that existed then (created on
    or before it) and the version of it current on that date: the latest
    updated by then. A version updated later is not seen, unless the data has
    no earlier one (then the earliest known stands in). Narrow on purpose: a
    backfill has one row per lead and date. -#}

with

lead_versions as (

    select
        lead_id,
        lead_version,
        created_at,
        updated_at,
        loaded_at,
        source_row
    from {{ ref('stg_crm__lead_versions') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

candidates as (

    select
        scoring_dates.as_of,
        lead_versions.*
    from lead_versions
    inner join scoring_dates
        -- A lead without a creation date cannot be placed in time: it counts from the start.
        on lead_versions.created_at is null or cast(lead_versions.created_at as date) <= scoring_dates.as_of

),

ranked as (

    select
        as_of,
        lead_id,
        lead_version,
        row_number() over (
            partition by as_of, lead_id
            order by {{ lead_version_preference('updated_at', 'as_of', 'loaded_at', 'source_row') }}
        ) as version_recency
    from candidates

),

final as (

    select
        as_of,
        lead_id,
        lead_version
    from ranked
    where version_recency = 1

)

select * from final
