"""Settings shared by every environment, read from the process environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable the way operators write them."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site: used in emails, Wagtail's admin and (later) xAPI IRIs.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Digital Capacity Academy")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Demo City Government (synthetic)")
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "digital-academy@example.org")

INSTALLED_APPS = [
    # Project apps first so their templates override allauth's and Wagtail's.
    "accounts",
    "organisations",
    "identity",
    "provisioning",
    "xapi",
    "competencies",
    "packages",
    "cmi5",
    "scorm",
    "courses",
    "notifications",
    "assignments",
    "analytics",
    "jobs",
    "lms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: the package content origin answers only package routes, and its responses carry
    # no cookie and may be framed by the platform.
    "packages.middleware.ContentOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address (/fr/, /es/, /ar/; English has none), then the
    # person's choice (lms.languages), then the browser's preference.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.languages.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "accounts.middleware.CmsAccessMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.service",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# DATABASE_URL unset means the embedded default: a SQLite file beside the code.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Length beats complexity rules (NCSC and NIST SP 800-63B guidance).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login, verified before first use.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Staff need to be told plainly that an address already has an account; the rate limits below
# bound how fast anyone could probe addresses (docs/decisions/0002-accounts.md).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SERVICE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins per address and per account; the rest keep allauth's defaults.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Comma-separated email domains allowed to sign up (empty: any domain).
ACCOUNT_ALLOWED_SIGNUP_DOMAINS = env_list("ACCOUNT_ALLOWED_SIGNUP_DOMAINS")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SERVICE_NAME
# Single sign-on (docs/decisions/0013-single-sign-on.md). Identity providers are rows that
# administrators keep in the CMS (or IDENTITY_PROVIDERS_JSON at start-up); the adapter turns
# them into allauth apps and applies their claims to the account and its membership.
SOCIALACCOUNT_ADAPTER = "identity.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# The organisation's provider has verified the address it asserts.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# An existing local account is joined only by identity.claims' own rule (the provider answers
# for the address's domain), never by allauth matching an email address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
# allauth's provider sign-in starts with a POST from the sign-in page's buttons.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Accounts refuse a local password for these addresses and point to the provider instead.
ACCOUNT_PASSWORD_SIGN_IN_REFUSAL = "identity.domains.provider_sign_in_for_email"  # noqa: S105
# After a first sign-in, people whose place no authority has given are asked for it (once).
ACCOUNT_FIRST_SIGN_IN_STEP = "organisations.first_steps.first_sign_in_step"
IDENTITY_PROVIDERS_JSON = os.environ.get("IDENTITY_PROVIDERS_JSON", "")


def saml_libraries_problem() -> str:
    """Why SAML sign-in cannot run here, or "" when python3-saml and xmlsec load."""
    try:
        # xmlsec refuses to load beside an lxml built on another libxml2 (docs/decisions/0014).
        import onelogin.saml2.auth  # noqa: F401
        import xmlsec  # noqa: F401
    except Exception as problem:  # xmlsec raises its own error type, not ImportError
        return f"SAML 2.0 sign-in is unavailable on this server: {problem}"
    return ""


# SAML 2.0 sign-in (docs/decisions/0014-saml.md): allauth's saml provider, with our provider
# class keeping the assertion's authentication context for the MFA policy.
SAML_SIGN_IN_UNAVAILABLE = saml_libraries_problem()
SAML_SIGN_IN_AVAILABLE = not SAML_SIGN_IN_UNAVAILABLE
if SAML_SIGN_IN_AVAILABLE:
    INSTALLED_APPS.insert(
        INSTALLED_APPS.index("allauth.socialaccount") + 1, "allauth.socialaccount.providers.saml"
    )
SOCIALACCOUNT_PROVIDERS = {"saml": {"provider_class": "identity.saml.IdentitySAMLProvider"}}

# allauth keeps its rate-limit counters in the cache; every process must share one.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lms_cache",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SUPPORT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
# The service's languages, each named in itself (a person looking for theirs reads it so).
# English keeps the addresses it always had; the others are prefixed with their code.
LANGUAGES = [
    ("en-gb", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

WAGTAIL_SITE_NAME = SERVICE_NAME
# The CMS makes no request outside the service: avatars are Wagtail's own default image (or an
# uploaded one), never Gravatar's; no release check or "what's new" banner from wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_BASE_URL = SITE_URL
# The CMS signs people in through allauth, so MFA and rate limits apply there too.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# Courses are translated in the CMS (wagtail.contrib.simple_translation): a translator copies a
# course into a language and edits the copy, which is reviewed like any course. Learning records
# always name the English course (docs/decisions/0025-languages.md).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Each editor reads the CMS in the language of their choice.
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
# Approving a page's last review task publishes it. The task decides who may approve (for
# courses, a training lead other than the author), so approvers need no publish permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflow_actions.publish_approved"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The framework people assess themselves against and reports are drawn from (latest published).
COMPETENCY_PRIMARY_FRAMEWORK = os.environ.get("COMPETENCY_PRIMARY_FRAMEWORK", "pcdcf")

# Skill-gap reports: groups smaller than this are never shown, and evidence older than this
# many days is flagged as stale.
ANALYTICS_MIN_GROUP_SIZE = int(os.environ.get("ANALYTICS_MIN_GROUP_SIZE", "5"))
ANALYTICS_STALE_AFTER_DAYS = int(os.environ.get("ANALYTICS_STALE_AFTER_DAYS", "730"))
# Connections a rebuild of the reporting store uses at once on PostgreSQL: each is a server
# process busy on one core of the database server.
ANALYTICS_REBUILD_WORKERS = int(
    os.environ.get("ANALYTICS_REBUILD_WORKERS", str(min(4, os.cpu_count() or 1)))
)

# Bought-in course packages (docs/decisions/0019-package-content-origin.md): where their unpacked
# files live, and the limits an upload must keep to before anything is stored.
PACKAGE_STORAGE_ROOT = Path(os.environ.get("PACKAGE_STORAGE_ROOT", MEDIA_ROOT / "packages"))
PACKAGE_MAX_UPLOAD_BYTES = int(os.environ.get("PACKAGE_MAX_UPLOAD_BYTES", str(500 * 1024**2)))
PACKAGE_MAX_UNPACKED_BYTES = int(os.environ.get("PACKAGE_MAX_UNPACKED_BYTES", str(2 * 1024**3)))
PACKAGE_MAX_FILES = int(os.environ.get("PACKAGE_MAX_FILES", "20000"))
# Uncompressed bytes per compressed byte one entry may reach: text compresses to about a tenth,
# a zip bomb to a thousandth.
PACKAGE_MAX_COMPRESSION_RATIO = int(os.environ.get("PACKAGE_MAX_COMPRESSION_RATIO", "200"))


def default_package_content_origin(site_url: str) -> str:
    """Packages' own origin on a development machine: SITE_URL's other name for this machine
    (127.0.0.1 <-> localhost, same port), so one server answers both and cookies stay apart."""
    parts = urlsplit(site_url)
    other_name = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(parts.hostname or "")
    if not other_name:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{other_name}{port}"


# Package files are served only from this origin, whose host must differ from SITE_URL's.
PACKAGE_CONTENT_ORIGIN = os.environ.get(
    "PACKAGE_CONTENT_ORIGIN", default_package_content_origin(SITE_URL)
).rstrip("/")

# The LRS refuses larger request bodies (statements with attachments) before parsing them.
XAPI_MAX_BODY_BYTES = int(os.environ.get("XAPI_MAX_BODY_BYTES", str(20 * 1024 * 1024)))

# Background work is django-tasks. Wagtail's own tasks (search and reference index updates) run
# at once, in the request, or once per object at the end of a bulk load (jobs/coalescing.py);
# the periodic jobs go through the database queue, which every worker on every machine
# shares (`manage.py run_worker`).
TASKS = {
    "default": {"BACKEND": "jobs.coalescing.CoalescingImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# The periodic jobs run_worker runs: a django-tasks task on the database backend, and "every"
# SECONDS or "daily_at" "HH:MM" (TIME_ZONE); "timeout" SECONDS (15 minutes unless given) is how
# long a run that has not finished holds back the next. Adding a job is one line here.
PERIODIC_JOBS = {
    "forward_statements": {"task": "lms.tasks.forward_statements", "every": 5},
    "publish_scheduled": {"task": "lms.tasks.publish_scheduled", "every": 60},
    "refresh_reports": {"task": "lms.tasks.refresh_reports", "every": 60, "timeout": 3600},
    "snapshot_skill_gaps": {"task": "lms.tasks.snapshot_skill_gaps", "daily_at": "02:00"},
    "prune_task_results": {"task": "lms.tasks.prune_task_results", "daily_at": "03:00"},
    "assignments_sync": {"task": "lms.tasks.assignments_sync", "every": 300},
    "reminders_send": {"task": "lms.tasks.reminders_send", "every": 3600},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its index updates as tasks; each one logging at INFO drowns real output.
        "django_tasks": {"level": "WARNING"},
        # Wagtail logs every page edit and publish at INFO; seeding the demo makes hundreds.
        "wagtail": {"level": "WARNING"},
    },
}
