import time

import jwt
import pytest
from pydantic import SecretStr

from textbus.kit.auth import Role, mint, verify
from textbus.kit.problems import Forbidden, Unauthenticated
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.unit

SETTINGS = AuthSettings(jwt_key=SecretStr("k" * 32))


def test_a_minted_token_verifies_to_its_tenant_and_role() -> None:
    token = mint(SETTINGS, subject="ann", tenant="acme", role=Role.ENTERPRISE_ADMIN)

    principal = verify(token, SETTINGS)

    assert (principal.subject, principal.tenant, principal.role) == ("ann", "acme", Role.ENTERPRISE_ADMIN)


def test_a_token_signed_with_another_key_is_refused() -> None:
    other = AuthSettings(jwt_key=SecretStr("x" * 32))
    with pytest.raises(Unauthenticated):
        verify(mint(other, subject="ann", tenant="acme", role=Role.PROVIDER), SETTINGS)


def test_an_expired_token_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        verify(mint(SETTINGS, subject="a", tenant="acme", role=Role.PROVIDER, ttl_seconds=-10), SETTINGS)


def test_a_token_without_a_known_role_is_refused() -> None:
    claims = {
        "sub": "a",
        "tenant": "acme",
        "role": "root",
        "iss": "textbus",
        "aud": "textbus",
        "exp": int(time.time()) + 60,
    }
    with pytest.raises(Unauthenticated):
        verify(jwt.encode(claims, "k" * 32, algorithm="HS256"), SETTINGS)


def test_an_enterprise_admin_acts_on_its_own_tenant_only() -> None:
    admin = verify(mint(SETTINGS, subject="a", tenant="acme", role=Role.ENTERPRISE_ADMIN), SETTINGS)
    admin.require_tenant("acme")
    with pytest.raises(Forbidden):
        admin.require_tenant("globex")
    with pytest.raises(Forbidden):
        admin.require_provider()


def test_the_provider_acts_on_any_tenant() -> None:
    provider = verify(mint(SETTINGS, subject="p", tenant="host", role=Role.PROVIDER), SETTINGS)
    provider.require_tenant("globex")
    provider.require_provider()


def test_the_token_command_prints_a_valid_token(capsys: pytest.CaptureFixture[str]) -> None:
    from textbus.kit.auth import main

    main(["--tenant", "acme", "--role", "provider"])

    assert verify(capsys.readouterr().out.strip(), AuthSettings()).tenant == "acme"
