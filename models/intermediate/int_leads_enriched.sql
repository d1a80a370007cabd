{#- Per scoring date, every lead as it was then, with the attributes rules
    score: seniority from the title, email domain kind, gibberish, territory,
    plus every custom column. A lead created after the date is not there yet;
    a lead updated after it is seen in the version that was current on it. -#}

with

lead_versions as (

    select * from {{ ref('stg_crm__lead_versions') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

versions_in_effect as (

    select
        scoring_dates.as_of,
        lead_versions.*,
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

leads as (

    select * from versions_in_effect
    where version_recency = 1

),

title_seniority as (

    select * from {{ ref('int_job_titles_to_seniority') }}

),

personal_domains as (

    select distinct lower(trim(email_domain)) as email_domain from {{ ref('personal_email_domains') }}

),

competitor_domains as (

    select distinct lower(trim(email_domain)) as email_domain from {{ ref('competitor_domains') }}

),

territories as (

    select distinct
        lower(trim(country)) as country,
        nullif(lower(trim(region)), '') as region
    from {{ ref('served_territories') }}

),

territory_matches as (

    select distinct
        leads.as_of,
        leads.lead_id
    from leads
    inner join territories
        on leads.country = territories.country
            and (territories.region is null or leads.region = territories.region)

),

final as (

    select
        leads.*,
        title_seniority.seniority,
        case when leads.email_domain is not null then personal_domains.email_domain is not null end
            as is_personal_email,
        case when leads.email_domain is not null then competitor_domains.email_domain is not null end
            as is_competitor,
        (
            {{ is_gibberish('leads.first_name') }}
            or {{ is_gibberish('leads.last_name') }}
            or {{ is_gibberish('leads.email_local_part') }}
        ) as is_gibberish,
        case when leads.country is not null then territory_matches.lead_id is not null end
            as is_in_territory
    from leads
    left join title_seniority
        on leads.job_title = title_seniority.job_title
    left join personal_domains
        on leads.email_domain = personal_domains.email_domain
    left join competitor_domains
        on leads.email_domain = competitor_domains.email_domain
    left join territory_matches
        on leads.as_of = territory_matches.as_of
            and leads.lead_id = territory_matches.lead_id

)

select * from final
