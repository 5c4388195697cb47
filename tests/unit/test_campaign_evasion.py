"""Cheap evasions of the campaign traits by an operator who has read the code: variants a person
reads as one handle pattern, one bio or one photo must keep sharing the trait, and genuinely
different ones must not start sharing it (docs/campaigns.md, "The signals" and "Limits")."""

from __future__ import annotations

import pytest

from heuristics.campaigns.traits import handle_template

# --- handles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle",
    [
        "maria.7734",  # Instagram and Facebook allow a dot where X has an underscore
        "maria-7734",
        "_maria_7734",
        "maria_7734_",
        "__maria_7734__",
        "maria__7734",
        "maria._7734",
        "Maria_7734",
        "m4ria_7734",  # a leet digit inside the name
        "mar1a_7734",
        "maria\u200b_7734",  # invisible characters
        "maria_7734\u2060",
        "m\u0430ria_7734",  # Cyrillic а
        "مريم_7734",
        "maria_٧٧٣٤",
        "ｍａｒｉａ＿７７３４",
    ],
)
def test_handle_variants_a_person_reads_as_one_pattern_share_its_template(handle: str) -> None:
    assert handle_template(handle) == handle_template("maria_7734") == "a_0000"


def test_handle_templates_that_differ_to_a_person_stay_apart() -> None:
    """Where the separator is, how many digits, the order, and the words stay part of the shape:
    merging them would merge most genuine "name and a number" handles (docs/campaigns.md, Limits)."""
    distinct = [
        "maria_7734",  # a_0000
        "maria7734",  # a0000
        "maria_773",  # a_000
        "maria_77340",  # a_00000
        "7734_maria",  # 0000_a
        "leila_ben_7734",  # a_a_0000
        "maria_77x34",  # a_00a00
        "ab12cd_7734",  # two digits inside letters are digits
        "maria2_7734",  # a digit at the end of a word is a digit
        "john_smith",  # a_a
    ]
    templates = [handle_template(h) for h in distinct]
    assert None not in templates and len(set(templates)) == len(distinct), templates
    assert handle_template("johnsmith") is None
    assert handle_template("_johnsmith_") is None  # separators at the ends are not a shape
    assert handle_template("john.smith") == handle_template("john_smith") == "a_a"
