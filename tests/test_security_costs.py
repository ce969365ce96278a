"""Password hashing cost: RFC 9106's "low memory" Argon2id profile unless configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess import create_app
from assess.security import hash_password, timing_equaliser_hash, verify_password
from tests.conftest import close_database, make_config

PRODUCTION = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_outside_an_application_passwords_are_hashed_at_the_production_cost() -> None:
    assert hash_password("correct horse battery").startswith(PRODUCTION)


def test_an_application_with_default_settings_hashes_at_the_production_cost(
        tmp_path: Path) -> None:
    config = make_config(tmp_path / "instance", tmp_path / "db.sqlite3")
    for key in ("ARGON2_TIME_COST", "ARGON2_MEMORY_KIB", "ARGON2_PARALLELISM"):
        del config[key]
    app = create_app(config)
    with app.app_context():
        stored = hash_password("correct horse battery")
        assert stored.startswith(PRODUCTION)
        assert timing_equaliser_hash().startswith(PRODUCTION)
        assert verify_password(stored, "correct horse battery")
    close_database(app)


@pytest.mark.parametrize(("settings", "prefix"), [
    ({"ARGON2_TIME_COST": 4, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 2},
     "$argon2id$v=19$m=1024,t=4,p=2$"),
    ({"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1},
     "$argon2id$v=19$m=8,t=1,p=1$"),
])
def test_the_cost_follows_the_configuration_and_old_hashes_still_verify(
        tmp_path: Path, settings: dict[str, int], prefix: str) -> None:
    production = hash_password("correct horse battery")
    app = create_app(make_config(tmp_path / "instance", tmp_path / "db.sqlite3", **settings))
    with app.app_context():
        stored = hash_password("correct horse battery")
        assert stored.startswith(prefix)
        assert timing_equaliser_hash().startswith(prefix)
        # the cost is read from each hash: one made under other settings still verifies
        assert verify_password(production, "correct horse battery")
        assert not verify_password(production, "wrong horse battery")
    close_database(app)


def test_cost_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith(("ASSESS_", "FLASK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("ASSESS_ARGON2_TIME_COST", "2")
    app = create_app()
    assert app.config["ARGON2_TIME_COST"] == 2
    assert app.config["ARGON2_MEMORY_KIB"] == 65536
    close_database(app)
