"""The numbers REST API: thin routes, each validates its input and hands it to the bus, or reads."""

from textbus.kit.bus import MessageBus
from textbus.kit.clock import Clock
from textbus.kit.http import Api
from textbus.numbers.config import NumbersSettings
from textbus.numbers.entrypoints.http.bulk import register_bulk_routes
from textbus.numbers.entrypoints.http.imports import register_import_routes
from textbus.numbers.entrypoints.http.jobs import register_job_routes
from textbus.numbers.entrypoints.http.numbers import register_number_routes
from textbus.numbers.entrypoints.http.problems import register_problems
from textbus.numbers.entrypoints.http.ranges import register_range_routes
from textbus.numbers.service.jobs import Jobs
from textbus.numbers.service.queries import Catalog


def register_routes(
    api: Api, bus: MessageBus, catalog: Catalog, jobs: Jobs, settings: NumbersSettings, clock: Clock
) -> None:
    describe_path_parameters(api)
    register_problems(api)
    # In this order: aiohttp matches routes as registered (/numbers/export before /numbers/{number}).
    register_number_routes(api, bus, catalog, clock)
    register_range_routes(api, bus, settings)
    register_import_routes(api, bus, settings)
    register_bulk_routes(api, bus)
    register_job_routes(api, jobs)


def describe_path_parameters(api: Api) -> None:
    api.path_parameter(
        "number",
        "The phone number, E.164 (+14155550100); other common formats are read too.",
        minLength=1,
        maxLength=40,
    )
    api.path_parameter("job_id", "The job's id, from the answer that started it.", minLength=1, maxLength=100)


__all__ = ["register_routes"]
