{#- Leads with the attributes rules score: seniority from the title, email
    domain kind, gibberish, territory, plus every custom column. -#}
{{ config(
    materialized=lead_level_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ delete_rescored_leads() }}",
) }}
-- depends_on: {{ ref('int_leads_to_rescore') }}
-- depends_on: {{ ref('int_rescoring_scope') }}
-- sync_all_columns: custom lead columns come and go with the files loaded.

with

leads as (

    select * from {{ ref('stg_crm__leads') }}
    where {{ is_rescored_lead('lead_id') }}

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

    select distinct leads.lead_id
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

)

select * from final
