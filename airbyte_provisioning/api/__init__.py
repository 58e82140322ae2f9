"""The Airbyte Config API client used by every provisioning script (see :mod:`.client`)."""

from airbyte_provisioning.api.auth import Auth, ClientCredentialsAuth, HeaderAuth, NoAuth
from airbyte_provisioning.api.client import (
    DEFAULT_ORGANIZATION_ID,
    SERVER_DEFAULT_PAGE_SIZE,
    AirbyteClient,
    JsonDict,
    auth_from_env,
    normalize_base_url,
)
from airbyte_provisioning.api.errors import (
    AirbyteApiError,
    AirbyteAuthError,
    AirbyteConfigError,
    AirbyteConflictError,
    AirbyteConnectionError,
    AirbyteError,
    AirbyteInvalidInputError,
    AirbyteNotFoundError,
    AirbyteRateLimitError,
    AirbyteServerError,
)
from airbyte_provisioning.api.retry import RetryPolicy
from airbyte_provisioning.core.redact import AIRBYTE_MASK

__all__ = [
    "AIRBYTE_MASK",
    "DEFAULT_ORGANIZATION_ID",
    "SERVER_DEFAULT_PAGE_SIZE",
    "AirbyteApiError",
    "AirbyteAuthError",
    "AirbyteClient",
    "AirbyteConfigError",
    "AirbyteConflictError",
    "AirbyteConnectionError",
    "AirbyteError",
    "AirbyteInvalidInputError",
    "AirbyteNotFoundError",
    "AirbyteRateLimitError",
    "AirbyteServerError",
    "Auth",
    "ClientCredentialsAuth",
    "HeaderAuth",
    "JsonDict",
    "NoAuth",
    "RetryPolicy",
    "auth_from_env",
    "normalize_base_url",
]
