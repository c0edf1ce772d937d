"""One world per test module (building it takes a few seconds); each test runs inside its own
savepoint on top of it, so what a request writes is rolled back after the test."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
