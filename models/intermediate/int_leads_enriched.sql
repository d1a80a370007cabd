{#- Every accepted lead version, once, with the attributes rules and the
    predictive model read: seniority from the title, email domain kind,
    gibberish, territory, plus every custom column. Keyed by version, not
    date, so a backfill of many dates matches fit rules once per version, and
    the predictive model sees a training lead as it was at its snapshot.
    Kept from build to build (macros/kept_state.sql): a version's content
    never changes (lead_version is its digest), so a build adds only the
    versions it has not seen, and rebuilds the table when the enrichment's
    seeds or settings change (int_fit_state_settings). A version loaded
    twice keeps its first copy's loaded_at and source_row. -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ kept_state_reset('int_fit_state_settings', 'enrichment_fingerprint') }}",
) }}
{#- A unit test gives stg_crm__lead_versions' rows, not the raw table its custom columns come from. -#}
{%- set custom_columns = [] if (execute and model.resource_type == 'unit_test') else custom_lead_columns() -%}
{#- The columns of a version this model writes (the leads CTE lists them). -#}
{%- set standard_columns = [
    'lead_id', 'lead_version', 'email', 'email_domain', 'email_local_part', 'first_name', 'last_name', 'phone',
    'job_title', 'company_name', 'employees', 'industry', 'country', 'region', 'city', 'postal_code',
    'lead_source', 'created_at', 'updated_at'] -%}
{%- set version_columns = standard_columns + custom_columns + ['loaded_at', 'source_row'] -%}
{%- set derived_columns = [
    'seniority', 'is_personal_email', 'is_competitor', 'is_gibberish', 'is_in_territory', 'state_added_at',
    'state_fingerprint'] -%}
{#- append_new_columns adds a new lead column but cannot drop one (not on every
    engine): a kept table with a column this build would not write (a raw
    column removed, or one from an older version of this model) is rebuilt. -#}
{%- if execute and is_incremental() -%}
    {%- set expected = (version_columns + derived_columns) | map('lower') | list -%}
    {%- set extra = [] -%}
    {%- for col in adapter.get_columns_in_relation(this) if col.name | lower not in expected -%}
        {%- do extra.append(col.name | lower) -%}
    {%- endfor -%}
    {%- if extra -%}
        {{ raise_stale_state('Lead',
            this ~ " has column(s) " ~ extra | join(', ')
            ~ " that this build would not write (a raw leads column removed, or an upgrade)") }}
    {%- endif -%}
{%- endif %}

with

lead_versions as (

    select * from {{ ref('stg_crm__lead_versions') }}

),

settings as (

    select enrichment_fingerprint from {{ ref('int_fit_state_settings') }}

),

-- A version already kept is never enriched again (its content cannot have changed).
new_versions as (

    select lead_versions.*
    from lead_versions
    {%- if is_incremental() %}
        where not exists (
                select 1 from {{ this }} as kept
                where
                    kept.lead_id = lead_versions.lead_id
                    and kept.lead_version = lead_versions.lead_version
            )
    {%- endif %}

),

copies as (

    select
        new_versions.*,
        row_number() over (
            partition by new_versions.lead_id, new_versions.lead_version
            order by new_versions.loaded_at asc, new_versions.source_row asc
        ) as copy_number
    from new_versions

),

leads as (

    select
        {{ standard_columns | join(',\n        ') }},
        {%- for column_name in custom_columns %}
        {{ adapter.quote(column_name) }},
        {%- endfor %}
        loaded_at,
        source_row
    from copies
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
            as is_in_territory,
        {{ kept_state_added_at() }} as state_added_at,
        {{ kept_state_stamp_sql('settings.enrichment_fingerprint') }} as state_fingerprint
    from leads
    cross join settings
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
