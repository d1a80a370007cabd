{#- lead_score_history keeps an index beside itself, <history>__latest: each
    lead's last history row (a tombstone included) and when its score and its
    stage last changed. The history compares a build's scores with it, and
    lead_scores reads score_changed_at and stage_changed_at from it, so a daily
    build reads a row per lead, not every row the history ever recorded (it
    grows by about a row per lead per day). The history's post-hook keeps it:
    the index plus the rows appended since its last change_seq, rewritten
    whole (a row per lead), so it needs no delete or merge and runs on every
    engine. It is only read while its last row is the history's last row;
    otherwise the history is read whole, as it always could be. -#}

{#- The later of two timestamps, either of which may be null (engines disagree on greatest() with nulls). -#}
{% macro later_of(first, second) -%}
    case
        when {{ second }} is null or {{ first }} > {{ second }} then {{ first }}
        else {{ second }}
    end
{%- endmacro %}


{#- The index's relation: the history's own name with __latest, in its schema. -#}
{% macro history_latest_relation(history) -%}
    {{ return(history.incorporate(path={"identifier": history.identifier ~ "__latest"}, type="table")) }}
{%- endmacro %}


{#- The highest change_seq the index holds, when the index exists and that row
    is the same row in the history (same change_seq, same build); else none. -#}
{% macro history_latest_kept_through(history) -%}
    {%- set latest = history_latest_relation(history) -%}
    {%- if adapter.get_relation(database=latest.database, schema=latest.schema, identifier=latest.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query(
        "select max(latest.change_seq) from " ~ latest ~ " as latest inner join " ~ history ~ " as recorded"
        ~ " on recorded.change_seq = latest.change_seq and recorded.run_id = latest.run_id"
        ~ " where latest.change_seq = (select max(change_seq) from " ~ latest ~ ")").rows[0][0] -%}
    {{ return(none if found is none else found | int) }}
{%- endmacro %}


{#- The index of this history when it is exactly as current as the history,
    else none (lead_score_history and lead_scores then read the history itself). -#}
{% macro history_latest_if_current(history) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set kept_through = history_latest_kept_through(history) -%}
    {%- if kept_through is not none -%}
        {%- set recorded_through = run_query("select max(change_seq) from " ~ history).rows[0][0] -%}
        {%- if recorded_through is not none and kept_through == recorded_through | int -%}
            {{ return(history_latest_relation(history)) }}
        {%- endif -%}
    {%- endif -%}
    {{ log(model.name ~ ": the index " ~ history_latest_relation(history).identifier
        ~ " is missing or behind the history; reading the whole history", info=True) }}
    {{ return(none) }}
{%- endmacro %}


{#- A history row that counts for score_changed_at (stage_changed_at): it
    inserts the lead or changes its score (stage). -#}
{% macro history_row_changes_score() -%}
    (change_type = 'insert' or (change_type = 'update' and score <> previous_score))
{%- endmacro %}

{% macro history_row_changes_stage() -%}
    (change_type = 'insert' or (change_type = 'update' and coalesce(stage, '') <> coalesce(previous_stage, '')))
{%- endmacro %}


{#- The index's rows: the history rows after kept_through, each lead's last
    one, and the kept index's rows of leads without new rows (kept is a
    relation, or none for an empty index). A change counts for
    score_changed_at (stage_changed_at) when it inserts the lead or changes
    its score (stage), as lead_scores has always counted it. Only the new
    rows are ranked; the kept rows are joined, not sorted again. -#}
{% macro history_latest_sql(history, kept=none, kept_through=0) -%}
    with

    new_rows as (

        select
            scoring_model, lead_id, change_seq, change_type, score, grade, stage, top_reasons, as_of, run_id,
            case when {{ history_row_changes_score() }} then scored_at end as score_changed_at,
            case when {{ history_row_changes_stage() }} then scored_at end as stage_changed_at
        from {{ history }}
        where change_seq > {{ kept_through }}

    ),

    new_changed_at as (

        select
            scoring_model,
            lead_id,
            max(score_changed_at) as score_changed_at,
            max(stage_changed_at) as stage_changed_at
        from new_rows
        group by scoring_model, lead_id

    ),

    new_last_rows as (

        select *
        from (
            select
                new_rows.*,
                row_number() over (partition by scoring_model, lead_id order by change_seq desc) as recency
            from new_rows
        ) as ranked
        where recency = 1

    ),

    kept as (

        {%- if kept is not none %}
            select * from {{ kept }}
        {%- else %}
            select * from new_last_rows where 1 = 0
        {%- endif %}

    )

    select
        new_last_rows.scoring_model,
        new_last_rows.lead_id,
        new_last_rows.change_seq,
        new_last_rows.change_type,
        new_last_rows.score,
        new_last_rows.grade,
        new_last_rows.stage,
        new_last_rows.top_reasons,
        new_last_rows.as_of,
        new_last_rows.run_id,
        {{ later_of('new_changed_at.score_changed_at', 'kept.score_changed_at') }} as score_changed_at,
        {{ later_of('new_changed_at.stage_changed_at', 'kept.stage_changed_at') }} as stage_changed_at
    from new_last_rows
    inner join new_changed_at
        on new_last_rows.scoring_model = new_changed_at.scoring_model
            and new_last_rows.lead_id = new_changed_at.lead_id
    left join kept
        on new_last_rows.scoring_model = kept.scoring_model
            and new_last_rows.lead_id = kept.lead_id
    union all
    select
        kept.scoring_model,
        kept.lead_id,
        kept.change_seq,
        kept.change_type,
        kept.score,
        kept.grade,
        kept.stage,
        kept.top_reasons,
        kept.as_of,
        kept.run_id,
        kept.score_changed_at,
        kept.stage_changed_at
    from kept
    where not exists (
        select 1 from new_changed_at
        where new_changed_at.scoring_model = kept.scoring_model and new_changed_at.lead_id = kept.lead_id
    )
{%- endmacro %}


{#- lead_score_history's post-hook: nothing when the build appended nothing;
    else write the index anew (beside the old one, then swapped in), from the
    old index while it is a prefix of the history, else from the whole history. -#}
{% macro history_latest_refresh() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set latest = history_latest_relation(this) -%}
    {%- set next = latest.incorporate(path={"identifier": latest.identifier ~ "_next"}) -%}
    {%- set kept_through = history_latest_kept_through(this) -%}
    {%- if kept_through is not none
            and kept_through == run_query("select max(change_seq) from " ~ this).rows[0][0] | int -%}
        {{ return('') }}
    {%- endif -%}
    {%- set old = adapter.get_relation(database=latest.database, schema=latest.schema, identifier=latest.identifier) -%}
    {%- do adapter.drop_relation(next) -%}
    {%- call statement('history_latest_next') -%}
        {{ create_table_as_select(next, history_latest_sql(
            this, latest if kept_through is not none else none, kept_through or 0)) }}
    {%- endcall -%}
    {%- if old is not none -%}{%- do adapter.drop_relation(old) -%}{%- endif -%}
    {%- do adapter.rename_relation(next, latest) -%}
    {{ return('') }}
{%- endmacro %}
