{#- Point in time: per scoring date, each lead that existed then and the
    version of it that was current on that date (by updated_at). A lead
    created after the date is not there yet; a version updated after it is
    not seen. Narrow on purpose: a backfill has one row per lead and date. -#}

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

ranked as (

    select
        scoring_dates.as_of,
        lead_versions.lead_id,
        lead_versions.lead_version,
        row_number() over (
            partition by scoring_dates.as_of, lead_versions.lead_id
            order by lead_versions.updated_at desc nulls last, lead_versions.loaded_at desc, lead_versions.source_row desc
        ) as version_recency
    from lead_versions
    inner join scoring_dates
        -- A version without dates cannot be placed in time: it counts from the start.
        on (lead_versions.created_at is null or cast(lead_versions.created_at as date) <= scoring_dates.as_of)
            and (lead_versions.updated_at is null or cast(lead_versions.updated_at as date) <= scoring_dates.as_of)

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
