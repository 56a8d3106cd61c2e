"""A browser tab's conversation with a Streamlit server, over its websocket, without a
browser: the one place outside Streamlit that speaks its private protocol (the load test
and the deploy tests drive the app with it; tests/deploy/test_stclient.py fails when
Streamlit's messages change under it).

What the page does, and so this does (from streamlit/web/server/, runtime/app_session.py
and the frontend's App):
- connect to /_stcore/stream with subprotocol "streamlit" (the page also passes an XSRF
  token there; the server only checks it for auth cookies, and only with an Origin);
- send BackMsg.rerun_script(ClientState: query_string, widget_states, page_script_hash,
  context_info) to run the script; a button press is one such rerun whose widget_states
  hold {id of the button, trigger_value: true};
- a v2 component's trigger (`setTrigger(name, value)` in its page script) is a rerun of
  the component's fragment whose widget_states hold its "events" widget with a JSON
  trigger value [{"event": name, "value": value}];
- read the ForwardMsgs: new_session (the page's script hash), script_finished, and each
  delta's new element: buttons (their widget ids), bidi_component (its JSON data, handed
  to `on_component`), exception (the app raised).
Differences from the page, none of which change the server's work much: it sends only
the widget values it changes (the page sends all of them; the server keeps the rest), no
cached_message_hashes (the server then sends elements in full), and it keeps no timers
for auto_rerun (the app asks for no `run_every`).
"""
import asyncio
import json
import threading
import time
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import (  # a component trigger's widget id
    STREAMLIT_INTERNAL_KEY_PREFIX as INTERNAL_KEY_PREFIX)

from ui.live.schema import COMPONENT, unwire


class StreamlitSession:
    """One tab: open() runs the script, press() clicks a button, trigger() sends a
    component's trigger, close() leaves nothing running. A failure while reading or
    sending lands in `error`, and wait_for() raises it."""

    component = COMPONENT           # the one component this client reads (its name ends so)

    def __init__(self, base_url, query="", cookies=None):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.page_url = base_url
        self.query, self.cookies = query, dict(cookies or {})
        self.widgets = {}               # widget key (or button label) -> widget id
        self.page_hash = ""
        self.component_id = self.component_fragment = ""   # the last component seen
        self.runs_finished = 0
        self.bytes = 0
        self.opened_at = None
        self.headers = {}               # the handshake response's headers
        self.error = None
        self.ws = None
        self._tasks = set()             # the reader and every send in flight
        self._closing = False

    # -- talking ---------------------------------------------------------------------------
    async def open(self, timeout=30):
        import websockets
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} \
            if self.cookies else None
        self.opened_at = time.perf_counter()
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
            open_timeout=timeout, proxy=None, ping_interval=None)
        self.headers = {k.lower(): v for k, v in self.ws.response.headers.raw_items()}
        self.spawn(self._read())
        await self.rerun()

    async def rerun(self, triggers=(), fragment_id="", events=()):
        """Run the script (or one fragment). triggers: button widget ids pressed;
        events: (widget id, JSON trigger value) pairs, as a component's triggers."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.SetInParent()
        state.widget_states.widgets.extend(WidgetState(id=w, trigger_value=True)
                                           for w in triggers)
        state.widget_states.widgets.extend(WidgetState(id=w, json_trigger_value=v)
                                           for w, v in events)
        if fragment_id:
            state.fragment_id = fragment_id
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = self.page_url + ("?" + self.query if self.query else "")
        info.is_embedded, info.color_scheme = False, "light"
        await self.ws.send(msg.SerializeToString())

    async def press(self, key):
        """Click the button with this key (or, failing that, this label)."""
        await self.wait_for(lambda: key in self.widgets, 60, f"a button {key!r}")
        await self.rerun(triggers=[self.widgets[key]])

    async def trigger(self, name, value):
        """What the last component's `setTrigger(name, value)` sends: a rerun of its
        fragment with the trigger in its events widget."""
        events = f"{INTERNAL_KEY_PREFIX}_{self.component_id}__events"
        payload = json.dumps([{"event": name, "value": value}])
        await self.rerun(fragment_id=self.component_fragment, events=[(events, payload)])

    async def wait_for(self, condition, timeout, what="the condition"):
        deadline = time.perf_counter() + timeout
        while not condition():
            if self.error is not None:
                raise RuntimeError(f"session failed while waiting for {what}: {self.error!r}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no {what} after {timeout} s")
            await asyncio.sleep(0.02)

    def spawn(self, coroutine):
        """Run `coroutine` as a task this session owns: close() cancels and awaits it,
        and its failure becomes `error` rather than an exception nobody retrieves."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task):
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and not self._closing:
            self.error = self.error or task.exception()

    async def close(self):
        """Stop reading, cancel every task in flight and wait for them, then close the
        websocket: nothing of this session runs or fails after it returns."""
        self._closing = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.ws is not None:
            await self.ws.close()

    # -- listening -------------------------------------------------------------------------
    async def _read(self):
        async for data in self.ws:
            self.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            self._handle(msg)
        raise ConnectionError("the server closed the websocket")

    def _handle(self, msg):
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "script_finished":
            self.runs_finished += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id)

    def _element(self, element, fragment_id):
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":         # the app raised: the page would show a traceback
            self.error = RuntimeError(f"the app raised {proto.type}: {proto.message}")
        elif kind == "button" and proto.id:
            self.widgets.setdefault(proto.label, proto.id)
            if not proto.id.endswith("-None"):                # "...-<key>" for a keyed one
                self.widgets[proto.id.rsplit("-", 1)[1]] = proto.id
        elif (kind == "bidi_component" and proto.component_name.endswith(self.component)
              and proto.WhichOneof("data") == "json"):
            self.component_id, self.component_fragment = proto.id, fragment_id
            self.on_component(self.read(proto.json))

    @staticmethod
    def read(data_json):
        """The component's data from its JSON (the live view's: one value in a list)."""
        return unwire(data_json)

    def on_component(self, data):
        """A component's data arrived (a subclass reads it)."""


def run_async(coroutine):
    """asyncio.run in a thread of its own: works where an event loop is already running
    (Playwright's sync API keeps one in the main thread)."""
    out = {}

    def target():
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as e:          # noqa: BLE001 - re-raised in the caller
            out["error"] = e
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
