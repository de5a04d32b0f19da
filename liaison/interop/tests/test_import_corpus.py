"""Every broken input of the corpus yields its exact error lines and writes nothing.

Each folder of corpus/ holds a few CSV files and expected.txt, the lines the import must
print. The records they refer to (L0, P0, PT0, R0, E0, ORG0) are the `existing` fixture's.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.interop.tests.conftest import database_checksum

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


def test_the_corpus_has_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_broken_input_is_refused_with_its_error_lines_and_nothing_written(case, existing):
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    before = database_checksum()
    stderr = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_practice", str(CORPUS / case), stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue().splitlines() == expected
    noun = "error" if len(expected) == 1 else "errors"
    assert str(refused.value) == f"{len(expected)} {noun}; nothing was written."
    assert database_checksum() == before
