"""The shared fixtures live in tests/fixtures/ (one module per area) and are registered
here once, so every test sees one fixture per name. Directory conftests hold only what
applies to their directory alone."""

pytest_plugins = [
    "tests.fixtures.clinics",
    "tests.fixtures.booking",
    "tests.fixtures.payments",
    "tests.fixtures.people",
    "tests.fixtures.records",
    "tests.fixtures.forms",
    "tests.fixtures.loyalty",
]
