-- Each accepted lead that existed on the published as_of (created by then, or
-- with no creation date) has exactly one score per active scoring model (a
-- predictive one once it is trained).
with

published as (

    select as_of from {{ ref('int_scoring_dates') }}
    where is_latest

),

existing_leads as (

    select distinct lead_versions.lead_id
    from {{ ref('stg_crm__lead_versions') }} as lead_versions
    cross join published
    where lead_versions.created_at is null or cast(lead_versions.created_at as date) <= published.as_of

),

trained_predictive_models as (

    select count(*) as trained_models
    from {{ ref('int_predictive_model') }}
    where status = 'trained'

),

expected as (

    select count(*) as expected_rows
    from existing_leads
    cross join {{ ref('stg_rules__scoring_models') }} as scoring_models
    cross join trained_predictive_models as predictive
    where scoring_models.is_active
        and (scoring_models.kind = 'rules' or predictive.trained_models > 0)

),

actual as (

    select count(*) as actual_rows from {{ ref('lead_scores') }}

)

select
    expected.expected_rows,
    actual.actual_rows
from expected
cross join actual
where expected.expected_rows <> actual.actual_rows
