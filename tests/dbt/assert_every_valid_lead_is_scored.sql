-- Each accepted lead has exactly one score per active scoring model.
with

expected as (

    select count(*) as expected_rows
    from {{ ref('stg_crm__leads') }}
    cross join {{ ref('stg_rules__scoring_models') }} as scoring_models
    where scoring_models.is_active

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
