"""Write accounts: users, API tokens, device credentials. This package's names are public.

Every adapter (pages, CLI, API authentication, the OpenRosa endpoints) calls these.
"""

from haven.accounts.services.devices import (
    DEVICE_SECRET_PREFIX,
    IssuedDevice,
    collect_settings,
    collect_settings_code,
    device_authenticate,
    device_authenticate_basic,
    device_create,
    device_revoke,
)
from haven.accounts.services.tokens import (
    TOKEN_PREFIX,
    may_manage,
    token_authenticate,
    token_create,
    token_revoke,
)
from haven.accounts.services.users import (
    temporary_password,
    user_create,
    user_deactivate,
    user_password_change,
    user_password_set,
    user_reactivate,
    user_sign_out,
    user_unlock,
    user_update,
)

__all__ = [
    "DEVICE_SECRET_PREFIX", "TOKEN_PREFIX", "IssuedDevice", "collect_settings",
    "collect_settings_code", "device_authenticate", "device_authenticate_basic",
    "device_create", "device_revoke", "may_manage", "temporary_password",
    "token_authenticate", "token_create", "token_revoke", "user_create", "user_deactivate",
    "user_password_change", "user_password_set", "user_reactivate", "user_sign_out",
    "user_unlock", "user_update",
]
