import os
import stat

import pytest

from civic import create_app
from civic.config import normalise_database_url


@pytest.fixture
def clean_env(monkeypatch):
    for key in list(os.environ):
        if key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") or key.startswith("CIVIC_"):
            monkeypatch.delenv(key)
    return monkeypatch


def test_first_run_writes_a_random_secret_key_to_the_instance_folder(tmp_path, clean_env):
    first = create_app(instance_path=str(tmp_path))
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert create_app(instance_path=str(tmp_path)).config["SECRET_KEY"] == first.config["SECRET_KEY"]
    other = tmp_path / "other"
    assert create_app(instance_path=str(other)).config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path, clean_env):
    clean_env.setenv("CIVIC_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(instance_path=str(tmp_path))
    assert not (tmp_path / "secret_key").exists()
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("CIVIC_BASE_URL", "https://civic.example.jp")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_its_public_address(tmp_path, clean_env):
    clean_env.setenv("CIVIC_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(RuntimeError, match="CIVIC_BASE_URL is not set"):
        create_app(instance_path=str(tmp_path))
    for wrong in ("civic.example.jp", "http://civic.example.jp", "https://civic.example.jp/civic",
                  "https://civic.example.jp/?a=1", "https://user@civic.example.jp"):
        clean_env.setenv("CIVIC_BASE_URL", wrong)
        with pytest.raises(RuntimeError, match="CIVIC_BASE_URL must"):
            create_app(instance_path=str(tmp_path))
    clean_env.setenv("CIVIC_BASE_URL", "https://Civic.Example.jp/")
    clean_env.setenv("CIVIC_TRUSTED_HOSTS", "10.0.0.5, www.civic.example.jp")
    config = create_app(instance_path=str(tmp_path)).config
    assert config["CIVIC_BASE_URL"] == "https://civic.example.jp"
    assert (config["SERVER_NAME"], config["PREFERRED_URL_SCHEME"]) == ("civic.example.jp", "https")
    assert config["TRUSTED_HOSTS"] == ["civic.example.jp", "10.0.0.5", "www.civic.example.jp"]


def test_development_without_a_base_url_trusts_loopback_names_only(tmp_path, clean_env):
    config = create_app(instance_path=str(tmp_path)).config
    assert config["SERVER_NAME"] is None
    assert config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    clean_env.setenv("CIVIC_BASE_URL", "http://192.168.1.20:5000")  # phones on the office LAN
    config = create_app(instance_path=str(tmp_path)).config
    assert (config["SERVER_NAME"], config["TRUSTED_HOSTS"]) == ("192.168.1.20:5000",
                                                               ["192.168.1.20"])


def test_instance_config_and_environment_override_defaults(tmp_path, clean_env):
    (tmp_path / "config.py").write_text(
        'CIVIC_SITE_NAME = "さくら区 参加"\nCIVIC_TIMEZONE = "UTC"\n', encoding="utf-8")
    clean_env.setenv("CIVIC_TIMEZONE", "Asia/Tokyo")
    clean_env.setenv("CIVIC_PASSWORD_RESET_MAX_AGE", "600")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["CIVIC_SITE_NAME"] == "さくら区 参加"
    assert app.config["CIVIC_TIMEZONE"] == "Asia/Tokyo"  # environment beats instance/config.py
    assert app.config["CIVIC_PASSWORD_RESET_MAX_AGE"] == 600


def test_sqlite_in_the_instance_folder_is_the_default(tmp_path, clean_env):
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/civic.db"
    clean_env.setenv("DATABASE_URL", "postgres://civic@127.0.0.1/civic")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://civic@127.0.0.1/civic"


@pytest.mark.parametrize("url, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_the_psycopg_driver(url, expected):
    assert normalise_database_url(url) == expected
