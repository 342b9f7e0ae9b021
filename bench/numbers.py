"""The numbers service under load: adding a range, importing a CSV file, finding numbers.

The service runs in this process, as the e2e tests run it (``running(bootstrap(...))``),
over real Kafka and the real database, and every measure goes through its REST
API. Each measure gets a service of its own on a fresh database and fresh
topics, so none inherits another's documents or unfinished work, and is taken
next to its baselines on the same database and broker: the raw insert rate of
equivalent documents, the raw produce rate of as many records, and for searches
the raw query that the service's filter becomes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from bench import baselines
from bench.baselines import COMMIT, SEND, OperationCosts
from bench.infrastructure import delete_topics
from bench.measure import Latencies, Operations, ProcessCpu, Row, per_item, progress, timed
from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import AddNumber
from textbus.devinfra.processes import Endpoints
from textbus.kit.auth import Role, mint
from textbus.kit.kafka import ensure_topics
from textbus.kit.service import running
from textbus.kit.settings import AuthSettings, HttpSettings, KafkaSettings, MongoSettings, ServiceSettings
from textbus.numbers.adapters.numbers_store import to_document
from textbus.numbers.adapters.read_models import assignee_id
from textbus.numbers.bootstrap import bootstrap
from textbus.numbers.config import NumbersSettings
from textbus.numbers.domain.numbers import Assignee, NumberRecord
from textbus.search import search_digits

Document = dict[str, Any]

TENANT = "bench"
# National numbers (+1), one block per measure so that no two measures add the same number.
RANGE_START = 415_300_0000
IMPORT_START = 646_200_0000
SEARCH_START = 212_400_0000
NUMBER_FRAGMENT = "212 400 1"  # 1,000 of the searched numbers contain 2124001
ASSIGNEE_NAME = "Harper"  # one user of 50, so 1 in 250 of the searched numbers
USER_NAMES = [*(f"User {i:02d}" for i in range(49)), "Harper Quinn"]
GROUPS = 10
# Polling a job costs the database a read per command partition: poll often while a job is young,
# then every 2 s at most (under 2% of the job's time so far, so it barely blurs the measure either).
POLL_SECONDS = (0.25, 2.0)
PAGE = 50  # the service's default page size
COMMANDS, EVENTS = "numbers.commands.v1", "numbers.events.v1"
# The collections a job grows by one document per number; their look-ups cost more as they grow.
GROWING = ("numbers", "outcomes")


@dataclass(frozen=True)
class Sizes:
    range_numbers: int = 10_000
    import_rows: int = 50_000
    search_numbers: int = 100_000
    repeat: int = 20
    operation_sample: int = 1_000


# Small enough to run in about two minutes on FerretDB, whose look-ups slow down as collections grow.
QUICK = Sizes(range_numbers=200, import_rows=300, search_numbers=2_000, repeat=3, operation_sample=200)
MEASURES = ("range", "import", "search")


class BenchmarkFailed(RuntimeError):
    """The service did not do what was asked (a refused request, a failed number): no measure is valid."""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    where_time_goes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stopped: str | None = None
    """Why the run ended early (a signal), if it did; the rows hold what was measured until then."""


@dataclass
class Client:
    url: str
    http: aiohttp.ClientSession
    headers: dict[str, str]

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        async with self.http.request(method, f"{self.url}{path}", headers=headers, **kwargs) as answer:
            if answer.content_type in ("application/json", "application/problem+json"):
                return answer.status, await answer.json()
            return answer.status, await answer.text()


def limits_for(sizes: Sizes) -> NumbersSettings:
    """The service's own limits, raised where a measure needs more; the sweeper sleeps for a week
    (it sweeps once at start, over an empty database, and so never competes with a measure)."""
    defaults = NumbersSettings()
    return NumbersSettings(
        max_range_size=max(defaults.max_range_size, sizes.range_numbers),
        max_import_rows=max(defaults.max_import_rows, sizes.import_rows),
        max_import_bytes=max(defaults.max_import_bytes, 32 * sizes.import_rows),
        inactivity_sweep_seconds=7 * 24 * 3600,
    )


def stored_document(
    number: str, tenant: str, *, sms_capable: bool, assignee: Assignee | None = None
) -> Document:
    """A number as the service stores it once added (``to_document`` plus its id and bookkeeping)."""
    now = datetime.now(UTC)
    record = NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=sms_capable,
        carrier_profile_id=None,
        assignee=assignee,
        registration="unregistered",
        lifecycle="active",
        created_at=now,
        updated_at=now,
    )
    return {"_id": number, **to_document(record), "_applied": [str(uuid.uuid4())], "_outbox": []}


def add_command(number: str, tenant: str) -> tuple[bytes, bytes]:
    """The record the service publishes to add one number (value, key)."""
    command = AddNumber(number=number, requested_by="bench", sms_capable=True, job_id="bench")
    return Envelope.wrap(command, source="numbers", subject=number, tenant=tenant).to_json(), number.encode()


def import_file(rows: int) -> bytes:
    lines = ["Country Code,Phone Number,SMS Capable"]
    lines += [f"1,{IMPORT_START + i},Yes" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def searched_number(i: int) -> Document:
    """The i-th number of the searched inventory: a tenth not SMS capable, a fifth assigned to one
    of 50 users, a twentieth to one of 10 groups, the rest free."""
    assignee = None
    if i % 20 in (1, 2, 3, 4):
        assignee = Assignee(kind="user", id=f"u-{(i // 20) % len(USER_NAMES):02d}")
    elif i % 20 == 5:
        assignee = Assignee(kind="group", id=f"g-{(i // 20) % GROUPS}")
    return stored_document(f"+1{SEARCH_START + i}", TENANT, sms_capable=i % 10 != 0, assignee=assignee)


def the_enterprise() -> Document:
    """The enterprises read model's entry for the bench tenant: without it, its routes are 404s."""
    return {"_id": TENANT, "tenant": TENANT, "name": "Bench", "manages_own_numbers": False}


def known_assignees() -> list[Document]:
    """The assignees read model for the searched numbers, as the service learns it from events."""
    named = [("user", f"u-{i:02d}", name) for i, name in enumerate(USER_NAMES)]
    named += [("group", f"g-{i}", f"Team {i}") for i in range(GROUPS)]
    return [
        {
            "_id": assignee_id(TENANT, kind, id_),
            "tenant": TENANT,
            "kind": kind,
            "id": id_,
            "name": name,
            "enabled": True,
            "exists": True,
        }
        for kind, id_, name in named
    ]


@dataclass
class NumbersBench:
    """One measure's service, its API client and its database."""

    sizes: Sizes
    client: Client
    db: AsyncDatabase[Document]
    settings: ServiceSettings
    operations: Operations
    results: Results
    costs: OperationCosts | None
    budget_seconds: float | None
    cpu: ProcessCpu
    baselines_due: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def kafka(self) -> str:
        return self.settings.kafka.bootstrap_servers

    @property
    def scratch_topic(self) -> str:
        return self.settings.topic_name("bench.scratch")

    async def add_range(self) -> None:
        count = self.sizes.range_numbers
        first, last = RANGE_START, RANGE_START + count - 1
        label = f"range of {count:,}"
        progress(f"{label}: POST /number-ranges, then GET /jobs/{{id}} until completed")
        body = {"country_code": 1, "first": str(first), "last": str(last), "sms_capable": True}
        await self._job(label, "numbers/s", count, "POST", f"/v1/tenants/{TENANT}/number-ranges", json=body)
        self.baselines_due.append((label, "numbers/s", [f"+1{n}" for n in range(first, last + 1)]))

    async def import_csv(self) -> None:
        count = self.sizes.import_rows
        label = f"CSV import of {count:,} rows"
        data = import_file(count)
        progress(
            f"{label} ({len(data):,} bytes): POST /number-imports, then GET /jobs/{{id}} until completed"
        )
        path = f"/v1/tenants/{TENANT}/number-imports"
        await self._job(label, "rows/s", count, "POST", path, data=data, headers={"Content-Type": "text/csv"})
        self.baselines_due.append((label, "rows/s", [f"+1{IMPORT_START + i}" for i in range(count)]))

    async def _job(self, label: str, unit: str, count: int, method: str, path: str, **request: Any) -> None:
        """Start a job through the API and wait for it (or for the budget to run out); records its rate,
        what each number cost, and what those costs predict."""
        detail: dict[str, Any] = {
            "numbers": count,
            "progress": [],
            "commands_at_once": limits_for(self.sizes).command_batch_size,
        }
        self.results.details[label] = detail
        with self.operations.recording() as tallies:
            start, cpu = time.perf_counter(), self.cpu.snapshot()
            status, job = await self.client.call(method, path, **request)
            detail["request_answered_s"] = time.perf_counter() - start
            if status != 202:
                raise BenchmarkFailed(f"{label}: {method} {path} answered {status}: {job}")
            try:
                job = await self._until_completed(label, job["job_id"], count, start, detail)
            except asyncio.CancelledError:
                seen = {"processed": detail.get("processed", 0)}
                elapsed = time.perf_counter() - start
                detail["busy_cores"] = self.cpu.cores(cpu, self.cpu.snapshot(), elapsed)
                self._record_job(label, unit, count, seen, elapsed, tallies, "stopped")
                raise
            elapsed = time.perf_counter() - start
            detail["busy_cores"] = self.cpu.cores(cpu, self.cpu.snapshot(), elapsed)
        completed = job["status"] == "completed"
        if job["failed"] or (completed and job["succeeded"] != count):
            raise BenchmarkFailed(f"{label}: {job['succeeded']} succeeded, {job['failed']} failed of {count}")
        self._record_job(label, unit, count, job, elapsed, tallies, None if completed else "budget spent")
        if completed:
            await self._time_job_results(label, job["job_id"])

    def _record_job(
        self,
        label: str,
        unit: str,
        count: int,
        job: dict[str, Any],
        elapsed: float,
        tallies: dict[str, Any],
        cut_short: str | None,
    ) -> None:
        processed = int(job.get("processed", 0))
        rate = processed / elapsed
        measure = f"{label}: end to end"
        if cut_short:
            measure += f" ({cut_short}: {processed:,} done in {elapsed / 60:.1f} min)"
        operations = per_item(tallies, max(processed, 1))
        self.results.where_time_goes[label] = operations
        detail = self.results.details[label]
        detail.update(processed=processed, elapsed_s=elapsed, rate_per_s=rate, cut_short=cut_short)
        progress(f"{label}: {rate:,.2f}/s end to end ({processed:,} in {elapsed:,.1f} s)")
        if self.costs is None or not processed:
            self.results.rows.append(Row(measure, rate, unit, "rate"))
            return
        near_empty = self._predicted_seconds(operations, processed, growing=False)
        growing = self._predicted_seconds(operations, processed, growing=True)
        detail["predicted_rate_per_s"] = {"near_empty": 1 / near_empty, "growing": 1 / growing}
        self.results.rows += [
            Row(measure, rate, unit, "rate", "its operations one after another, near-empty", 1 / near_empty),
            Row(measure, rate, unit, "rate", "its operations one after another, as grown", 1 / growing),
        ]

    def _predicted_seconds(self, operations: list[dict[str, Any]], processed: int, *, growing: bool) -> float:
        """Seconds per number if the consumer applied one command at a time (it applies a batch's
        numbers at once), pricing each operation seen at its cost measured alone: database commands,
        publishing the event, committing the offset.
        Publishing the commands is left out (the job runner has a whole chunk in flight at once).
        ``growing``: look-ups in the collections the job fills cost what they cost at the job's mean
        collection size (half its numbers), else what they cost in a near-empty collection."""
        assert self.costs is not None
        total = 0.0
        for op in operations:
            name, per_number = op["operation"], op["per_item"]
            if name == f"kafka publish {EVENTS}":
                total += per_number * self.costs.kafka[SEND].mean
            elif name == "kafka commit":
                total += per_number * self.costs.kafka[COMMIT].mean
            elif name.startswith("db "):
                collection = name.split()[2] if len(name.split()) > 2 else ""
                size = processed / 2 if growing and collection in GROWING else baselines.SMALL
                total += per_number * self.costs.database(baselines.priced_as(name), size)
        return total

    async def _until_completed(
        self, label: str, job_id: str, count: int, start: float, detail: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/v1/tenants/{TENANT}/jobs/{job_id}"
        told = noted = start
        while True:
            status, job = await self.client.call("GET", path)
            if status != 200:
                raise BenchmarkFailed(f"{label}: GET {path} answered {status}: {job}")
            now = time.perf_counter()
            detail["processed"] = job["processed"]
            if job["status"] == "completed":
                return dict(job)
            if self.budget_seconds is not None and now - start > self.budget_seconds:
                return dict(job)
            if now - noted >= 5:
                noted = now
                detail["progress"].append([round(now - start, 1), job["processed"]])
            if now - told >= 30:
                told = now
                progress(f"{label}: {job['processed']:,}/{count:,} after {now - start:,.0f} s")
            shortest, longest = POLL_SECONDS
            await asyncio.sleep(min(longest, max(shortest, (now - start) / 50)))

    async def _time_job_results(self, label: str, job_id: str) -> None:
        """The job's results once completed (every number's outcome), next to the raw find of them."""
        results = await timed(
            lambda: self.client.call("GET", f"/v1/tenants/{TENANT}/jobs/{job_id}?results=true")
        )
        outcomes = self.db["outcomes"]
        raw = await timed(lambda: outcomes.find({"job_id": job_id}, {"_outbox": 0}).to_list())
        self.results.rows.append(
            Row(
                f"{label}: job results (GET ?results=true)",
                1000 * results,
                "ms",
                "latency",
                "find the job's outcomes by job_id",
                1000 * raw,
            )
        )

    async def compare_with_baselines(self) -> None:
        """The baselines of the measures taken, once the service has stopped: a job cut short by the
        budget would otherwise still be at work in the database while they run."""
        for label, unit, numbers in self.baselines_due:
            await self._compare_with_baselines(label, unit, numbers)

    async def _compare_with_baselines(self, label: str, unit: str, numbers: list[str]) -> None:
        progress(
            f"{label}: baselines of {len(numbers):,} (insert_many, insert_one one by one, Kafka produce)"
        )
        documents = [stored_document(n, TENANT, sms_capable=True) for n in numbers]
        records = [add_command(n, TENANT) for n in numbers]
        insert_many = await baselines.insert_many_rate(self.db, documents)
        insert_one = await baselines.insert_one_rate(self.db, documents)
        produce = await baselines.produce_rate(self.kafka, self.scratch_topic, records)
        rows = self.results.rows
        first = next(i for i, r in enumerate(rows) if r.measure.startswith(f"{label}: end to end"))
        measure = rows[first]
        compared = [
            Row(
                measure.measure, measure.value, unit, "rate", "insert_many of the same documents", insert_many
            ),
            Row(measure.measure, measure.value, unit, "rate", "insert_one, one by one", insert_one),
            Row(
                measure.measure,
                measure.value,
                unit,
                "rate",
                "Kafka produce, acks=all, all in flight",
                produce,
            ),
        ]
        # Before the predictions, or in place of the measure's line without a baseline.
        rows[first : first + 1 if measure.baseline is None else first] = compared

    async def find_numbers(self) -> None:
        count = self.sizes.search_numbers
        progress(f"seeding {count:,} numbers straight into the service's database")
        await self.db["assignees"].insert_many(known_assignees())
        start = time.perf_counter()
        for first in range(0, count, 10_000):
            documents = [searched_number(i) for i in range(first, min(count, first + 10_000))]
            await self.db["numbers"].insert_many(documents)
        self.results.details["search"] = {
            "numbers": count,
            "seeded_per_s": count / (time.perf_counter() - start),
            "queries": {},
        }
        harper = [
            d["_id"].removeprefix(f"{TENANT}/") for d in known_assignees() if ASSIGNEE_NAME in d["name"]
        ]
        # Each search's baseline is the same selection as one raw query of the numbers collection:
        # a number regex, the assignee keys the name matches.
        searches = [
            (
                "quick search, number fragment",
                {"q": NUMBER_FRAGMENT},
                {"_id": {"$regex": search_digits(NUMBER_FRAGMENT)}},
            ),
            (
                "quick search, assignee name",
                {"q": ASSIGNEE_NAME},
                {
                    "$or": [
                        {"_id": {"$regex": ASSIGNEE_NAME, "$options": "i"}},
                        {"assignee_key": {"$in": harper}},
                    ]
                },
            ),
            (
                "Services filter: unassigned",
                {"services": "unassigned"},
                {"sms_capable": True, "assignee_key": None},
            ),
        ]
        numbers = self.db["numbers"]
        of_tenant: Document = {"tenant": TENANT, "deleted": False}
        runs = len(searches) + 2
        for name, params, selection in searches:
            where = {"$and": [of_tenant, selection]}

            async def raw_query(where: Document = where) -> None:
                await numbers.count_documents(where)
                await numbers.find(where).sort("_id", 1).limit(PAGE).to_list()

            raw = "the same query, raw: count + find of a page"
            await self._search(f"{name} over {count:,}", params, raw_query, raw, runs)

        async def by_name_raw() -> None:
            # What a sort by name is on the database: the count per assignee, then the numbers of
            # the name the first page falls in (the unassigned ones: no name sorts first).
            cursor = await numbers.aggregate(
                [{"$match": of_tenant}, {"$group": {"_id": "$assignee_key", "count": {"$sum": 1}}}]
            )
            await cursor.to_list()
            where = {"$and": [of_tenant, {"assignee_key": {"$in": [None]}}]}
            await numbers.find(where).sort("_id", 1).limit(PAGE).to_list()

        await self._search(
            f"sorted by assignee name over {count:,}",
            {"sort": "assignee"},
            by_name_raw,
            "the same queries, raw: count per assignee + find of a page",
            runs,
        )

        async def export_raw() -> None:
            cursor = numbers.find(of_tenant, {"_outbox": 0, "_applied": 0}, batch_size=500).sort("_id", 1)
            async for _ in cursor:
                pass

        await self._search(
            f"export (CSV) over {count:,}",
            {},
            export_raw,
            "the same query, raw: every number through one cursor",
            runs,
            export=True,
        )

    async def _search(
        self,
        label: str,
        params: dict[str, str],
        raw_query: Callable[[], Awaitable[None]],
        baseline: str,
        searches: int,
        *,
        export: bool = False,
    ) -> None:
        """The request through the API and the raw queries it becomes, taken in turns, ``repeat``
        times each (fewer when the budget's share for this search is spent)."""
        route = "numbers/export" if export else "numbers"
        path = f"/v1/tenants/{TENANT}/{route}" + (f"?{urlencode(params)}" if params else "")
        repeat = min(self.sizes.repeat, 3) if export else self.sizes.repeat
        progress(f"{label}: GET {path}, and the raw query, {repeat} times each")
        status, answer = await self.client.call("GET", path)  # warm-up, and what it finds
        found = answer.count("\n") - 1 if export and status == 200 else (answer or {}).get("total", 0)
        if status != 200 or not found:
            raise BenchmarkFailed(f"{label}: {status} {str(answer)[:500]}")

        api: list[float] = []
        raw: list[float] = []
        start, cpu = time.perf_counter(), self.cpu.snapshot()
        with self.operations.recording() as tallies:
            for _ in range(repeat):
                if (
                    self.budget_seconds is not None
                    and time.perf_counter() - start > self.budget_seconds / searches
                ):
                    break
                with self.operations.paused():
                    raw.append(await timed(raw_query))
                api.append(await timed(lambda: self.client.call("GET", path)))
        self.results.where_time_goes[label] = per_item(tallies, len(api))
        self.results.details["search"]["queries"][label] = {
            "busy_cores": self.cpu.cores(cpu, self.cpu.snapshot(), time.perf_counter() - start),
            "path": path,
            "matches": found,
            "api_ms": [1000 * s for s in api],
            "raw_ms": [1000 * s for s in raw],
        }
        shown = label if len(api) == repeat else f"{label} ({len(api)} requests: budget spent)"
        api_ms, raw_ms = Latencies([1000 * s for s in api]), Latencies([1000 * s for s in raw])
        self.results.rows += [
            Row(f"{shown}: p50", api_ms.p50, "ms", "latency", baseline, raw_ms.p50),
            Row(f"{shown}: p95", api_ms.p95, "ms", "latency", baseline, raw_ms.p95),
        ]


def service_settings(endpoints: Endpoints, run: str) -> ServiceSettings:
    return ServiceSettings(
        service="numbers",
        http=HttpSettings(host="127.0.0.1", port=0),
        kafka=KafkaSettings(bootstrap_servers=endpoints.kafka_bootstrap, topic_prefix=f"{run}."),
        mongo=MongoSettings(url=endpoints.mongo_url, database_prefix=f"{run}_"),
    )


@dataclass
class Run:
    """Everything the measures of one ``./dev bench`` share."""

    endpoints: Endpoints
    sizes: Sizes
    results: Results
    budget_seconds: float | None
    clean_up: bool
    cpu: ProcessCpu
    operations: Operations = field(default_factory=lambda: Operations(database=""))
    costs: OperationCosts | None = None

    def __post_init__(self) -> None:
        # Before any service's client exists: pymongo fixes a client's listeners when it is made.
        monitoring.register(self.operations)

    async def measure_operation_costs(self) -> None:
        sample = self.sizes.operation_sample
        filled = max(self.sizes.range_numbers, 2 * baselines.SMALL)
        progress(f"single operations: {sample} of each near-empty, {max(10, sample // 20)} among {filled:,}")
        async with self._scratch() as (db, settings):
            topic = settings.topic_name("bench.scratch")
            self.costs = await baselines.operation_costs(
                db,
                self.endpoints.kafka_bootstrap,
                topic,
                settings.topic_name("bench"),
                sample=sample,
                filled=filled,
            )
        self.results.details["operation_costs"] = self.costs.as_json()

    @asynccontextmanager
    async def _scratch(self) -> AsyncIterator[tuple[AsyncDatabase[Document], ServiceSettings]]:
        name = f"bench{uuid.uuid4().hex[:8]}"
        settings = service_settings(self.endpoints, name)
        await ensure_topics(self.endpoints.kafka_bootstrap, [(settings.topic_name("bench.scratch"), 3)], 1)
        mongo: AsyncMongoClient[Document] = AsyncMongoClient(self.endpoints.mongo_url, tz_aware=True)
        try:
            yield mongo[settings.database_name], settings
        finally:
            # Scratch space goes even on a local, throwaway FerretDB: later measures share its disk.
            await mongo.drop_database(settings.database_name)
            await mongo.close()
            if self.clean_up:
                await delete_topics(self.endpoints.kafka_bootstrap, name)

    @asynccontextmanager
    async def numbers_service(self) -> AsyncIterator[NumbersBench]:
        """A numbers service of its own, in this process, with a client of its API; the measures'
        baselines follow on the same database once the service has stopped."""
        async with self._scratch() as (db, settings):
            self.operations.database = settings.database_name
            await db["enterprises"].insert_one(the_enterprise())
            service = bootstrap(settings, limits_for(self.sizes))
            self.operations.watch_kafka(service.messaging)
            token = mint(
                AuthSettings(), subject="bench", tenant=TENANT, role=Role.PROVIDER, ttl_seconds=86_400
            )
            async with (
                running(service) as live,
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3600)) as http,
            ):
                client = Client(live.url, http, {"Authorization": f"Bearer {token}"})
                bench = NumbersBench(
                    self.sizes,
                    client,
                    db,
                    settings,
                    self.operations,
                    self.results,
                    self.costs,
                    self.budget_seconds,
                    self.cpu,
                )
                yield bench
            await bench.compare_with_baselines()


async def run(
    endpoints: Endpoints,
    sizes: Sizes,
    measures: tuple[str, ...],
    results: Results,
    *,
    budget_seconds: float | None,
    clean_up: bool,
    cpu: ProcessCpu,
) -> None:
    """Every measure asked for, each with a service and a database of its own, into ``results``."""
    bench = Run(endpoints, sizes, results, budget_seconds, clean_up, cpu)
    await bench.measure_operation_costs()
    if "range" in measures:
        async with bench.numbers_service() as service:
            await service.add_range()
    if "import" in measures:
        async with bench.numbers_service() as service:
            await service.import_csv()
    if "search" in measures:
        async with bench.numbers_service() as service:
            await service.find_numbers()
