"""The Airbyte Config API client used by every provisioning script (see :mod:`.client`,
:mod:`.transport` and :mod:`.settings`)."""

from airbyte_provisioning.api.auth import Auth, ClientCredentialsAuth, HeaderAuth, NoAuth
from airbyte_provisioning.api.budget import ConnectionBudget
from airbyte_provisioning.api.client import (
    DEFAULT_ORGANIZATION_ID,
    SERVER_DEFAULT_PAGE_SIZE,
    AirbyteClient,
)
from airbyte_provisioning.api.errors import (
    AirbyteApiError,
    AirbyteAuthError,
    AirbyteBadAnswerError,
    AirbyteConfigError,
    AirbyteConflictError,
    AirbyteConnectionError,
    AirbyteError,
    AirbyteInvalidInputError,
    AirbyteNotFoundError,
    AirbyteRateLimitError,
    AirbyteServerError,
    AirbyteUnreachableError,
)
from airbyte_provisioning.api.retry import RetryPolicy
from airbyte_provisioning.api.settings import (
    Timeouts,
    auth_from_env,
    normalize_base_url,
    timeouts_from_env,
)
from airbyte_provisioning.core.redact import AIRBYTE_MASK
from airbyte_provisioning.core.types import JsonDict

__all__ = [
    "AIRBYTE_MASK",
    "DEFAULT_ORGANIZATION_ID",
    "SERVER_DEFAULT_PAGE_SIZE",
    "AirbyteApiError",
    "AirbyteAuthError",
    "AirbyteBadAnswerError",
    "AirbyteClient",
    "AirbyteConfigError",
    "AirbyteConflictError",
    "AirbyteConnectionError",
    "AirbyteError",
    "AirbyteInvalidInputError",
    "AirbyteNotFoundError",
    "AirbyteRateLimitError",
    "AirbyteServerError",
    "AirbyteUnreachableError",
    "Auth",
    "ClientCredentialsAuth",
    "ConnectionBudget",
    "HeaderAuth",
    "JsonDict",
    "NoAuth",
    "RetryPolicy",
    "Timeouts",
    "auth_from_env",
    "normalize_base_url",
    "timeouts_from_env",
]
