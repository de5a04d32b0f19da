"""Questionnaire scoring as reference/standards.md §3 states it, missing-item rules included."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.care.instruments import INSTRUMENTS
from liaison.care.scoring import (
    QUESTIONNAIRES,
    ScoringError,
    score_lefs,
    score_ndi,
    score_nprs,
    score_odi,
    score_psfs,
    score_quickdash,
)


def test_odi_is_the_sum_over_five_times_the_sections_answered_as_a_percentage():
    assert score_odi([2, 3, 1, 0, 4, 2, 3, 1, 2, 3]) == Decimal("42.00")


def test_odi_leaves_an_unanswered_section_out_of_the_denominator():
    # 20 points over nine answered sections: 20 / 45 × 100.
    assert score_odi([2, 3, 1, 0, 4, 2, 3, None, 2, 3]) == Decimal("44.44")


def test_odi_with_no_section_answered_has_no_score():
    with pytest.raises(ScoringError, match="at least one section"):
        score_odi([None] * 10)


def test_ndi_is_stored_as_a_percentage_of_the_answered_sections():
    # Raw 25 of 50 is 50 %; with one section missing, 23 of 45 is 51.11 %.
    assert score_ndi([3, 2, 3, 2, 3, 2, 3, 2, 3, 2]) == Decimal("50.00")
    assert score_ndi([3, 2, 3, 2, 3, 2, 3, 2, 3, None]) == Decimal("51.11")


def test_an_answer_off_the_scale_is_refused_with_the_section_named():
    with pytest.raises(ScoringError, match="Section 3"):
        score_odi([0, 0, 6, 0, 0, 0, 0, 0, 0, 0])


def test_quickdash_is_the_mean_minus_one_times_twenty_five():
    # Eleven answers summing to 33: (33 / 11 − 1) × 25 = 50.
    assert score_quickdash([3] * 11) == Decimal("50.00")
    assert score_quickdash([1] * 11) == Decimal("0.00")
    assert score_quickdash([5] * 11) == Decimal("100.00")


def test_quickdash_scores_ten_answered_items():
    # 10 answers summing to 27: (2.7 − 1) × 25 = 42.5.
    assert score_quickdash([3, 3, 3, 3, 3, 3, 3, 2, 2, 2, None]) == Decimal("42.50")


def test_quickdash_with_two_items_missing_has_no_score():
    with pytest.raises(ScoringError, match="at least 10 of its 11"):
        score_quickdash([3, 3, 3, 3, 3, 3, 3, 3, 3, None, None])


def test_lefs_is_the_sum_of_twenty_items_and_needs_them_all():
    assert score_lefs([4] * 20) == Decimal("80.00")
    assert score_lefs([2] * 10 + [3] * 10) == Decimal("50.00")
    with pytest.raises(ScoringError, match="all 20"):
        score_lefs([2] * 19 + [None])


def test_psfs_is_the_mean_of_the_rated_activities():
    assert score_psfs([3, 4, 8]) == Decimal("5.00")
    assert score_psfs([2, 3]) == Decimal("2.50")
    assert score_psfs([1, 2, 2, None, None]) == Decimal("1.67")


def test_psfs_needs_a_rating_and_at_most_five():
    with pytest.raises(ScoringError):
        score_psfs([None, None])
    with pytest.raises(ScoringError):
        score_psfs([5] * 6)
    with pytest.raises(ScoringError):
        score_psfs([11])


def test_nprs_is_one_whole_rating_from_zero_to_ten():
    assert score_nprs(7) == Decimal("7.00")
    with pytest.raises(ScoringError):
        score_nprs(None)
    with pytest.raises(ScoringError):
        score_nprs(11)


def test_item_labels_are_generic_not_the_copyrighted_wording():
    assert QUESTIONNAIRES["ODI"].items[0] == "Section 1 — pain intensity"
    assert QUESTIONNAIRES["QuickDASH"].items[10] == "Item 11"
    assert all(len(label) <= 40 for q in QUESTIONNAIRES.values() for label in q.items)


answers = st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10)


@given(answers)
def test_every_scorable_odi_lies_on_the_instruments_scale(items):
    if all(a is None for a in items):
        return
    score = score_odi(items)
    assert INSTRUMENTS["ODI"].minimum <= score <= INSTRUMENTS["ODI"].maximum
    assert score == score.quantize(Decimal("0.01"))


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=11, max_size=11))
def test_every_scorable_quickdash_lies_on_its_scale(items):
    if sum(a is not None for a in items) < 10:
        return
    assert Decimal(0) <= score_quickdash(items) <= Decimal(100)
