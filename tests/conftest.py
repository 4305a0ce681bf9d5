"""The shared fixtures live in tests/fixtures/ (one module per area) and are registered
here once, so every test sees one fixture per name. Directory conftests hold only what
applies to their directory alone."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.clinics",
    "tests.fixtures.booking",
    "tests.fixtures.payments",
    "tests.fixtures.people",
    "tests.fixtures.records",
    "tests.fixtures.forms",
    "tests.fixtures.loyalty",
    "tests.fixtures.portal",
    "tests.fixtures.reports",
    "tests.fixtures.sync",
    "tests.fixtures.automations",
    "tests.fixtures.commerce",
    "tests.fixtures.privacy",
    "tests.fixtures.push_providers",
]

import pytest  # noqa: E402

# The longest tests, started first among those that need a real transaction (which
# pytest-django runs after the rest): on two workers, one of them picked last would keep
# the other idle for its whole length.
_LONGEST_FIRST = ("tests/records/test_migration_keeps_rows.py", "tests/browser/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Keep pytest-django's groups (database tests, transactional tests, the rest) and
    their order, but start the longest tests of each group first, and run the tests that
    share rows (the same clinics, tests/fixtures/database.py) next to each other."""
    # Imported here: at the conftest's import the plugin would not be assert-rewritten.
    from tests.fixtures.database import shared_rows_key

    position = {id(item): index for index, item in enumerate(items)}
    items.sort(
        key=lambda item: (
            _group(item),
            _rank(item),
            shared_rows_key(item),
            position[id(item)],
        )
    )


def _rank(item):
    for rank, prefix in enumerate(_LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(_LONGEST_FIRST)


def _group(item):
    """pytest-django's group: 0 database, 1 transactional, 2 no database."""
    from tests.fixtures.database import is_transactional, uses_database

    if is_transactional(item):
        return 1
    return 0 if uses_database(item) else 2


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's load scheduling, with each worker's queue kept two tests deep.

    xdist fills a worker that runs quick tests up to an eighth of what is left; when the
    quick database tests run out, one worker holds the long migration and browser tests
    queued behind them while the other runs out of work (36 s of a two-minute run)."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class ShallowQueues(LoadScheduling):
        def check_schedule(self, node, duration=0):
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            # A worker runs a test once it knows the next one: two queued keeps it busy.
            missing = 2 - len(self.node2pending[node])
            if missing > 0:
                self._send_tests(node, missing)

    return ShallowQueues(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """The browser tests' Chromium (and the event loop it runs in this thread) stops
    before any other test (tests/fixtures/browser.py)."""
    if "browser" not in getattr(item, "fixturenames", ()):
        from tests.fixtures.browser import CHROMIUM

        CHROMIUM.stop()


def pytest_sessionfinish(session):
    from tests.fixtures.browser import CHROMIUM

    CHROMIUM.stop()
