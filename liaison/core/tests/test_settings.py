import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from liaison.settings import database_from_url

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_url_names_an_absolute_file_in_wal_mode():
    db = database_from_url("sqlite:////srv/liaison/db.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/liaison/db.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url_gives_each_part():
    db = database_from_url("postgres://clinic:s%40fe@db.internal:6543/liaison")
    assert (db["ENGINE"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "clinic",
        "s@fe",
        "db.internal",
        "6543",
        "liaison",
    )


def test_an_unknown_database_scheme_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/liaison")


def _settings_in(var_dir: Path, **env) -> str:
    code = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['NAME'])"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environ |= {"DJANGO_SETTINGS_MODULE": "liaison.settings", "LIAISON_VAR_DIR": str(var_dir)}
    environ |= env
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_secret_key_is_generated_once_into_var_with_mode_600(tmp_path):
    _settings_in(tmp_path)
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(first) > 40
    _settings_in(tmp_path)
    assert key_file.read_text() == first


def test_defaults_are_sqlite_in_var_and_debug_off(tmp_path):
    assert _settings_in(tmp_path) == f"False {tmp_path / 'liaison.sqlite3'}"
    assert _settings_in(tmp_path, LIAISON_DEBUG="1").startswith("True")


def test_a_secret_key_from_the_environment_writes_no_file(tmp_path):
    _settings_in(tmp_path, SECRET_KEY="from-the-environment-" * 3)
    assert not (tmp_path / "secret_key").exists()
