"""Carrier credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) with keys from the environment.

``MultiFernet`` decrypts with any configured key and encrypts with the first, so keys rotate
without downtime: put the new key first and restart (both decrypt), re-encrypt every profile
(``rotate``), then drop the old key. The plaintext is the credentials' JSON; it exists only in
memory, inside the ``Credentials`` model whose secret fields are ``SecretStr``.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from textbus.carrier_gateway.service.carriers import Credentials
from textbus.carrier_gateway.service.model import revealed


class VaultError(Exception):
    """Sealed credentials that no configured key opens (a key dropped too early)."""


class Vault:
    def __init__(self, keys: SecretStr | None) -> None:
        parts = [k.strip() for k in keys.get_secret_value().split(",") if k.strip()] if keys else []
        self._keys: tuple[MultiFernet, Fernet] | None = None
        if parts:
            try:
                self._keys = MultiFernet([Fernet(k.encode()) for k in parts]), Fernet(parts[0].encode())
            except ValueError:
                raise ValueError(
                    "a TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS key is not a Fernet key "
                    "(urlsafe base64 of 32 bytes)"
                ) from None

    def require(self) -> None:
        """At start-up: the service does not run without a key (credentials are never kept in clear)."""
        self._both()

    def _both(self) -> tuple[MultiFernet, Fernet]:
        if self._keys is None:
            raise VaultError(
                "set TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS: carrier credentials are kept encrypted"
            )
        return self._keys

    @property
    def _fernet(self) -> MultiFernet:
        return self._both()[0]

    @property
    def _current(self) -> Fernet:
        return self._both()[1]

    def seal(self, credentials: Credentials) -> str:
        return self._fernet.encrypt(json.dumps(revealed(credentials)).encode()).decode()

    def open(self, sealed: str, model: type[Credentials]) -> Credentials:
        try:
            plain = self._fernet.decrypt(sealed.encode())
        except InvalidToken:
            raise VaultError("no configured key opens these credentials") from None
        return model.model_validate(json.loads(plain))

    def rotate(self, sealed: str) -> str | None:
        """The credentials sealed with the current key; None if they already are."""
        try:
            self._current.decrypt(sealed.encode())
            return None
        except InvalidToken:
            pass
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise VaultError("no configured key opens these credentials") from None
