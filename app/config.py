"""Configuration read from environment variables, with safe defaults."""
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("OFFICEHUB_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY, else a key generated once and kept under instance/ so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL so that two gunicorn workers starting together agree on one key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return key_file.read_text().strip()


def normalize_database_url(url: str) -> str:
    """Name the psycopg 3 driver: hosting panels still hand out postgres:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalize_database_url(url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'officehub.sqlite3'}"


class Config:
    """Settings for a real deployment; every value can be set from the environment."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.OFFICEHUB_DEFAULT_LOCALE = os.environ.get("OFFICEHUB_DEFAULT_LOCALE", "zh_CN")
        self.OFFICEHUB_TIMEZONE = os.environ.get("OFFICEHUB_TIMEZONE", "Asia/Shanghai")
        self.BABEL_DEFAULT_LOCALE = self.OFFICEHUB_DEFAULT_LOCALE
        self.BABEL_DEFAULT_TIMEZONE = self.OFFICEHUB_TIMEZONE
        self.SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.LOGIN_RATE_LIMIT = int(os.environ.get("OFFICEHUB_LOGIN_RATE_LIMIT", "5"))
        self.LOGIN_RATE_WINDOW = int(os.environ.get("OFFICEHUB_LOGIN_RATE_WINDOW", "60"))
        self.MAX_CONTENT_LENGTH = int(os.environ.get("OFFICEHUB_MAX_UPLOAD_MB", "30")) * 1024 * 1024
        self.UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
        self.PASSWORD_HASH_METHOD = "scrypt"
        self.OFFICEHUB_QUERY_COUNT_HEADER = _flag("OFFICEHUB_QUERY_COUNT_HEADER")
        self.OFFICEHUB_PROXY_COUNT = int(os.environ.get("OFFICEHUB_PROXY_COUNT", "0"))
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open all afternoon must still submit
        self.COMPRESS_MIMETYPES = [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml", "text/csv", "text/markdown",
        ]
        self.COMPRESS_ALGORITHM = "gzip"
        self.COMPRESS_MIN_SIZE = 500


class TestConfig(Config):
    """A throwaway database and no CSRF unless a test turns it on."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(
            database_url or os.environ.get("TEST_DATABASE_URL") or "sqlite://")
        self.WTF_CSRF_ENABLED = False
        # Thousands of sign-ins in the suite; scrypt's cost is proven in production, not here.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
