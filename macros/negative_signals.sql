{#- Negative signals computed from lead data; their points live in the rule seeds. -#}

{#- Random keyboard strings: a run of six consonants, a vowel-less word of five
    letters or more, or a keyboard row. Non-Latin scripts never match. -#}
{% macro is_gibberish(expr) -%}
    coalesce(
        {{ regex_matches("lower(" ~ expr ~ ")", "[bcdfghjklmnpqrstvwxz]{6,}") }}
        or {{ regex_matches("lower(" ~ expr ~ ")", "^[bcdfghjklmnpqrstvwxz]{5,}$") }}
        or {{ regex_matches("lower(" ~ expr ~ ")", "(qwert|asdf|zxcv|hjkl|sdfg|dfgh|fghj|ghjk|xcvb|cvbn|vbnm|uiop)") }},
        false
    )
{%- endmacro %}

{% macro is_valid_email(expr) -%}
    coalesce({{ regex_matches(expr, "^[^@ ]+@[^@ ]+[.][^@ ]+$") }}, false)
{%- endmacro %}

{#- Lower-case words separated by single spaces and padded, so patterns match
    whole words: ' cto ' is found in ' acme cto ' but not in ' director '. -#}
{% macro padded_words(expr) -%}
    ' ' || trim({{ regex_replace_all("lower(" ~ expr ~ ")", "[ ,;:/()&|._+-]+", " ") }}) || ' '
{%- endmacro %}
