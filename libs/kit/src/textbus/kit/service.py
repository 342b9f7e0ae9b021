"""A service's parts, and how every service starts and stops.

Start: topics exist, the service's declared indexes exist, what the outbox
holds from a previous run is published, the service's own start-up work is
done, the broker consumes, then HTTP listens; the outbox's relay and the
service's background jobs run. Stop (SIGTERM or Ctrl-C): HTTP stops
accepting, consumers stop and finish in-flight records (their offsets are
committed after their effects), producers flush, then the database closes.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import Topic, dead_letter_topic, topics_of
from textbus.kit import mongo
from textbus.kit.asyncapi import asyncapi_document
from textbus.kit.clock import Clock, utc_now
from textbus.kit.http import Api, create_app
from textbus.kit.kafka import Messaging, create_messaging, ensure_topics
from textbus.kit.logs import configure_logging
from textbus.kit.mongo import Index, create_indexes
from textbus.kit.outbound import OutboundClient
from textbus.kit.outbox import Outbox
from textbus.kit.settings import ServiceSettings

log = logging.getLogger(__name__)

StartHook = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class Service:
    """Everything a running service is made of; each service's bootstrap fills it in."""

    settings: ServiceSettings
    api: Api
    topics: tuple[Topic, ...]
    registry: CollectorRegistry
    mongo: AsyncMongoClient[dict[str, Any]]
    messaging: Messaging
    outbox: Outbox
    clock: Clock = utc_now
    outbound: OutboundClient = field(default_factory=OutboundClient)
    # Every secondary index its queries need, created before anything else reads the database.
    indexes: tuple[Index, ...] = ()
    # Collections a former release kept and this one no longer reads: dropped at start-up.
    retired_collections: tuple[str, ...] = ()
    on_start: list[StartHook] = field(default_factory=list)
    on_stop: list[StartHook] = field(default_factory=list)
    background: list[StartHook] = field(default_factory=list)
    max_request_bytes: int = 1024 * 1024

    @classmethod
    def create(cls, settings: ServiceSettings, *, title: str, clock: Clock = utc_now) -> Service:
        """A service with the topics the registry names for it, and nothing of its own yet; ``clock``
        is the time every part of it is given (tests pass one they move)."""
        registry = CollectorRegistry()
        messaging = create_messaging(settings, registry)
        return cls(
            settings=settings,
            api=Api(title=title),
            topics=topics_of(settings.service),
            registry=registry,
            mongo=mongo.create_client(settings.mongo),
            messaging=messaging,
            outbox=Outbox(messaging),
            clock=clock,
        )

    @property
    def db(self) -> AsyncDatabase[dict[str, Any]]:
        return self.mongo[self.settings.database_name]

    def asyncapi(self) -> dict[str, Any]:
        """The AsyncAPI 3 document of the topics this service publishes and consumes."""
        return asyncapi_document(self.settings.service, self.api.title, self.messaging.subscriptions)


@dataclass(frozen=True)
class Running:
    service: Service
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.service.settings.http.host}:{self.port}"


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[Running]:
    """Run ``service`` until the block exits; stops in the order that loses nothing."""
    settings = service.settings
    broker = service.messaging.broker
    await ensure_topics(
        settings.kafka.bootstrap_servers,
        [(settings.topic_name(t.name), t.partitions) for t in service.topics]
        + [(settings.topic_name(dead_letter_topic(settings.service)), 1)],
        settings.kafka.replication_factor,
    )
    broker.include_router(service.messaging.router)
    app = create_app(
        api=service.api,
        auth=settings.auth,
        registry=service.registry,
        asyncapi=service.asyncapi(),
        max_request_bytes=service.max_request_bytes,
        readiness={
            "kafka": lambda: broker.ping(timeout=2.0),
            "database": lambda: mongo.ping(service.mongo),
            "consumers": _consuming(service.messaging),
        },
    )
    runner = web.AppRunner(app, access_log=None)
    tasks: list[asyncio.Task[None]] = []
    try:
        # Producers first, so start-up hooks (indexes, relaying an outbox) can
        # publish before any consumer takes a record.
        await broker.connect()
        await service.outbound.start()
        await create_indexes(service.db, service.indexes)
        for retired in service.retired_collections:
            await service.db.drop_collection(retired)
        await service.outbox.start()
        for hook in service.on_start:
            await hook()
        await broker.start()
        await runner.setup()
        site = web.TCPSite(runner, settings.http.host, settings.http.port)
        await site.start()
        port = runner.addresses[0][1]
        jobs = [service.outbox.relay_forever, *service.background]
        tasks = [asyncio.create_task(job(), name=job.__name__) for job in jobs]
        log.info("service started", extra={"port": port, "database": settings.database_name})
        yield Running(service=service, port=port)
    finally:
        log.info("service stopping")
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        for hook in service.on_stop:
            await hook()
        await runner.cleanup()
        await service.outbound.stop()
        service.messaging.dead_letters.release()
        await broker.stop()
        await service.mongo.close()
        log.info("service stopped")


def _consuming(messaging: Messaging) -> Callable[[], Coroutine[Any, Any, bool]]:
    async def check() -> bool:
        """False while a consumer is halted at the dead-letter limit."""
        return not messaging.dead_letters.halted

    return check


async def serve(service: Service) -> None:
    """Run until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running(service) as live:
        print(f"{service.settings.service} listening on {live.url}", flush=True)
        await stop.wait()


def main(bootstrap: Callable[[], Service]) -> None:
    """The body of every service's ``__main__``."""
    service = bootstrap()
    configure_logging(service.settings.service, service.settings.log_level)
    asyncio.run(serve(service))
