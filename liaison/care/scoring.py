"""Questionnaire scoring: item answers in, the instrument's score out (reference/standards.md §3).

Items are labelled generically: the instruments' item wording is copyrighted, so the paper or
licensed form stays the source of the questions and the page only takes the answers.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from liaison.care.instruments import InstrumentCode

TWO_PLACES = Decimal("0.01")
PSFS_MAX_ACTIVITIES = 5


class ScoringError(ValueError):
    """The answers cannot be scored; the message says why, in the clinician's words."""


@dataclass(frozen=True)
class Questionnaire:
    """How one instrument's answers are entered: its items and their answer range."""

    code: str
    items: tuple[str, ...]
    lowest: int
    highest: int
    anchors: str  # what the ends of the answer range mean, shown beside the items
    rule: str  # how the score is computed, shown under the form


ODI_SECTIONS = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Travelling",
)
NDI_SECTIONS = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Reading",
    "Headaches",
    "Concentration",
    "Work",
    "Driving",
    "Sleeping",
    "Recreation",
)


def _numbered(count: int) -> tuple[str, ...]:
    return tuple(f"Item {n}" for n in range(1, count + 1))


QUESTIONNAIRES: dict[str, Questionnaire] = {
    q.code: q
    for q in [
        Questionnaire(
            InstrumentCode.ODI,
            tuple(f"Section {n} — {name.lower()}" for n, name in enumerate(ODI_SECTIONS, 1)),
            0,
            5,
            "0 = least disability, 5 = most",
            "Sum of the answered sections ÷ (5 × sections answered) × 100. "
            "An unanswered section is left out of the denominator.",
        ),
        Questionnaire(
            InstrumentCode.NDI,
            tuple(f"Section {n} — {name.lower()}" for n, name in enumerate(NDI_SECTIONS, 1)),
            0,
            5,
            "0 = least disability, 5 = most",
            "Sum of the answered sections ÷ (5 × sections answered) × 100, as a percentage "
            "(the raw 0–50 score × 2). An unanswered section is left out of the denominator.",
        ),
        Questionnaire(
            InstrumentCode.QUICKDASH,
            _numbered(11),
            1,
            5,
            "1 = no difficulty, 5 = unable",
            "(Sum ÷ items answered − 1) × 25. At least 10 of the 11 items must be answered.",
        ),
        Questionnaire(
            InstrumentCode.LEFS,
            _numbered(20),
            0,
            4,
            "0 = extreme difficulty or unable, 4 = no difficulty",
            "Sum of the 20 items (0–80). Every item must be answered.",
        ),
    ]
}


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _check_range(answers: list[int | None], questionnaire: Questionnaire) -> list[int]:
    if len(answers) != len(questionnaire.items):
        raise ScoringError(
            f"{questionnaire.code} has {len(questionnaire.items)} items; got {len(answers)}."
        )
    for label, answer in zip(questionnaire.items, answers, strict=True):
        if answer is not None and not questionnaire.lowest <= answer <= questionnaire.highest:
            raise ScoringError(
                f"{label}: {answer} is outside {questionnaire.lowest}–{questionnaire.highest}."
            )
    return [a for a in answers if a is not None]


def _percent_of_answered_sections(answers: list[int | None], code: str) -> Decimal:
    answered = _check_range(answers, QUESTIONNAIRES[code])
    if not answered:
        raise ScoringError(f"Answer at least one section of the {code} to score it.")
    return _rounded(Decimal(sum(answered)) * 100 / (5 * len(answered)))


def score_odi(answers: list[int | None]) -> Decimal:
    return _percent_of_answered_sections(answers, InstrumentCode.ODI)


def score_ndi(answers: list[int | None]) -> Decimal:
    return _percent_of_answered_sections(answers, InstrumentCode.NDI)


def score_quickdash(answers: list[int | None]) -> Decimal:
    answered = _check_range(answers, QUESTIONNAIRES[InstrumentCode.QUICKDASH])
    if len(answered) < 10:
        missing = 11 - len(answered)
        raise ScoringError(
            f"A QuickDASH needs at least 10 of its 11 items answered; {missing} are missing, "
            "so it has no score."
        )
    return _rounded((Decimal(sum(answered)) / len(answered) - 1) * 25)


def score_lefs(answers: list[int | None]) -> Decimal:
    answered = _check_range(answers, QUESTIONNAIRES[InstrumentCode.LEFS])
    if len(answered) < 20:
        raise ScoringError(
            f"A LEFS is scored only with all 20 items answered; {20 - len(answered)} are missing."
        )
    return Decimal(sum(answered)).quantize(TWO_PLACES)


def score_psfs(ratings: list[int | None]) -> Decimal:
    """The mean of the rated activities (0 = unable, 10 = as before the problem)."""
    rated = [r for r in ratings if r is not None]
    if not rated:
        raise ScoringError("Rate at least one activity (0–10) to score the PSFS.")
    if len(rated) > PSFS_MAX_ACTIVITIES:
        raise ScoringError(f"The PSFS takes at most {PSFS_MAX_ACTIVITIES} activities.")
    if any(not 0 <= r <= 10 for r in rated):
        raise ScoringError("Each PSFS activity is rated from 0 to 10.")
    return _rounded(Decimal(sum(rated)) / len(rated))


def score_nprs(rating: int | None) -> Decimal:
    if rating is None or not 0 <= rating <= 10:
        raise ScoringError("The pain rating is a whole number from 0 to 10.")
    return Decimal(rating).quantize(TWO_PLACES)


ITEM_SCORERS = {
    InstrumentCode.ODI: score_odi,
    InstrumentCode.NDI: score_ndi,
    InstrumentCode.QUICKDASH: score_quickdash,
    InstrumentCode.LEFS: score_lefs,
}
