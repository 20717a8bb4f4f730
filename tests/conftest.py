"""Suite-wide settings: offscreen Qt, and no test may touch the user's real config or keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# FFmpeg (in Qt's multimedia) would print a line per HLS segment to stderr: as in the app, its lines go through Qt's
# message handler (pytest-qt's during a test), never to the terminal.
from muxclipper.qt.qt_messages import route_to_log  # noqa: E402

route_to_log()

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token  # noqa: E402
from tests.emulator.helpers import RO, RW, Emu  # noqa: E402
from tests.emulator.media_helpers import wait_settled  # noqa: E402
from tests.openapi_check import validate_response  # noqa: E402
from tests.support.media_cache import cache_root  # noqa: E402

PROCESSING_SECONDS = 5.0


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    config = EmulatorConfig(tokens=(Token(*RW), Token(*RO, read_only=True)), rate_limits=None,
                            processing_seconds=PROCESSING_SECONDS, media=False)
    with EmulatorServer(config) as server:
        yield server


@pytest.fixture(scope="session")
def _emu_clients(emulator_server: EmulatorServer) -> Iterator[Emu]:
    # httpx builds an SSL context per client (~0.1 s): build them once for the session.
    url = emulator_server.url
    hooks = {"response": [_check_against_spec]}
    clients = [httpx.Client(base_url=url, auth=RW, timeout=10, event_hooks=hooks),
               httpx.Client(base_url=url, auth=RO, timeout=10, event_hooks=hooks),
               httpx.Client(base_url=url, timeout=10, event_hooks=hooks),
               httpx.Client(base_url=url, timeout=10)]
    yield Emu(url, *clients)
    for client in clients:
        client.close()


@pytest.fixture
def emu(_emu_clients: Emu) -> Emu:
    _emu_clients.ctl("POST", "reset")
    _emu_clients.ctl("PUT", "config", {"rate_limits": None, "processing_seconds": PROCESSING_SECONDS})
    return _emu_clients


def _check_against_spec(response: httpx.Response) -> None:
    """Every API answer any emulator test sees must match Mux's OpenAPI description."""
    path = response.request.url.path
    if not path.startswith(("/video/", "/system/")) or response.status_code == 204:
        return
    if response.headers.get("x-emulator-fault") == "malformed":
        return  # deliberately not JSON
    response.read()
    validate_response(response.request.method, path, response.status_code, response.json())




@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own job history; none ever touches the user's."""
    monkeypatch.setenv("MUXCLIPPER_DATA_DIR", str(tmp_path_factory.mktemp("data")))


SMALL_SOURCE = "emulator://generated?duration=12&fps=25&width=320&height=180&preroll=1&postroll=1&captions=1"


@pytest.fixture(scope="session")
def generated_cache() -> Path:
    """Generated sources are deterministic: each is made once, for every test and xdist worker (and kept between
    local runs): tests/support/generated_media.py."""
    from tests.support.generated_media import generated_dir

    return generated_dir()


@pytest.fixture(scope="session")
def media_server(generated_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    # file:// inputs from the tests' own temporary folders (test_media_clips.py)
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=generated_cache,
                            file_folders=(tmp_path_factory.getbasetemp(), cache_root()))
    with EmulatorServer(config) as server:
        yield server


@pytest.fixture(scope="session")
def media_api(media_server: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=media_server.url, auth=RW, timeout=30) as client:
        yield client


@pytest.fixture
def frozen_clock(media_api: httpx.Client) -> Iterator[None]:
    """The shared media emulator's clock moves only when a test advances it: every duration is exactly what the test
    advanced, however slowly the requests go on a busy machine (real time once leaked 0.109 s into a 2 s session, and
    4 s into a live recording's 8)."""
    assert media_api.post("/_emulator/clock/freeze", json={"frozen": True}).status_code == 200
    yield
    assert media_api.post("/_emulator/clock/freeze", json={"frozen": False}).status_code == 200


@pytest.fixture(scope="session")
def stamped_source(media_api: httpx.Client) -> dict[str, Any]:
    """A ready 12 s, 25 fps asset with captions and 1 s slates, every frame stamped with its index."""
    from tests.support.generated_media import pregenerate

    pregenerate(SMALL_SOURCE)  # every xdist worker's media server asks for it at once: one makes it
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": SMALL_SOURCE}], "playback_policies": ["public", "signed"],
        "static_renditions": [{"resolution": "highest"}, {"resolution": "audio-only"}]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"])
    assert asset["status"] == "ready", asset
    return asset


class CorpusAssets(dict[str, dict[str, Any]]):
    """Items of the media corpus (tests/support/corpus.py) uploaded to the media emulator, ready, by name; an item
    no test of the session named upfront is uploaded when first asked for."""

    def __init__(self, api: httpx.Client, names: list[str]) -> None:
        super().__init__()
        self.api = api
        self.upload(names)

    def upload(self, names: list[str]) -> None:
        """Upload ``names`` at once (the emulator's two workers ingest them side by side), then wait for each."""
        from tests.support import corpus

        items = {item.name: item for item in corpus.ITEMS}
        started = {}
        for name in names:
            item = items[name]
            body: dict[str, Any] = {"inputs": [{"url": corpus.media(item).as_uri()}], "playback_policies": ["public"]}
            if item.tier:
                body["max_resolution_tier"] = item.tier
            response = self.api.post("/video/v1/assets", json=body)
            assert response.status_code == 201, response.text
            started[name] = response.json()["data"]["id"]
        for name, asset_id in started.items():
            self[name] = wait_settled(self.api, asset_id, timeout=120)

    def __missing__(self, name: str) -> dict[str, Any]:
        self.upload([name])
        return self[name]


@pytest.fixture(scope="session")
def corpus_assets(media_api: httpx.Client, request: pytest.FixtureRequest) -> CorpusAssets:
    """The corpus items this session's tests are parametrized with (all of them in a full run: ``-k`` picks fewer,
    for a quicker loop), uploaded once, ready; any other item on first use."""
    from tests.support import corpus

    asked = {param.name for test in request.session.items
             for param in getattr(getattr(test, "callspec", None), "params", {}).values()
             if isinstance(param, corpus.Item)}
    names = [item.name for item in corpus.ITEMS if item.name in asked]
    return CorpusAssets(media_api, names)


@pytest.fixture(autouse=True)
def _memory_keyring(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Unit tests never touch a real keyring or config; ``secret_service`` tests use the real one."""
    import keyring

    from tests.support.memory_keyring import MemoryKeyring

    monkeypatch.setenv("MUXCLIPPER_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    if request.node.get_closest_marker("secret_service"):
        yield
        return
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread() -> Iterator[None]:
    """Qt objects caught in reference cycles must die here, not in whichever thread (the emulator's
    server, say) happens to trigger the next garbage collection: Qt warns, and the warning fails a test."""
    yield
    import gc

    gc.collect()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _no_window_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test closes every window it shows. One left open (however long Python keeps it alive) is still a visible
    window of the process's one QApplication, so ``lastWindowClosed``, which the window's run (``run_window``) waits on
    to end, never comes in any later test of the same worker: that test timed out far from the cause. The window is
    closed here, and a test that passed otherwise fails, naming it (one that failed midway says why already)."""
    yield
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or widgets.QApplication.instance() is None:
        return
    from PySide6.QtCore import Qt

    kinds = (Qt.WindowType.Window, Qt.WindowType.Dialog)
    left = [w for w in widgets.QApplication.topLevelWidgets() if w.isVisible() and w.windowType() in kinds]
    for window in left:
        window.close()
    if left and not request.node.stash.get(_CALL_FAILED, False):
        pytest.fail(f"the test left {len(left)} window(s) open: "
                    f"{', '.join(f'{type(w).__name__} {w.windowTitle()!r}' for w in left)}; close what it shows "
                    "(after its aclose(), window.close()), or later tests waiting for the last window to close hang")


def pytest_configure(config: pytest.Config) -> None:
    """With MUXCLIPPER_TEST_TIMELINE=DIR, where each test's time and CPU went (tests/support/run_timeline.py)."""
    from tests.support.run_timeline import install

    install(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order scripts/test.sh's xdist workers take the test modules in (``--dist loadscope``: each module whole on
    one worker, so that a fixture made once per module, a frozen build or a real X screen, is made once; the suite's
    own session fixtures, the emulators, are per worker, their generated media shared by tests/support/
    generated_media.py). The modules with the longest work go first, packaging, then the real window, then those
    with slow tests, so that neither worker is left with a long module while the other has finished.

    (``--dist loadgroup`` would spread a module's tests, but pytest-xdist 3.8 cannot name the groups under pytest 9.2:
    it writes the group into a node id attribute pytest no longer reads.)
    """
    from tests.support.xdist_scopes import TOGETHER

    heaviest = ("packaging", "together", "real_window", "slow")

    def rank(item: pytest.Item) -> int:
        if item.nodeid.split("::", 1)[0] in TOGETHER:  # the media corpus's two modules: minutes on one worker
            return heaviest.index("together")
        return next((n for n, name in enumerate(heaviest) if item.get_closest_marker(name)), len(heaviest))

    modules: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        modules[module] = min(modules.get(module, len(heaviest)), rank(item))
    order = {module: n for n, module in enumerate(modules)}
    items.sort(key=lambda item: (modules[item.nodeid.split("::", 1)[0]], order[item.nodeid.split("::", 1)[0]]))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands what its reliability suites tried to the controller (pytest_testnodedown)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        from tests.support.reliability_counts import counts

        output["reliability_counts"] = counts()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadscope, with the real-window walks split by screen size (tests/support/xdist_scopes.py)."""
    from tests.support.xdist_scopes import make_scheduler

    return make_scheduler(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    from tests.support.reliability_counts import add

    add(getattr(node, "workeroutput", {}).get("reliability_counts", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The reliability suites' counts (schedules, kills, damaged files, bad inputs, fuzz cases), when any ran."""
    from tests.support.reliability_counts import counts

    tried = counts()
    if tried:
        terminalreporter.section("reliability counts")
        for kind, n in tried.items():
            terminalreporter.write_line(f"{kind}: {n:,}")
