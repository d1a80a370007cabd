-- What this project syncs to its CRM: the package's public mart, by a two-argument ref.
select
    lead_id,
    scoring_model,
    score,
    grade,
    stage,
    top_reasons
from {{ ref('leadscore', 'lead_scores') }}
