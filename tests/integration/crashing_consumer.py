"""A kit consumer that kills itself (SIGKILL) right after storing its effect, before the commit.

Run as ``python -m tests.integration.crashing_consumer`` with the service's
environment; CRASH_AFTER_EFFECT=1 makes the first record kill the process.
"""

import asyncio
import os
import signal

from textbus.contracts import Envelope, topic
from textbus.contracts.activity.v1 import NumberActivity
from textbus.kit.mongo import apply_once
from textbus.kit.service import Service, serve
from textbus.kit.settings import service_settings


def build() -> Service:
    service = Service.create(service_settings("numbers", 0), title="crashing consumer")
    deliveries, effects = service.db["deliveries"], service.db["effects"]

    @service.messaging.subscribe(topic("sms.activity.v1"), handles=(NumberActivity,))
    async def on_activity(envelope: Envelope) -> None:
        await deliveries.update_one({"_id": envelope.subject}, {"$inc": {"n": 1}}, upsert=True)
        await apply_once(effects, envelope.subject, envelope.id, {"$inc": {"n": 1}})
        if os.environ.get("CRASH_AFTER_EFFECT") == "1":
            os.kill(os.getpid(), signal.SIGKILL)

    return service


if __name__ == "__main__":
    asyncio.run(serve(build()))
