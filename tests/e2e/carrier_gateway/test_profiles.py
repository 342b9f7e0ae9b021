"""Carrier profiles: the provider writes them, an enterprise that manages its own numbers reads
its own, credentials are sealed at rest and shown as "set" only, and keys rotate without downtime."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.e2e.carrier_gateway.conftest import TENANT, Gateway, GatewayStarter
from tests.support import read_records

pytestmark = pytest.mark.e2e
SECRET = "sandbox-webhook-secret-0123456789"
PROFILES = f"/v1/tenants/{TENANT}/carrier-profiles"


async def test_an_answer_names_the_credentials_that_are_set_never_their_values(gateway: Gateway) -> None:
    created = await gateway.profile("sandbox", {"webhook_secret": SECRET})

    status, read = await gateway.call("GET", f"{PROFILES}/{created['profile_id']}")
    assert status == 200
    for answer in (created, read):
        assert answer["credentials_set"] == ["webhook_secret"]
        assert SECRET not in str({k: v for k, v in answer.items() if k != "webhook_url"})
    stored = await gateway.db["carrier_profiles"].find_one({"_id": created["profile_id"]})
    assert SECRET not in str(stored)  # sealed at rest
    records = await read_records(
        gateway.settings.kafka.bootstrap_servers, gateway.settings.topic_name("carriers.events.v1"), 1
    )
    assert all(SECRET.encode() not in (r.value or b"") for r in records)
    assert b"sandbox main" in (records[0].value or b"")


async def test_only_the_provider_writes_and_an_admin_reads_only_when_the_enterprise_manages_its_numbers(
    gateway: Gateway,
) -> None:
    created = await gateway.profile("sandbox")
    status, answer = await gateway.call(
        "POST", PROFILES, json={"name": "mine", "carrier": "sandbox"}, role="admin"
    )
    assert (status, answer["code"]) == (403, "not-allowed")
    status, answer = await gateway.call("GET", PROFILES, role="admin")
    assert (status, answer["code"]) == (403, "not-allowed")

    await gateway.enterprise(manages_own_numbers=True)
    status, page = await gateway.call("GET", PROFILES, role="admin")
    assert status == 200 and [p["profile_id"] for p in page["items"]] == [created["profile_id"]]
    status, answer = await gateway.call("GET", PROFILES, role="admin", tenant="globex")
    assert status == 403  # another tenant's, whether it exists or not


async def test_profiles_are_found_by_quick_search_and_filters_a_page_at_a_time(gateway: Gateway) -> None:
    for name in ("Zeta backup", "Alpha main", "alpha overflow"):
        status, _ = await gateway.call("POST", PROFILES, json={"name": name, "carrier": "sandbox"})
        assert status == 201

    status, page = await gateway.call("GET", f"{PROFILES}?q=ALPHA&limit=1")
    assert status == 200 and page["total"] == 2 and [p["name"] for p in page["items"]] == ["Alpha main"]
    status, page = await gateway.call("GET", f"{PROFILES}?q=alpha&skip=1&limit=1")
    assert [p["name"] for p in page["items"]] == ["alpha overflow"]
    status, page = await gateway.call("GET", f"{PROFILES}?carrier=sand&name=zeta")
    assert [p["name"] for p in page["items"]] == ["Zeta backup"]
    status, page = await gateway.call("GET", f"{PROFILES}?carrier=twilio")
    assert page["total"] == 0


async def test_bad_credentials_or_an_unknown_carrier_are_refused_naming_the_field_not_the_value(
    gateway: Gateway,
) -> None:
    status, answer = await gateway.call(
        "POST", PROFILES, json={"name": "x", "carrier": "sandbox", "credentials": {"api_key": "sk_live_123"}}
    )
    assert (status, answer["code"]) == (422, "carrier-profile-invalid")
    assert "api_key" in answer["detail"] and "sk_live_123" not in answer["detail"]
    status, answer = await gateway.call("POST", PROFILES, json={"name": "x", "carrier": "pigeon"})
    assert (status, answer["code"]) == (422, "carrier-profile-invalid")


async def test_the_sandbox_accepts_its_credentials_check_and_a_deleted_profile_is_gone(
    gateway: Gateway,
) -> None:
    created = await gateway.profile("sandbox")
    status, answer = await gateway.call("POST", f"{PROFILES}/{created['profile_id']}/check")
    assert status == 200 and answer["ok"] is True

    status, _ = await gateway.call("DELETE", f"{PROFILES}/{created['profile_id']}")
    assert status == 204
    status, answer = await gateway.call("GET", f"{PROFILES}/{created['profile_id']}")
    assert (status, answer["code"]) == (404, "carrier-profile-not-found")


async def test_keys_rotate_without_downtime_old_and_new_both_open_then_a_command_reseals(
    start_gateway: GatewayStarter, credential_keys: str
) -> None:
    new_key = Fernet.generate_key().decode()
    async with start_gateway() as gateway:
        await gateway.enterprise()
        created = await gateway.profile("sandbox", {"webhook_secret": SECRET})
    profile = f"{PROFILES}/{created['profile_id']}"

    async with start_gateway(credential_keys=SecretStr(f"{new_key},{credential_keys}")) as gateway:
        status, read = await gateway.call("GET", profile)
        assert status == 200 and read["webhook_url"].endswith(SECRET)  # the old key still opens it
        status, answer = await gateway.call("POST", "/v1/carrier-credentials/re-encrypt")
        assert status == 200 and answer == {"profiles": 1, "re_encrypted": 1}

    async with start_gateway(credential_keys=SecretStr(new_key)) as gateway:
        status, read = await gateway.call("GET", profile)
        assert status == 200 and read["webhook_url"].endswith(SECRET)  # the new key alone opens it now
