"""docs/figures.md: the list of published figures, from the registry and the documents."""

from __future__ import annotations

from bench.figures import FIGURES, ROOT, Inputs, figure, marked_names


@figure("figures-index", fast=True)
def figures_index(inputs: Inputs) -> str:
    """This table: every figure, where it is published, and what its generator prints."""
    marked = marked_names()
    lines = ["| figure | published in | checked by `make test` | what it shows |", "|---|---|---|---|"]
    for name in sorted(FIGURES):
        spec = FIGURES[name]
        where = ", ".join(path.relative_to(ROOT).as_posix() for path in marked.get(name, []))
        if spec.fast:
            checked = "yes"
        elif spec.needs:
            checked = "no: needs " + ", ".join(f"`{n}`" for n in spec.needs)
        else:
            checked = "no: slow"
        module = spec.generate.__module__.replace(".", "/") + ".py"
        lines.append(f"| `{name}` ([{module.rsplit('/', 1)[1]}](../{module})) | {where} | {checked} | {spec.summary} |")
    return "\n".join(lines)
