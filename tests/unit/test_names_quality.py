"""Quality per pair of words on held-out names (tests/data/names-held-out.tsv, never seen by the
learned table): recall at 1% false matches must stay far above plain transliteration.
bench/names_eval.py measures the same on the whole held-out side."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.names_data import read_sample
from bench.names_eval import baseline, haris, impostor_pairs, recall_at

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "names-held-out.tsv"


def test_recall_at_one_percent_false_matches_beats_the_baseline() -> None:
    pairs = [(pair.arabic, pair.latin) for pair in read_sample(SAMPLE)]
    impostors = impostor_pairs(pairs, 20_000, seed=1)
    assert len(pairs) == 1500

    def recall(scorer) -> float:
        genuine = np.array([scorer(a, b) for a, b in pairs])
        impostor = np.array([scorer(a, b) for a, b in impostors])
        return recall_at(genuine, impostor, 0.01)[1]

    ours, plain = recall(haris), recall(baseline)
    assert ours >= 0.97
    assert ours - plain >= 0.15
