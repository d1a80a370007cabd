{#- One row per stage a lead entered: its first stage (from_stage empty) and
    every change after it, with the days spent in the stage it left. What a BI
    tool charts as MQLs per week, MQL-to-SQL conversion and time in stage.
    Derived from lead_score_history, so it reaches as far back as the history. -#}

with

history as (

    select * from {{ ref('lead_score_history') }}
    where change_type <> 'delete'

),

stage_entries as (

    select
        change_seq,
        lead_id,
        scoring_model,
        previous_stage as from_stage,
        stage as to_stage,
        as_of as transitioned_on
    from history
    where change_type = 'insert' or coalesce(stage, '') <> coalesce(previous_stage, '')

),

final as (

    select
        change_seq,
        lead_id,
        scoring_model,
        from_stage,
        to_stage,
        transitioned_on,
        cast(case
            when from_stage is not null
                then {{ dbt.datediff(
                    'lag(transitioned_on) over (partition by scoring_model, lead_id order by change_seq)',
                    'transitioned_on', 'day') }}
        end as {{ dbt.type_int() }}) as days_in_from_stage
    from stage_entries

)

select * from final
