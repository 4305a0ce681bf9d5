"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's
live server. No browser is downloaded: ``executable_path`` points at /usr/bin/chromium
(installed by .ci/run). Each clinic is reached at its own ``*.localhost`` name, which
Chromium resolves to the loopback address.

With ``SAVE_SCREENSHOTS=1`` the tests' screenshots replace the ones under
docs/screenshots/ that the README shows; otherwise none are taken."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.fixtures.browser import CHROMIUM as CHROMIUM_PROCESS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def _serialized_db_contents(django_db_setup):
    """The database as migrations left it (Wagtail's root page, the default site),
    serialized by pytest-django for ``serialized_rollback``, kept from the start."""
    from django.db import connections

    return {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }


@pytest.fixture(autouse=True)
def _serialized_rollback_after_browsing(_serialized_db_contents, django_db_blocker):
    """After a test that drove the browser, the next test's connection object no longer
    carries the serialized contents (seen with Playwright's sync API, which runs an event
    loop in this thread), so ``serialized_rollback`` silently restores nothing and the
    test starts without Wagtail's root page. Give the connection the contents back and
    restore them, as Django would have."""
    from django.db import connections

    for alias, contents in _serialized_db_contents.items():
        connection = connections[alias]
        if contents and not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
            with django_db_blocker.unblock():
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser(browser_type_launch_args, _serialized_db_contents):
    """Chromium, started by the first browser test of this process and kept for the
    browser tests that follow it (``tests.fixtures.browser.CHROMIUM``)."""
    from django.db import connections

    # Chromium is part of the test setup (.ci/run installs it): a missing browser fails
    # these tests rather than skipping them, so a green run always drove the browser.
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    browser = CHROMIUM_PROCESS.get(browser_type_launch_args)
    # Once the event loop runs, this thread sees other connection objects: give them the
    # serialized contents too, so that the flush after this test leaves the tables empty
    # for the next test's restore (without them the flush recreates the content types,
    # and the restore then collides with them).
    for alias, contents in _serialized_db_contents.items():
        if contents and not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents
    return browser


@pytest.fixture
def phone(browser):
    """A phone-sized page (touch, small viewport)."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot():
    """``shot(page, "name")`` saves a full-page screenshot for the README, with
    ``SAVE_SCREENSHOTS=1``; otherwise nothing (a screenshot nobody looks at cost a few
    tenths of a second each, two dozen times a run)."""
    folder = Path(settings.BASE_DIR) / "docs" / "screenshots"

    def take(page, name):
        if os.environ.get("SAVE_SCREENSHOTS"):
            folder.mkdir(parents=True, exist_ok=True)
            # A full-page capture leaves fixed bars where the first screen ended: put the
            # phone's tab bar at the end of the page for the picture (CSSOM, CSP allows).
            page.evaluate(
                "document.querySelectorAll('.tab-bar').forEach(b => b.style.position = 'static')"
            )
            # From the top: a sticky header scrolled with the page (a form filled further
            # down) would otherwise be drawn mid-picture.
            page.evaluate("window.scrollTo(0, 0)")
            path = folder / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            _shrink(path)
            page.evaluate(
                "document.querySelectorAll('.tab-bar').forEach(b => b.style.position = '')"
            )

    return take


def _shrink(path):
    """A screenshot in 256 colours (a third of the bytes, the same to the eye): the README's
    pictures stay small in the repository."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


SETTLED_SCRIPT = """async () => {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const finite = document.getAnimations().filter(
        (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity
    );
    await Promise.all(finite.map((a) => a.finished.catch(() => null)));
}"""


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core (from npm, see package.json) on the page as it is and
    fails on any serious or critical violation, listing them."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make install-test does).")

    def check(page):
        # After a redirect (a form's POST) the page may still be loading its stylesheets:
        # contrast is measured on the page as the person sees it.
        page.wait_for_load_state("load")
        # Wagtail fades its messages in (opacity over 0.5 s): measured mid-fade, white text
        # on a half-transparent green fails contrast. Let started transitions finish (two
        # frames first, so ones begun by load handlers are running; endless ones skipped).
        page.evaluate(SETTLED_SCRIPT)
        # Evaluated through the DevTools protocol: the portal's Content-Security-Policy
        # (rightly) refuses an inline <script>, which add_script_tag would insert.
        page.evaluate(AXE_SCRIPT.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = "\n".join(
            f"{v['impact']}: {v['id']} — {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"Accessibility violations on {page.url}:\n{details}"

    return check
