"""The rules of versioned writes across processes: where a revision stands, who may roll it forward,
and how writers that collided spread out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from textbus.assignments.adapters.revisions import GRACE, claim_id, standing
from textbus.assignments.service.assignees import ATTEMPTS, LONGEST_PAUSE_SECONDS, pause_limit

AT = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("document_version", [5, 6])
def test_a_revision_the_document_has_reached_is_applied_whatever_its_age(document_version: int) -> None:
    assert standing(5, document_version, timedelta()) == "applied"
    assert standing(5, document_version, GRACE * 10) == "applied"


def test_a_revision_ahead_of_its_document_is_its_authors_until_the_grace_has_passed() -> None:
    assert standing(5, 4, GRACE - timedelta(milliseconds=1)) == "in-flight"
    assert standing(5, 4, GRACE) == "abandoned"
    assert standing(1, 0, GRACE * 2) == "abandoned"  # a creation left behind


def test_one_claim_per_revision_and_period_so_a_crashed_claimer_blocks_one_period_at_most() -> None:
    assert claim_id("groups/acme/g1/5", AT) == claim_id("groups/acme/g1/5", AT + GRACE / 3)
    assert claim_id("groups/acme/g1/5", AT) != claim_id("groups/acme/g1/5", AT + GRACE)
    assert claim_id("groups/acme/g1/5", AT) != claim_id("groups/acme/g1/6", AT)
    assert claim_id("groups/acme/g1/5", AT).startswith("groups/acme/g1/5/roll-forward/")


def test_pauses_between_tries_grow_to_a_ceiling() -> None:
    limits = [pause_limit(attempt) for attempt in range(1, ATTEMPTS)]
    assert limits == sorted(limits)
    assert limits[0] > 0
    assert limits[-1] == LONGEST_PAUSE_SECONDS
