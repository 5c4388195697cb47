"""Every published figure has a generator and a marked region; the fast ones are up to date.

The slow generators (refits, outside data) run in ``make figures-check``, not here.
"""

from __future__ import annotations

import textwrap

import pytest

from bench.figures import ROOT, Inputs, MissingData, check_marks, fill, load_generators, marked_names, regions

GENERATORS = load_generators()
MARKED = marked_names()


def test_every_marked_region_has_a_generator_and_every_generator_a_region() -> None:
    assert sorted(set(MARKED) - set(GENERATORS)) == [], "regions nobody regenerates"
    assert sorted(set(GENERATORS) - set(MARKED)) == [], "figures published nowhere"


def test_some_figures_are_checked_here_and_none_of_them_needs_outside_data() -> None:
    # Outside data is optional on a fresh clone: a figure that asks for it cannot be checked here.
    fast = [f for f in GENERATORS.values() if f.fast]
    assert fast and not any(f.needs for f in fast)


@pytest.mark.parametrize("name", sorted(name for name, f in GENERATORS.items() if f.fast))
def test_fast_figure_is_what_the_documents_show(name: str) -> None:
    try:
        output = GENERATORS[name].generate(Inputs())
    except MissingData as missing:  # a fast figure must not need outside data
        pytest.fail(f"{name} is marked fast but {missing}")
    for path in MARKED[name]:
        for match in regions(path.read_text(encoding="utf-8")):
            if match.group("name") == name:
                shown = textwrap.dedent(match.group("body")).strip("\n")
                assert shown == "\n".join(line.rstrip() for line in output.strip("\n").split("\n")), (
                    f"{path.relative_to(ROOT)}: figure {name} is out of date; run `make figures`"
                )


def test_fill_replaces_named_regions_keeps_indentation_and_leaves_others() -> None:
    text = (
        "intro\n<!-- figure:a -->\nold a\n<!-- /figure -->\n"
        "- item\n\n  <!-- figure:b -->\n  old b\n  <!-- /figure -->\n"
        "<!-- figure:c -->\nkept\n<!-- /figure -->\nend\n"
    )
    new = fill(text, {"a": "| x |\n|---|\n", "b": "row 1\n\nrow 2"})
    assert new == (
        "intro\n<!-- figure:a -->\n| x |\n|---|\n<!-- /figure -->\n"
        "- item\n\n  <!-- figure:b -->\n  row 1\n\n  row 2\n  <!-- /figure -->\n"
        "<!-- figure:c -->\nkept\n<!-- /figure -->\nend\n"
    )
    assert fill(new, {"a": "| x |\n|---|", "b": "row 1\n\nrow 2"}) == new  # a second run changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "<!-- figure:a -->\nno end\n",
        "<!-- /figure -->\n",
        "<!-- figure:a -->\n<!-- figure:b -->\n<!-- /figure -->\n<!-- /figure -->\n",
    ],
)
def test_unbalanced_or_nested_marks_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        check_marks(text, "doc.md")
