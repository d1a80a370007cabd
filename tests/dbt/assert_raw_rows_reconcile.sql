-- Nothing is lost: every raw row is either accepted or rejected, per table,
-- counted independently in data_quality_summary.
select
    source_table,
    raw_rows,
    accepted_rows,
    rejected_rows
from {{ ref('data_quality_summary') }}
where raw_rows <> accepted_rows + rejected_rows
