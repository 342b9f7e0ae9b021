"""Bearer JWTs carrying a tenant and a role, and the command that mints one for local use.

Roles: ``provider`` (hosts many enterprises, may act on any tenant) and
``enterprise_admin`` (acts on its own tenant only).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from enum import StrEnum

import jwt

from textbus.kit.problems import Forbidden, Unauthenticated
from textbus.kit.settings import AuthSettings


class Role(StrEnum):
    PROVIDER = "provider"
    ENTERPRISE_ADMIN = "enterprise_admin"


@dataclass(frozen=True)
class Principal:
    subject: str
    tenant: str
    role: Role

    @property
    def is_provider(self) -> bool:
        return self.role is Role.PROVIDER

    def require_tenant(self, tenant: str) -> None:
        """Enterprise admins act on their own tenant only; providers on any."""
        if not self.is_provider and tenant != self.tenant:
            raise Forbidden(f"this token is for tenant {self.tenant!r}, not {tenant!r}")

    def require_provider(self) -> None:
        if not self.is_provider:
            raise Forbidden("only the provider role may do this")


def verify(token: str, settings: AuthSettings) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_key.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated(f"invalid bearer token: {error}") from error
    try:
        return Principal(subject=claims["sub"], tenant=claims["tenant"], role=Role(claims["role"]))
    except (KeyError, ValueError) as error:
        raise Unauthenticated("the token must carry a tenant and a known role") from error


def mint(settings: AuthSettings, *, subject: str, tenant: str, role: Role, ttl_seconds: int = 3600) -> str:
    now = int(time.time())
    claims = {
        "sub": subject,
        "tenant": tenant,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, settings.jwt_key.get_secret_value(), algorithm=settings.jwt_algorithm)


def main(argv: list[str] | None = None) -> None:
    """``textbus-token --tenant acme --role enterprise_admin``: print a token for local use."""
    parser = argparse.ArgumentParser(description="Mint a textbus bearer token (local use).")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--role", choices=[r.value for r in Role], required=True)
    parser.add_argument("--subject", default="local-admin")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    args = parser.parse_args(argv)
    settings = AuthSettings()
    if settings.jwt_algorithm != "HS256":
        sys.exit("minting needs the signing key; with an asymmetric algorithm use your issuer")
    print(
        mint(settings, subject=args.subject, tenant=args.tenant, role=Role(args.role), ttl_seconds=args.ttl)
    )


if __name__ == "__main__":
    main()
