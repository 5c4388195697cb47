"""Quality on real cross-script pairs (300 lines of google/transliteration, see tests/data):
recall at 1% false matches must stay far above plain transliteration.

In-sample: the name rules were tuned on ar2en-train, the file this sample is drawn from, so this
is a regression gate, not an estimate of quality on new names. The held-out figure is
bench/names_eval.py on the Wikidata name tokens (docs/names.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.names_eval import baseline, haris, impostor_pairs, read_pairs, recall_at

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ar2en-sample.tsv"


def test_recall_at_one_percent_false_matches_beats_the_baseline() -> None:
    pairs = read_pairs(SAMPLE)
    impostors = impostor_pairs(pairs, 20_000, seed=1)
    assert len(pairs) == 300

    def recall(scorer) -> float:
        genuine = np.array([scorer(a, b) for a, b in pairs])
        impostor = np.array([scorer(a, b) for a, b in impostors])
        return recall_at(genuine, impostor, 0.01)[1]

    ours, plain = recall(haris), recall(baseline)
    assert ours >= 0.95
    assert ours - plain >= 0.1
