"""The one way a service talks to Kafka.

- Producers wait for all in-sync replicas and are idempotent (acks=all).
- Consumers commit a record's offset only after its handler returned, so a
  crash before the commit redelivers it (at-least-once); handlers make their
  effects idempotent (see ``textbus.kit.mongo.apply_once``).
- A record that cannot be decoded or validated, or whose handler keeps failing,
  goes to the service's dead-letter topic with the reason, and the consumer
  goes on, unless so many of a topic's records fail (in a row, or as a share
  of the recent ones) that the fault is the service's, not the records': then
  that topic's consumer halts with the record uncommitted and the service
  reports not ready, so a fixed deploy takes up every record where it
  stopped. Infrastructure errors (database or broker unreachable) are retried
  with back-off, never dead-lettered: the record is fine, the world is not.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar, cast

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy, BaseMiddleware
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry, Counter, Gauge
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure

from textbus.contracts import (
    CLOUDEVENTS_JSON,
    Envelope,
    Payload,
    Topic,
    dead_letter_topic,
    payload_types,
    topic,
)
from textbus.kit.concurrency import all_settled
from textbus.kit.settings import DeadLetterSettings, ServiceSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
Record = ConsumerRecord[bytes, bytes]

# Errors that say nothing about the record: retry it until the world recovers.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionFailure,
    KafkaConnectionError,
    ConnectionError,
    TimeoutError,
)
# Errors that say the record itself is bad: no retry can help.
MALFORMED_ERRORS: tuple[type[BaseException], ...] = (
    ValidationError,
    json.JSONDecodeError,
    UnicodeDecodeError,
)


class PermanentFailure(Exception):
    """A handler's way to say a record can never be applied; it goes to the dead-letter topic."""


class RedeliverBatch(Exception):
    """Some record of a batch must be tried again: the whole batch is redelivered (handlers are
    idempotent, so the records already applied change nothing the second time)."""


class DeadLetterLimitReached(Exception):
    """Too many of a topic's records failed: the service, not the records, is at fault."""


@dataclass
class DeadLetterLimit:
    """How many of one topic's records may go to the dead-letter topic: at most ``max_consecutive``
    in a row, and at most ``max_ratio`` of the last ``window`` records."""

    settings: DeadLetterSettings
    _recent: deque[bool] = field(init=False)
    _in_a_row: int = 0
    reached: str | None = None

    def __post_init__(self) -> None:
        self._recent = deque(maxlen=self.settings.window)

    def succeeded(self) -> None:
        self._recent.append(False)
        self._in_a_row = 0

    def admit(self) -> None:
        """Count one more dead letter, or raise (and stay reached) if it would pass the limit."""
        if self.reached is None:
            window = (
                [*list(self._recent)[1 - self.settings.window :], True]
                if self.settings.window > 1
                else [True]
            )
            failed = sum(window)
            if self._in_a_row + 1 > self.settings.max_consecutive:
                self.reached = f"more than {self.settings.max_consecutive} records failed in a row"
            elif len(window) == self.settings.window and failed / len(window) > self.settings.max_ratio:
                self.reached = f"{failed} of the last {len(window)} records failed"
            else:
                self._recent.append(True)
                self._in_a_row += 1
                return
        raise DeadLetterLimitReached(self.reached)


@dataclass(frozen=True)
class BatchRecord:
    """A record of a batch, with its envelope."""

    record: Record
    envelope: Envelope

    @property
    def partition(self) -> int:
        return int(self.record.partition)

    @property
    def offset(self) -> int:
        return int(self.record.offset)


@dataclass
class DeadLetters:
    """Decides what happens to a record whose handler raised, and sends it to the dead-letter topic."""

    topic: str
    group: str
    registry: CollectorRegistry
    limit: DeadLetterSettings = field(default_factory=DeadLetterSettings)
    max_attempts: int = 3
    max_backoff_seconds: float = 5.0
    broker: KafkaBroker | None = None
    _attempts: dict[tuple[str, int, int], int] = field(default_factory=dict)
    _limits: dict[str, DeadLetterLimit] = field(default_factory=dict)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.dead_lettered = Counter(
            "textbus_dead_letters_total",
            "Records sent to the dead-letter topic",
            ["source_topic", "reason"],
            registry=self.registry,
        )
        self.halted_gauge = Gauge(
            "textbus_consumer_halted",
            "1 while a topic's consumer is halted at the dead-letter limit",
            ["source_topic"],
            registry=self.registry,
        )

    @property
    def halted(self) -> dict[str, str]:
        """The topics whose consumer halted at the dead-letter limit, and why."""
        return {topic: limit.reached for topic, limit in self._limits.items() if limit.reached}

    def _limit(self, topic: str) -> DeadLetterLimit:
        if topic not in self._limits:
            self._limits[topic] = DeadLetterLimit(self.limit)
        return self._limits[topic]

    async def halt(self, record: Record, error: DeadLetterLimitReached) -> None:
        """Hold the consumer here, its record uncommitted, until the service stops."""
        self.halted_gauge.labels(record.topic).set(1)
        log.critical("consumer halted at the dead-letter limit", extra=_where(record, error))
        await self._released.wait()

    def release(self) -> None:
        """Let halted consumers go, so that the service can stop."""
        self._released.set()

    def __call__(self, msg: Any, /, *, context: Any) -> BaseMiddleware:
        return _DeadLetterMiddleware(msg, context=context, dead_letters=self)

    async def handle_failure(self, record: Record, error: BaseException) -> bool:
        """True when the failure is dealt with (dead-lettered); False to redeliver the record."""
        position = (record.topic, record.partition, record.offset)
        attempt = self._attempts.get(position, 0) + 1
        if isinstance(error, MALFORMED_ERRORS):
            reason = "malformed"
        elif isinstance(error, PermanentFailure):
            reason = "rejected"
        elif isinstance(error, INFRASTRUCTURE_ERRORS):
            await self.back_off(attempt)
            self._attempts[position] = attempt
            log.warning("infrastructure error, will redeliver", extra=_where(record, error))
            return False
        elif attempt < self.max_attempts:
            await self.back_off(attempt)
            self._attempts[position] = attempt
            log.warning("handler failed, will redeliver", extra=_where(record, error), exc_info=error)
            return False
        else:
            reason = "handler-failed"
        await self.dead_letter(record, error, reason, attempt)
        self._attempts.pop(position, None)
        return True

    def succeeded(self, record: Record) -> None:
        self._attempts.pop((record.topic, record.partition, record.offset), None)
        self._limit(record.topic).succeeded()

    async def back_off(self, attempt: int) -> None:
        await asyncio.sleep(min(0.1 * 2**attempt, self.max_backoff_seconds))

    async def dead_letter(self, record: Record, error: BaseException, reason: str, attempts: int = 1) -> None:
        assert self.broker is not None, "DeadLetters.broker is set by create_broker"
        self._limit(record.topic).admit()
        headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
        headers.update(
            {
                "x-dead-letter-reason": reason,
                "x-dead-letter-error": f"{type(error).__name__}: {error}"[:2000],
                "x-dead-letter-attempts": str(attempts),
                "x-original-topic": record.topic,
                "x-original-partition": str(record.partition),
                "x-original-offset": str(record.offset),
                "x-consumer-group": self.group,
            }
        )
        await self.broker.publish(record.value or b"", topic=self.topic, key=record.key, headers=headers)
        self.dead_lettered.labels(record.topic, reason).inc()
        log.error("record dead-lettered", extra={**_where(record, error), "reason": reason})


def _where(record: Record, error: BaseException) -> dict[str, Any]:
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "error": f"{type(error).__name__}: {error}",
    }


class _DeadLetterMiddleware(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: Any, dead_letters: DeadLetters) -> None:
        super().__init__(msg, context=context)
        self.dead_letters = dead_letters

    async def after_processed(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> bool | None:
        if isinstance(self.msg, tuple):
            return await self._after_batch(exc_val)
        if not isinstance(self.msg, ConsumerRecord):
            return False
        if exc_val is None:
            self.dead_letters.succeeded(self.msg)
            return False
        if isinstance(exc_val, asyncio.CancelledError):
            return False
        try:
            # Returning True suppresses the error, so the acknowledgement middleware commits.
            return await self.dead_letters.handle_failure(self.msg, exc_val)
        except DeadLetterLimitReached as reached:
            await self.dead_letters.halt(self.msg, reached)
            return False

    async def _after_batch(self, error: BaseException | None) -> bool:
        """A batch handler dead-letters its own bad records (``Messaging.apply_batch``); anything it
        raises redelivers the whole batch, after a back-off unless the handler already waited."""
        if isinstance(error, DeadLetterLimitReached):
            assert isinstance(self.msg, tuple) and self.msg, "a batch has records"
            await self.dead_letters.halt(self.msg[0], error)
            return False
        if error is None or isinstance(error, asyncio.CancelledError | RedeliverBatch):
            return False
        log.warning("batch handler failed, will redeliver", exc_info=error)
        await self.dead_letters.back_off(1)
        return False


BatchHandler = Callable[[Sequence[Record]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A handler of a service, the topics it consumes and the payload types it handles."""

    name: str
    topics: tuple[Topic, ...]
    handles: tuple[str, ...]


def handled_types(topics: Iterable[Topic], handles: Iterable[type[Payload]]) -> tuple[str, ...]:
    """The payload types ``handles`` stands for (a base class stands for every type declared under it),
    each of which one of ``topics`` must carry."""
    listed = {t for each in topics for t in each.payloads}
    types: list[str] = []
    for handled in handles:
        covered = [name for name, model in payload_types().items() if issubclass(model, handled)]
        unlisted = sorted(set(covered) - listed)
        if not covered or unlisted:
            names = ", ".join(t.name for t in topics)
            raise TypeError(
                f"{names} carries no {unlisted or handled.__name__}: list it in the topic registry"
            )
        types.extend(covered)
    return tuple(dict.fromkeys(types))


@dataclass
class Messaging:
    """A service's broker and its topic naming; built once in bootstrap."""

    settings: ServiceSettings
    broker: KafkaBroker
    router: KafkaRouter
    dead_letters: DeadLetters
    subscriptions: list[Subscription] = field(default_factory=list)

    def topic_name(self, name: str) -> str:
        return self.settings.topic_name(name)

    def subscribe(
        self, *topics: Topic, handles: Iterable[type[Payload]], **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Any]:
        """Register a handler of the payload types ``handles`` on ``topics`` in the service's consumer
        group, committing after it; each type must be one its topics carry (the topic registry)."""
        types = handled_types(topics, handles)

        def register(handler: Callable[..., Any]) -> Any:
            self.subscriptions.append(Subscription(handler.__name__, topics, types))
            return self.router.subscriber(
                *(self.topic_name(t.name) for t in topics),
                group_id=self.settings.consumer_group,
                # Set on every subscriber: FastStream fixes auto-commit when the subscriber is made.
                ack_policy=AckPolicy.NACK_ON_ERROR,
                auto_offset_reset="earliest",
                **({"decoder": _envelope_of} | kwargs),
            )(handler)

        return register

    def subscribe_batch(
        self, *topics: Topic, handles: Iterable[type[Payload]], max_records: int, **kwargs: Any
    ) -> Callable[[BatchHandler], BatchHandler]:
        """Like ``subscribe``, for a handler of up to ``max_records`` records at a time: it is given the
        records and hands them to ``apply_batch``, which decodes each. The batch's offsets are
        committed once the handler returns. ``kwargs`` go to the consumer (an assignor, a listener)."""

        def register(handler: BatchHandler) -> BatchHandler:
            async def consume(message: KafkaMessage) -> None:
                await handler(_records_of(message))

            consume.__name__ = handler.__name__
            self.subscribe(
                *topics,
                handles=handles,
                batch=True,
                max_records=max_records,
                decoder=_left_to_the_handler,
                **kwargs,
            )(consume)
            return handler

        return register

    async def apply_batch(
        self, records: Iterable[Record], apply: Callable[[BatchRecord], Awaitable[T]]
    ) -> list[tuple[BatchRecord, T]]:
        """Apply every record of a batch: the records of one key in order, different keys at once
        (a key's partition owns its documents, so different keys never write the same one).

        Each record's failure is treated as a single-record consumer treats it: a record that does not
        decode, is rejected or keeps failing goes to the dead-letter topic and its key goes on; others
        are tried again in place. An infrastructure error stops its key, and once the other keys are
        done the whole batch is redelivered (``RedeliverBatch``). Returns what each applied record gave.
        """
        by_key: dict[bytes | None, list[BatchRecord]] = {}
        for record in records:
            try:
                envelope = Envelope.model_validate_json(record.value or b"")
            except MALFORMED_ERRORS as error:
                await self.dead_letters.dead_letter(record, error, "malformed")
                continue
            by_key.setdefault(record.key, []).append(BatchRecord(record, envelope))
        applied: list[tuple[BatchRecord, T]] = []
        stopped: list[BatchRecord] = []

        async def in_order(items: list[BatchRecord]) -> None:
            for item in items:
                while True:
                    try:
                        applied.append((item, await apply(item)))
                        break
                    except Exception as error:
                        if await self.dead_letters.handle_failure(item.record, error):
                            break  # dead-lettered: the key's next record goes on
                        if isinstance(error, INFRASTRUCTURE_ERRORS):
                            stopped.append(item)
                            return

        await all_settled(*(in_order(items) for items in by_key.values()))
        if stopped:
            raise RedeliverBatch(f"{len(stopped)} key(s) stopped by infrastructure errors")
        for item, _ in applied:
            self.dead_letters.succeeded(item.record)
        return applied

    async def publish(self, topic: Topic, envelope: Envelope) -> None:
        """Publish and wait until every in-sync replica has the record."""
        await self.publish_to(topic.name, envelope)

    async def publish_to(self, topic_name: str, envelope: Envelope) -> None:
        if envelope.type not in topic(topic_name).payloads:
            raise ValueError(f"{topic_name} carries no {envelope.type}: list it in the topic registry")
        await self.broker.publish(
            envelope.to_json(),
            topic=self.topic_name(topic_name),
            key=envelope.subject.encode(),
            # Structured mode of the CloudEvents Kafka binding: no ce_ headers, the value is the event.
            headers={"content-type": CLOUDEVENTS_JSON},
            correlation_id=envelope.correlation_id or str(envelope.id),
        )


def create_messaging(settings: ServiceSettings, registry: CollectorRegistry) -> Messaging:
    dead_letters = DeadLetters(
        topic=settings.topic_name(dead_letter_topic(settings.service)),
        group=settings.consumer_group,
        registry=registry,
        limit=settings.dead_letters,
    )
    broker = KafkaBroker(
        settings.kafka.bootstrap_servers,
        client_id=settings.service,
        acks="all",
        enable_idempotence=True,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        allow_auto_create_topics=False,
        graceful_timeout=15.0,
        # FastStream logs every record received and processed; keep that for debugging only.
        log_level=logging.DEBUG,
        middlewares=[
            KafkaPrometheusMiddleware(registry=registry, app_name=settings.service),
            dead_letters,
        ],
    )
    dead_letters.broker = broker
    router = KafkaRouter()
    return Messaging(settings=settings, broker=broker, router=router, dead_letters=dead_letters)


def _envelope_of(message: Any) -> Envelope:
    """A record's CloudEvent, whatever its content-type says: this one's, or the first envelope's
    (plain application/json), so that consumers read what an older version published."""
    return Envelope.model_validate_json(message.body)


def _records_of(message: KafkaMessage) -> list[Record]:
    """The records of a batch as aiokafka gave them (FastStream types its raw message loosely)."""
    return list(cast(tuple[Record, ...], message.raw_message))


def _left_to_the_handler(message: Any) -> None:
    """A batch's records are decoded one by one by ``Messaging.apply_batch``, so that
    one bad record goes to the dead-letter topic instead of failing the whole batch."""
    return None


async def ensure_topics(
    bootstrap_servers: str, names: Iterable[tuple[str, int]], replication_factor: int
) -> None:
    """Create the topics that do not exist yet (name, partitions); existing ones are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="textbus-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name=n, num_partitions=p, replication_factor=replication_factor)
            for n, p in names
            if n not in existing
        ]
        if missing:
            # Another service may create one between our look and our create.
            with suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    except KafkaError:
        log.exception("could not create topics")
        raise
    finally:
        await admin.close()
