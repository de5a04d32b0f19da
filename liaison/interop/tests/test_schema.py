"""The natural order of practice ids, in which new rows of a file are recorded."""

import random
import re

from liaison.interop.practice_files.schema import natural_key


def naturally(ids: list[str]) -> list[str]:
    return sorted(ids, key=natural_key)


def test_runs_of_digits_compare_as_numbers():
    assert naturally(["O10", "O9", "O100", "O1"]) == ["O1", "O9", "O10", "O100"]


def test_every_run_of_digits_counts_not_only_the_last():
    assert naturally(["A10B2", "A2B10", "A2B9", "A10B10"]) == ["A2B9", "A2B10", "A10B2", "A10B10"]


def test_leading_zeros_do_not_change_a_number():
    assert naturally(["V010", "V9", "V0011", "V00000008"]) == ["V00000008", "V9", "V010", "V0011"]
    assert naturally(["0", "007", "10", "9"]) == ["0", "007", "9", "10"]


def test_ids_equal_but_for_leading_zeros_still_have_one_order():
    assert natural_key("O007") != natural_key("O7")
    assert naturally(["O7", "O007", "O07"]) == naturally(["O07", "O7", "O007"])


def test_ids_without_digits_compare_as_text():
    assert naturally(["b", "ab", "a", "B", "aa"]) == ["B", "a", "aa", "ab", "b"]


def test_a_shorter_id_sorts_before_its_continuations():
    assert naturally(["PT1-2", "PT1", "PT1-10", "PT"]) == ["PT", "PT1", "PT1-2", "PT1-10"]


def padded(practice_id: str) -> tuple[str, str]:
    """The textbook natural key: every run of digits padded to one width, then the id."""
    return re.sub("[0-9]+", lambda run: run.group().zfill(80), practice_id), practice_id


def test_the_order_is_that_of_ids_with_every_number_padded_to_one_width():
    rng = random.Random(7)
    ids = {"".join(rng.choices("aB-/ é0019", k=rng.randint(1, 10))) for _ in range(3000)}
    ids |= {f"V{n:0{rng.randint(1, 9)}d}" for n in range(0, 3000, 7)}  # the usual shape
    assert naturally(list(ids)) == sorted(ids, key=padded)
