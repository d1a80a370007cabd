{#- Every accepted lead version, once, with the attributes rules and the
    predictive model read: seniority from the title, email domain kind,
    gibberish, territory, plus every custom column. Keyed by version, not
    date, so a backfill of many dates matches fit rules once per version, and
    the predictive model sees a training lead as it was at its snapshot. -#}

with

copies as (

    select
        lead_versions.*,
        row_number() over (
            partition by lead_versions.lead_id, lead_versions.lead_version
            order by lead_versions.loaded_at desc, lead_versions.source_row desc
        ) as copy_number
    from {{ ref('stg_crm__lead_versions') }} as lead_versions

),

leads as (

    select * from copies
    where copy_number = 1

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
        leads.lead_id,
        leads.lead_version
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
        on leads.lead_id = territory_matches.lead_id
            and leads.lead_version = territory_matches.lead_version

)

select * from final
