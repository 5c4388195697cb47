"""Full names across scripts: parts aligned order-free, compounds written together or apart, the
given name required to agree (a brother is not a clone), missing middle parts forgiven, a
different family name not (a namesake is not a clone)."""

from __future__ import annotations

import pytest

from heuristics.names import normalise, similarity
from heuristics.names.normalise import MAX_CLEANED_LENGTH, MAX_PART_LETTERS, MAX_PARTS
from heuristics.rules import load_default_rules

MATCH = load_default_rules().rules["impersonation.contact"].params.min_similarity  # type: ignore[attr-defined]

TIKRITI = "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI"


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        # the misses of issue 15: Persian letters, compounds together or apart, Maghrebi French
        ("احمد ضیا آغا", "AHMAD ZIA AGHA"),
        ("هدايت الله", "HIDAYATULLAH"),
        ("ولی جان", "WALIJAN"),
        ("كمال جرمان", "KAMEL DJERMANE"),
        ("فيصل بوغانمي", "FAYCAL BOUGHANEMI"),
        ("علي ما يشو", "ALI MAYCHOU"),
        ("شمس الرحمن عبد الظاهر", "SHAMS UR-RAHMAN ABDUL ZAHIR"),
        ("أيمن سبعاوي إبراهيم حسن التكريتي", TIKRITI),
        # compounds the other way round, and Abd al- / Abdul / Abdel / Abd-
        ("هدايتالله", "Hidayat Ullah"),
        ("عبدالرحمن", "Abd al-Rahman"),
        ("عبد الرحمن", "Abdelrahman"),
        ("عبد العزيز", "Abdel-Aziz"),
        ("نصر الدين", "Nasreddine"),
        ("نصرالدين", "Nasr ud-Din"),
        # particles: dropped from the chain, or glued to the name they introduce
        ("محمد بن سلمان آل سعود", "Mohammed bin Salman Al Saud"),
        ("محمد سلمان سعود", "MOHAMMED BIN SALMAN AL SAUD"),
        ("عبد الإله بنكيران", "Abdelilah Benkirane"),
        ("عبد الإله بن كيران", "Abdelilah Benkirane"),
        ("محمد ولد عبد العزيز", "Mohamed Ould Abdel Aziz"),
        # family name first, as official lists and French forms write it
        ("كمال جرمان", "DJERMANE Kamel"),
        # apostrophes, hyphens, case and diacritics
        ("سعيد بوتفليقة", "Sa'id Bouteflika"),
        ("فيصل القاسم", "Fayçal al-Qasim"),
        # Arabic presentation forms and Persian/Urdu letters
        ("ﻣﺤﻤﺪ ﺻﺎﻟﺢ", "Mohamed Saleh"),
        ("گلبدین حکمتیار", "Gulbuddin Hekmatyar"),
    ],
)
def test_the_same_full_name_across_scripts_matches(arabic: str, latin: str) -> None:
    found = similarity(arabic, latin)
    assert found.score >= MATCH, found.evidence()
    assert similarity(latin, arabic).score == pytest.approx(found.score)


def test_a_missing_middle_part_costs_little() -> None:
    full = similarity("صدام حسين عبد المجيد التكريتي", "SADDAM HUSSEIN ABD AL-MAJID AL-TIKRITI")
    short = similarity("صدام حسين التكريتي", "SADDAM HUSSEIN ABD AL-MAJID AL-TIKRITI")
    assert short.score >= MATCH
    assert full.score - 0.05 <= short.score < full.score
    assert short.missing_parts() == ["ABD AL MAJID"]


@pytest.mark.parametrize(
    ("relative", "who"),
    [
        ("عمر سبعاوي إبراهيم حسن التكريتي", "brother: other given name, same father, grandfather, family"),
        ("سبعاوي إبراهيم حسن التكريتي", "father: the son's chain without his own name"),
        ("أيمن سبعاوي إبراهيم حسن الدوري", "namesake: same chain, other family"),
        ("أيمن خالد", "namesake: same given name, other father and family"),
        ("أيمن", "a bare given name"),
    ],
)
def test_relatives_and_namesakes_are_not_clones(relative: str, who: str) -> None:
    assert similarity(relative, TIKRITI).score < MATCH, who


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohamed Saleh", "Mohamed Khaled"),  # namesake, same script
        ("محمد صالح", "Mohamed Khaled"),  # namesake, across scripts
        ("محمود صالح", "Mohamed Saleh"),  # brothers with neighbouring names
        ("محمد صالح", "Mahmoud Saleh"),
        ("سمير حداد", "Samira Haddad"),  # brother and sister
        ("Hala Ahed", "Hala Ahmed"),  # one letter inserted in a short family name
    ],
)
def test_near_relatives_do_not_match(a: str, b: str) -> None:
    assert similarity(a, b).score < MATCH


def test_evidence_names_the_aligned_parts_in_the_query_order() -> None:
    found = similarity("شمس الرحمن عبد الظاهر", "ABDUL ZAHIR, SHAMS UR-RAHMAN")  # family first
    evidence = found.evidence()
    assert [row[:2] for row in evidence["aligned_parts"]] == [
        ["شمس الرحمن", "SHAMS UR RAHMAN"],
        ["عبد الظاهر", "ABDUL ZAHIR"],
    ]
    assert all(MATCH <= row[2] <= 1 for row in evidence["aligned_parts"])


def test_parts_say_what_was_grouped() -> None:
    parts = normalise("Mohammed bin Salman al-Saud").primary.parts
    assert [(p.shown, p.text, p.particle) for p in parts] == [
        ("Mohammed", "mohammed", ""),
        ("Salman", "salman", "bin"),
        ("Saud", "saud", ""),
    ]
    arabic = normalise("عبد الرحمن الشمري").primary.parts
    assert [(p.text, p.article) for p in arabic] == [("عبد|رحمن", False), ("شمري", True)]
    persian = normalise("ولی گل پژمان").primary.parts
    assert [p.text for p in persian] == ["ولي", "غل", "بجمان"]  # ی → ي, گ → غ, پ → ب, ژ → ج


def test_hostile_text_costs_a_bounded_amount() -> None:
    expanding = normalise("\ufdfa" * 200)  # one character NFKC makes 18
    assert len(expanding.cleaned) <= MAX_CLEANED_LENGTH
    many = normalise(" ".join(["Mohamed"] * 100) + " " + "x" * 500)
    assert len(many.primary.parts) <= MAX_PARTS
    assert all(len(part.text) <= MAX_PART_LETTERS for part in many.primary.parts)
    assert similarity("ب" * 300, "b" * 300).score <= 1.0  # scored on the bounded parts
