"""Checks across rows and files, in SQL over the staging tables, so memory stays flat.

Each check appends its error lines to the errors table. A reference resolves when the id
is in its file or, by external_id, in the database; attributes of a referenced row (a
referral's patient, a partner's kind) come from the file when the row is there, else from
the database, which is what the database will hold once the import is written.
"""

from liaison.interop.practice_files import schema
from liaison.interop.practice_files.schema import BY_NAME, RANK, FileSpec
from liaison.interop.practice_files.sql import ERRORS_TABLE, as_text, differs, q

INSERT_ERRORS = f"INSERT INTO {ERRORS_TABLE} (file_rank, line, col, message) "


def cross_check(cursor, unreadable: set[str]) -> None:
    """Run every cross-row check.

    References into a file whose header could not be read are not checked: its rows were
    not staged, and a missing column is the one error worth showing for them.
    """
    for spec in schema.FILES:
        _duplicate_ids(cursor, spec)
        for column in spec.columns:
            if column.type == schema.REF and column.ref not in unreadable:
                _dangling_references(cursor, spec, column.name)
    _works_at_is_an_organization(cursor)
    _npi_unique(cursor)
    for check in BELONGS_TO:
        _belongs_to(cursor, *check)
    if not unreadable & {"patients.csv", "episodes.csv"}:
        _episodes_not_before_birth(cursor)
        if "visits.csv" not in unreadable:
            _visits_not_before_birth(cursor)


def _duplicate_ids(cursor, spec: FileSpec) -> None:
    key, stage = q(spec.id_column.name), spec.stage_table
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, %s,
                     s.{key} || ' is repeated (first on line ' || {as_text("d.first_line")} || ')'
              FROM {stage} s
              JOIN (SELECT {key} AS id, min(line) AS first_line FROM {stage}
                    WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1) d
                ON d.id = s.{key}
              WHERE s.line > d.first_line""",
        [RANK[spec.name], spec.id_column.name],
    )


def _dangling_references(cursor, spec: FileSpec, column: str) -> None:
    target = BY_NAME[spec.by_name[column].ref]
    ref = q(column)
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, %s, s.{ref} || %s
              FROM {spec.stage_table} s
              WHERE s.{ref} IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {target.stage_table} t
                                WHERE t.{q(target.id_column.name)} = s.{ref})
                AND NOT EXISTS (SELECT 1 FROM {target.table} r WHERE r.external_id = s.{ref})""",
        [RANK[spec.name], column, f" is in neither {target.name} nor the database"],
    )


def _works_at_is_an_organization(cursor) -> None:
    stage, table = schema.PARTNERS.stage_table, schema.PARTNERS.table
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, 'works_at', s.works_at || ' is a person, not an organization'
              FROM {stage} s
              LEFT JOIN {stage} t ON t.partner_id = s.works_at
              LEFT JOIN {table} r ON t.line IS NULL AND r.external_id = s.works_at
              WHERE s.works_at IS NOT NULL AND COALESCE(t.kind, r.kind) = 'person'""",
        [RANK["partners.csv"]],
    )


def _npi_unique(cursor) -> None:
    """An NPI names one partner: not two rows of the file, nor a row and another partner."""
    stage, table = schema.PARTNERS.stage_table, schema.PARTNERS.table
    rank = RANK["partners.csv"]
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, 'npi', s.npi || ' is also the NPI of ' || f.partner_id
                     || ' (line ' || {as_text("f.line")} || ')'
              FROM {stage} s
              JOIN (SELECT npi, min(line) AS first_line FROM {stage}
                    WHERE npi IS NOT NULL GROUP BY npi HAVING count(*) > 1) d ON d.npi = s.npi
              JOIN {stage} f ON f.line = d.first_line
              WHERE s.line > d.first_line""",
        [rank],
    )
    # A partner of the database that the file also lists will take the file's NPI instead.
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, 'npi', s.npi || ' is the NPI of another partner in the database'
                     || COALESCE(' (' || r.external_id || ')', '')
              FROM {stage} s
              JOIN {table} r ON r.npi = s.npi
              WHERE {differs("r.external_id", "s.partner_id")}
                AND NOT EXISTS (SELECT 1 FROM {stage} t WHERE t.partner_id = r.external_id)""",
        [rank],
    )


# (file, its reference, the file referred to, that file's column, this file's column it must
# equal, the foreign key behind that column in the database): a record and what it refers to
# must agree on whose it is.
BELONGS_TO = [
    ("episodes.csv", "referral_id", "patient_id", "patient_id", "patient"),
    ("payments.csv", "episode_id", "patient_id", "patient_id", "patient"),
    ("reports.csv", "episode_id", "referral_id", "referral_id", "referral"),
]


def _belongs_to(cursor, file: str, ref: str, attribute: str, own: str, fk: str) -> None:
    spec = BY_NAME[file]
    target = BY_NAME[spec.by_name[ref].ref]
    owner = BY_NAME[target.by_name[attribute].ref]
    fk_column = target.model._meta.get_field(fk).column
    other = f"COALESCE(t.{q(attribute)}, o.external_id)"
    owner_word = owner.stem.removesuffix("s")
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, %s,
                     s.{q(ref)} || ' belongs to {owner_word} '
                     || COALESCE({other}, '(one without a practice id)')
                     || ', not ' || s.{q(own)}
              FROM {spec.stage_table} s
              LEFT JOIN {target.stage_table} t ON t.{q(target.id_column.name)} = s.{q(ref)}
              LEFT JOIN {target.table} r ON t.line IS NULL AND r.external_id = s.{q(ref)}
              LEFT JOIN {owner.table} o ON o.id = r.{fk_column}
              WHERE s.{q(ref)} IS NOT NULL AND s.{q(own)} IS NOT NULL
                AND ((t.line IS NOT NULL AND t.{q(attribute)} <> s.{q(own)})
                     OR (r.id IS NOT NULL AND r.{fk_column} IS NOT NULL
                         AND {differs("o.external_id", f"s.{q(own)}")}))""",
        [RANK[file], ref],
    )


def _born(patient_id: str) -> tuple[str, str]:
    """The joins (aliases p, d) and the expression giving the birth date of the patient
    whose practice id is `patient_id`: the file's value when the file lists the patient,
    else the database's."""
    joins = f"""LEFT JOIN {schema.PATIENTS.stage_table} p ON p.patient_id = {patient_id}
              LEFT JOIN {schema.PATIENTS.table} d
                ON p.line IS NULL AND d.external_id = {patient_id}"""
    return joins, "CASE WHEN p.line IS NOT NULL THEN p.birth_date ELSE d.birth_date END"


def _before_birth(date: str, born: str, patient: str) -> str:
    birth = as_text(born)
    return f"{as_text(date)} || ' is before the birth date ' || {birth} || ' of ' || {patient}"


def _episodes_not_before_birth(cursor) -> None:
    """Care cannot start before the patient is born: the rule the forms apply too."""
    joins, born = _born("s.patient_id")
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, 'started_on', {_before_birth("s.started_on", born, "s.patient_id")}
              FROM {schema.EPISODES.stage_table} s {joins}
              WHERE {born} > s.started_on""",
        [RANK["episodes.csv"]],
    )


def _visits_not_before_birth(cursor) -> None:
    """Nor can a visit: its episode's patient comes from the file or, for an episode the
    file does not list, from the database."""
    joins, file_born = _born("e.patient_id")
    born = f"CASE WHEN e.line IS NOT NULL THEN {file_born} ELSE rp.birth_date END"
    patient = "COALESCE(e.patient_id, rp.external_id, 'the patient')"
    cursor.execute(
        INSERT_ERRORS
        + f"""SELECT %s, s.line, 'visit_on', {_before_birth("s.visit_on", born, patient)}
              FROM {schema.VISITS.stage_table} s
              LEFT JOIN {schema.EPISODES.stage_table} e ON e.episode_id = s.episode_id
              LEFT JOIN {schema.EPISODES.table} re
                ON e.line IS NULL AND re.external_id = s.episode_id
              LEFT JOIN {schema.PATIENTS.table} rp ON rp.id = re.patient_id
              {joins}
              WHERE {born} > s.visit_on""",
        [RANK["visits.csv"]],
    )
