"""One environment-driven settings module (see docs/adr/0002-settings-and-databases.md).

Environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EDUREG_DATA_DIR, TASK_BACKEND, REDIS_URL.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("EDUREG_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
INSECURE_DEV_KEY = "edureg-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 32):
    # Production refuses to start with a missing, default or short key.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 32 characters when DEBUG is off "
        "(for a local demo set DEBUG=1, which `edureg demo` does)."
    )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "edureg.core",
    "edureg.accounts",
    "edureg.classifiers",
    "edureg.institutions",
    "edureg.persons",
    "edureg.learners",
    "edureg.pedagogues",
    "edureg.qualifications",
    "edureg.programmes",
    "edureg.admission",
    "edureg.datacollections",
    "edureg.indicators",
    "edureg.evaluation",
    "edureg.pages",
    "edureg.synthetic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from the package, not a CDN
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "edureg.core.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "edureg.urls"
WSGI_APPLICATION = "edureg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'edureg.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while the demo writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["edureg.accounts.backends.RoleBackend"]
LOGIN_URL = "pages:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:home"

LANGUAGE_CODE = "lt"
LANGUAGES = [("lt", _("Lithuanian")), ("en", _("English"))]
# The project's catalog, then Lithuanian for the DRF and django-filter messages their packages lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendored design system (assets/build.sh) and site.css
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: imports are streamed from a temporary file; larger files are refused with a message.
EDUREG_MAX_UPLOAD_BYTES = int(os.environ.get("EDUREG_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EDUREG_BENCH_VIEWS = env_bool("EDUREG_BENCH_VIEWS", False)  # bare baseline views for bench/api_load.py
EDUREG_SCOPE_RESOLVER = "edureg.accounts.scoping.resolve_scope"
# Lithuanian VET credit system: 1 credit = 27 academic hours, 60 credits = one year of full-time study.
EDUREG_CREDIT_HOURS = 27
EDUREG_CREDITS_PER_YEAR = 60

REST_FRAMEWORK = {
    # Token first: its scheme goes into WWW-Authenticate, so an anonymous request gets 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["edureg.core.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "edureg.core.api.filters.SearchFilter",  # names the `search` parameter in its errors
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "edureg.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "edureg.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("EDUREG_TOKEN_RATE", "20/min")},
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "edureg API",
    "DESCRIPTION": "Registers, classifiers and the change feed of edureg.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "edureg.core.api.schema.add_guide"],
    # Several registers have a "status" or "type": name each set of choices after its class.
    "ENUM_NAME_OVERRIDES": {
        "InstitutionStatusEnum": "edureg.institutions.choices.InstitutionStatus",
        "StandardStatusEnum": "edureg.qualifications.choices.StandardStatus",
        "QualificationTypeEnum": "edureg.qualifications.choices.QualificationType",
        "VersionStatusEnum": "edureg.programmes.choices.VersionStatus",
        "ModuleTypeEnum": "edureg.programmes.choices.ModuleType",
        "FieldTypeEnum": "edureg.datacollections.choices.FieldType",
        "RuleSeverityEnum": "edureg.datacollections.choices.Severity",
        "ProgrammeRuleSeverityEnum": "edureg.programmes.choices.RuleSeverity",
        "LearningFormEnum": "edureg.programmes.choices.LearningForm",
        "EvaluationApplicationStatusEnum": "edureg.evaluation.choices.ApplicationStatus",
        "EvaluationOutcomeEnum": "edureg.evaluation.choices.Outcome",
        "AssignmentStatusEnum": "edureg.evaluation.choices.AssignmentStatus",
        "AppealStatusEnum": "edureg.evaluation.choices.AppealStatus",
        "CallStatusEnum": "edureg.evaluation.choices.CallStatus",
        "CallSelectionEnum": "edureg.evaluation.choices.Selection",
        "ProcedureAggregationEnum": "edureg.evaluation.choices.Aggregation",
        "CommitteeDecisionOutcomeEnum": "edureg.qualifications.choices.DecisionOutcome",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_codes": {"()": "edureg.core.logging.MaskPersonalCodesFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "filters": ["mask_personal_codes"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django's own console handler (DEBUG) has no masking filter: its records go on to the root's instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
