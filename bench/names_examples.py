"""The name pairs of issue 15, each as the impersonation signals see it: matched or not at the
rules' cut-off, the score, and which parts aligned (no data needed).

    .venv/bin/python bench/names_examples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.names import similarity
from heuristics.rules import load_default_rules

# (Arabic script, Latin spelling, what the pair is)
EXAMPLES = [
    ("احمد ضیا آغا", "AHMAD ZIA AGHA", "same person: Persian letters ی"),
    ("هدايت الله", "HIDAYATULLAH", "same person: compound written apart / together"),
    ("ولی جان", "WALIJAN", "same person: Persian ی, compound"),
    ("كمال جرمان", "KAMEL DJERMANE", "same person: Maghrebi French dj, e"),
    ("فيصل بوغانمي", "FAYCAL BOUGHANEMI", "same person: ç, ou, gh"),
    ("علي ما يشو", "ALI MAYCHOU", "same person: ch, ou, a name in two words"),
    ("شمس الرحمن عبد الظاهر", "SHAMS UR-RAHMAN ABDUL ZAHIR", "same person: ur-, Abdul = Abd al-"),
    ("أيمن سبعاوي إبراهيم حسن التكريتي", "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI", "same person: Iraqi nasab chain"),
    ("عمر سبعاوي إبراهيم حسن التكريتي", "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI", "brother: another given name"),
]


def table() -> str:
    """The examples as a Markdown table (docs/names.md shows it: figure ``names-examples``)."""
    cutoff = load_default_rules().rules["impersonation.contact"].params.min_similarity  # type: ignore[attr-defined]
    lines = [
        f"| Arabic | Latin | pair | matched at {cutoff} | score | parts aligned (score) |",
        "|---|---|---|---|---|---|",
    ]
    for arabic, latin, what in EXAMPLES:
        found = similarity(arabic, latin)
        parts = "; ".join(f"{a} = {b} ({score:.2f})" for a, b, score in found.aligned_parts()) or "given names differ"
        matched = "yes" if found.score >= cutoff else "no"
        lines.append(f"| {arabic} | {latin} | {what} | {matched} | {found.score:.3f} | {parts} |")
    return "\n".join(lines)


def main() -> None:
    print(table())


if __name__ == "__main__":
    main()
