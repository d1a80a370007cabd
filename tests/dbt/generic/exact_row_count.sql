{#- Fails (one row) when the model does not hold exactly `expected` rows. -#}
{% test exact_row_count(model, expected) %}

select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count <> {{ expected }}

{% endtest %}
