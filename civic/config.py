"""Configuration: defaults here; ``instance/config.py`` and environment variables override.

Order of precedence (last wins): :class:`Config` → ``instance/config.py`` → environment
(``DATABASE_URL``, ``SECRET_KEY``, ``REDIS_URL`` and any ``CIVIC_*`` variable).
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret  # nosec B105


class Config:
    CIVIC_ENV = "development"
    # The public address, e.g. "https://civic.city.example.jp": every absolute link (mail, the
    # residency-code letters, QR codes, the digest) is built on it, never on the request's Host.
    # Required in production. Requests for any other host are refused (400); CIVIC_TRUSTED_HOSTS
    # adds names (a load balancer's health check by address). Without it (development) only
    # loopback names are accepted.
    CIVIC_BASE_URL = None
    CIVIC_TRUSTED_HOSTS: list = []
    # Trust X-Forwarded-For and X-Forwarded-Proto from the one proxy in front (docs/deploy.md).
    CIVIC_PROXY_FIX = False
    CIVIC_TIMEZONE = "Asia/Tokyo"
    CIVIC_SITE_NAME = "civic"

    # UI languages offered in the switcher, code → name in that language. A code is a catalog
    # under translations/; CIVIC_LANGUAGE_LOCALES maps codes that are no Babel locale to the one
    # that formats their dates and numbers and goes into lang="" (やさしい日本語 is Japanese).
    CIVIC_LANGUAGES = {
        "ja": "日本語",
        "ja_easy": "やさしい日本語",
        "en": "English",
        "zh_Hans": "简体中文",
        "ko": "한국어",
        "vi": "Tiếng Việt",
    }
    CIVIC_LANGUAGE_LOCALES = {"ja_easy": "ja"}
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"

    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: SQLite under instance/
    # Closed server connections are caught at checkout without a query (see
    # extensions._server_still_there); ones a firewall dropped silently are renewed hourly.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 3600}

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Routes marked @body_limit("…") accept more (civic.uploads): a 100,000-answer survey export.
    CIVIC_THEMES_MAX_UPLOAD = 64 * 1024 * 1024
    # Longest path and query answered (else a translated 414): under gunicorn's largest
    # --limit-request-line (8190), which README's production command sets.
    CIVIC_MAX_URL_LENGTH = 8000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms on phones survive

    # gzip for pages and static files (Flask-Compress). Session cookies are SameSite=Lax, so a
    # cross-site page cannot make the credentialed requests a BREACH-style attack needs.
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["gzip"]

    # Page fragments (civic.caching) live in each worker's memory: they are exact, so workers
    # need not share them, and a memory lookup beats a network round trip for 60 kB of HTML.
    CACHE_TYPE = "SimpleCache"
    CACHE_THRESHOLD = 500  # fragments per worker: at most ~30 MB even if all were comment pages
    CACHE_DEFAULT_TIMEOUT = 3600
    # Per-person values (the bell's count, which proposals someone supports) are small but many:
    # they get a cache of their own, so they never push the shared page fragments out.
    CIVIC_PERSONAL_CACHE_THRESHOLD = 5000

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False  # Retry-After goes on refusals only (errors._http_error)

    # Outgoing mail; with no host, messages are printed to the console (development).
    CIVIC_SMTP_HOST = None
    CIVIC_SMTP_PORT = 587
    CIVIC_SMTP_USER = None
    CIVIC_SMTP_PASSWORD = None
    CIVIC_SMTP_STARTTLS = True
    CIVIC_MAIL_FROM = "civic@localhost"

    CIVIC_PASSWORD_RESET_MAX_AGE = 3600
    CIVIC_EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600
    # Administrators must turn on two-step sign-in before they can do anything (production).
    CIVIC_MFA_REQUIRED_FOR_ADMINS = False
    # Minutes between the right password and the authenticator code before signing in again.
    CIVIC_MFA_PENDING_MINUTES = 5
    # Names of the ward's offices and sections: only staff may use them in a display name, so
    # nobody can post as 「区役所」. Add the ward's own sections (区民協働課, 子ども家庭課 …).
    CIVIC_OFFICE_NAMES = ["区役所", "市役所", "役場", "ward office", "city hall", "city office"]
    CIVIC_RESIDENCY_CODE_DAYS = 180

    # Comments may be edited this many minutes after posting; reported content hides itself
    # after this many reports until a moderator decides; proposal images up to this size.
    CIVIC_COMMENT_EDIT_MINUTES = 15
    CIVIC_MODERATION_HIDE_AFTER = 3
    CIVIC_PROPOSAL_IMAGE_MAX_BYTES = 2 * 1024 * 1024
    # A proposal's public history names who took each step. A ward that answers as an office
    # rather than as its staff members sets the office here (e.g. "区民協働課"): steps taken by
    # staff then show it instead of the person's display name.
    CIVIC_HISTORY_OFFICE = None

    # 地域資源マップ: the map's background tiles and their attribution (地理院タイル by default, as
    # Japanese municipalities use; the attribution is required by its terms). The page's CSP lets
    # images come from the tile URL's host, on the map page only. Where the map opens, and the
    # box a place's point must lie in (south, west, north, east): the ward sets its own.
    CIVIC_MAP_TILE_URL = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    CIVIC_MAP_ATTRIBUTION = "出典：国土地理院"
    CIVIC_MAP_MAX_ZOOM = 18
    CIVIC_MAP_CENTER = (35.650, 139.650)
    CIVIC_MAP_ZOOM = 14
    CIVIC_MAP_BOUNDS = (35.45, 138.90, 35.95, 139.95)


class ProductionConfig(Config):
    CIVIC_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    CIVIC_MFA_REQUIRED_FOR_ADMINS = True


def _parse_env_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load(app, overrides: dict | None = None) -> None:
    """Fill ``app.config`` in precedence order and make sure a secret key exists."""
    production = os.environ.get("CIVIC_ENV") == "production"
    app.config.from_object(ProductionConfig if production else Config)
    app.config.from_pyfile(str(Path(app.instance_path) / "config.py"), silent=True)
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    for name, raw in os.environ.items():
        if name.startswith("CIVIC_"):
            app.config[name] = _parse_env_value(raw)
    if overrides:
        app.config.update(overrides)

    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "sqlite:///" + str(Path(app.instance_path) / "civic.db")
        )
    if app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite's default pool hands one connection per thread; wait for locks instead of failing.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    # JSON columns keep Japanese as it is, not as \uXXXX escapes: SQLite before 3.42 matches
    # json_extract keys ('$."地区"') against the stored text without unescaping it.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "json_serializer": unescaped_json}

    if not app.config.get("SECRET_KEY"):
        if app.config["CIVIC_ENV"] == "production":
            raise RuntimeError(
                "SECRET_KEY is not set. Production refuses to start without one: set the SECRET_KEY "
                "environment variable or put SECRET_KEY in instance/config.py."
            )
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    _public_address(app.config)


LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]


def _public_address(config) -> None:
    """Build links on ``CIVIC_BASE_URL`` and accept requests for its host only.

    Flask builds external URLs from ``SERVER_NAME`` and ``PREFERRED_URL_SCHEME`` when they are
    set, and ``TRUSTED_HOSTS`` makes any other Host header a 400 before routing.
    """
    base_url = config.get("CIVIC_BASE_URL")
    extra = config.get("CIVIC_TRUSTED_HOSTS") or []
    if isinstance(extra, str):
        extra = [name.strip() for name in extra.split(",") if name.strip()]
    if not base_url:
        if config["CIVIC_ENV"] == "production":
            raise RuntimeError(
                "CIVIC_BASE_URL is not set. Production refuses to start without the public "
                "address the links in mails, letters and QR codes point to: set CIVIC_BASE_URL, "
                "e.g. https://civic.city.example.jp, in the environment or instance/config.py."
            )
        config["TRUSTED_HOSTS"] = LOOPBACK_HOSTS + list(extra)
        return
    parts = urlsplit(base_url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/")
            or parts.query or parts.fragment or parts.username or parts.password):
        raise RuntimeError(
            f"CIVIC_BASE_URL must be a scheme and a host, e.g. https://civic.city.example.jp "
            f"(without a path), not {base_url!r}."
        )
    if config["CIVIC_ENV"] == "production" and parts.scheme != "https":
        raise RuntimeError("CIVIC_BASE_URL must start with https:// in production "
                           "(session cookies are only sent over HTTPS).")
    config["CIVIC_BASE_URL"] = f"{parts.scheme}://{parts.netloc.lower()}"
    config["SERVER_NAME"] = parts.netloc.lower()
    config["PREFERRED_URL_SCHEME"] = parts.scheme
    config["APPLICATION_ROOT"] = "/"
    config["TRUSTED_HOSTS"] = [parts.hostname, *extra]


def unescaped_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` URLs and use the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance: Path) -> str:
    """Read the key written on first run, or write a new random one (mode 0600)."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker starting at the same moment won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
