"""Every setting Office Hub has, with its default, one block per feature.

A deployment sets any of them as OFFICEHUB_<NAME> (Flask's prefixed-env loader, which parses JSON:
OFFICEHUB_CALENDAR_CLOSED_DAYS='["2026-12-31"]', OFFICEHUB_LOGIN_RATE_LIMIT=10). SECRET_KEY, DATABASE_URL
and REDIS_URL are also read under their usual unprefixed names. Code reads `current_app.config[NAME]`
and never keeps a second default of its own.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("OFFICEHUB_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))
ENV_PREFIX = "OFFICEHUB"


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
    """Settings for a real deployment; the README's configuration table lists each one."""

    def __init__(self) -> None:
        # ---- core
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.DEFAULT_LOCALE = "zh_CN"          # the language of a reader whose browser asks for neither
        self.TIMEZONE = "Asia/Shanghai"        # the office's wall clock; times are stored in UTC
        self.BASE_URL = ""                     # the public address for links that leave the app (QR labels)
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
        self.LOGIN_RATE_LIMIT = 5              # sign-in attempts per name from one address ...
        self.LOGIN_RATE_WINDOW = 60            # ... within this many seconds
        self.LOGIN_RATE_LIMIT_PER_ADDRESS = 20  # attempts from one address over all names, same window
        self.LOGIN_RATE_LIMIT_PER_NAME = 30    # attempts on one name from anywhere per hour (not on known devices)
        self.MAX_UPLOAD_MB = 30                # one request's upload, all photos together
        self.UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
        self.QUERY_COUNT_HEADER = False        # X-Query-Count on every answer, for `make bench`
        self.PROXY_COUNT = 0                   # reverse proxies in front, whose X-Forwarded-For to trust
        # ---- scheduled work (app/scheduler.py)
        self.SCHEDULER_INTERVAL_SECONDS = 60   # how often `flask scheduler` runs the periodic jobs
        self.SCHEDULER_LEASE_SECONDS = 600     # a run that dies frees its jobs for the next run after this
        # ---- messages outside the app (app/notifications): a channel is on when its settings are set
        self.MAIL_URL = ""                     # smtp://user:pass@mail.example.com:587?starttls=1 (smtps:// for TLS)
        self.MAIL_FROM = ""                    # the sender address, e.g. "Office Hub <hub@example.com>"
        self.WECOM_CORP_ID = ""                # WeCom (企业微信) application messages
        self.WECOM_AGENT_ID = ""
        self.WECOM_SECRET = ""
        self.WECOM_API_BASE = "https://qyapi.weixin.qq.com"
        self.DINGTALK_APP_KEY = ""             # DingTalk (钉钉) work notifications
        self.DINGTALK_APP_SECRET = ""
        self.DINGTALK_AGENT_ID = ""
        self.DINGTALK_API_BASE = "https://oapi.dingtalk.com"
        self.NOTIFY_TIMEOUT_SECONDS = 10       # one call to a mail server or messaging API
        self.NOTIFY_RETRY_SECONDS = 30         # wait before the first retry; doubles after each failure ...
        self.NOTIFY_RETRY_MAX_SECONDS = 3600   # ... up to this
        self.NOTIFY_GIVE_UP_HOURS = 72         # a delivery refused for this long is marked failed
        self.NOTIFY_SEND_AT_ONCE = True        # deliver right after the request, in a background thread
        self.NOTIFY_HEALTH_MINUTES = 15        # /healthz reports a channel that failed for this long
        self.MEETINGS_REMINDER_MINUTES = 60    # liaisons are reminded this long before a meeting starts
        # ---- working calendar (app/calendar): the State Council's schedule from chinesecalendar, plus these
        self.CALENDAR_CLOSED_DAYS = []         # ISO dates the company is closed (also settable in the app)
        self.CALENDAR_WORKING_DAYS = []        # ISO dates that are extra working days
        self.CALENDAR_WORKING_HOURS = ["08:30", "17:30"]  # the working day, in the office time zone
        self.CALENDAR_LUNCH_BREAK = ["12:00", "13:00"]    # not working time (empty list: no break)
        # ---- suggestions
        self.SUGGESTIONS_ANSWER_WORKING_DAYS = 5
        # ---- repairs
        # {urgency: [response, fix, working_time]}: spans such as "30m", "4h", "1d"; on a working-time
        # clock a day is a working day and an hour a working hour
        self.REPAIRS_SLA = {"emergency": ["30m", "4h", False], "urgent": ["2h", "24h", False],
                            "normal": ["1d", "3d", True]}
        self.REPAIRS_DAY_SHIFT = ["08:00", "20:00"]      # outside it, new repairs go to the on-duty person
        self.REPAIRS_ESCALATE_OFFICE_AFTER = "30m"       # still not taken this long after maintenance was alerted
        self.REPAIRS_AUTO_CONFIRM_DAYS = 3
        self.REPAIRS_LEAD_LOGINS = []                    # maintenance leads who may dispatch
        # ---- cross-department requests
        self.REQUESTS_AUTO_CONFIRM_DAYS = 3              # working days a done request waits for its requester
        # ---- visits
        self.VISITS_PURGE_DAYS = 180
        self.VISITS_CHECKOUT_GRACE_MINUTES = 30
        # ---- satisfaction and the monthly report
        self.SATISFACTION_GUEST_LINK_DAYS = 14   # a visitor's rating link works this long
        self.SURVEY_MIN_ANSWERS = 5              # a department's survey result shows from this many answers
        # ---- rooms and bookings
        self.ROOMS_TECH_DEPARTMENT = "TECH"     # code of the department whose staff check equipment
        self.ROOMS_CHECK_MINUTES = 60           # the equipment check is due this long before the start
        self.ROOMS_REMINDER_MINUTES = 30        # attendees are reminded this long before a booking starts
        # ---- fixed, not meant to be tuned
        self.PASSWORD_HASH_METHOD = "scrypt"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=365)
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open all afternoon must still submit
        self.COMPRESS_MIMETYPES = [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml", "text/csv", "text/markdown",
        ]
        self.COMPRESS_ALGORITHM = "gzip"
        self.COMPRESS_MIN_SIZE = 500


def derive(config) -> None:
    """Settings computed from others, after the environment has been read."""
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The app's statements are short; PostgreSQL's JIT spent 34 of triage's 42 ms compiling.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {**options.get("connect_args", {}), "options": "-c jit=off"}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"]) * 1024 * 1024
    config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LOCALE"]
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]


class TestConfig(Config):
    """A throwaway database and no CSRF unless a test turns it on; the environment is not read."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(
            database_url or os.environ.get("TEST_DATABASE_URL") or "sqlite://")
        self.WTF_CSRF_ENABLED = False
        # Thousands of sign-ins in the suite; scrypt's cost is proven in production, not here.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        self.NOTIFY_SEND_AT_ONCE = False  # tests run the sender themselves, in the test's thread
