"""The live view's lifetime on its element, driven as Streamlit drives it: the page
script's default export called with a payload on an element, and the cleanup each call
returns called as Streamlit calls it (for a call a newer one overtook, and on unmount)."""
import json

from playground.config import Config
from ui.live.playback import Playback
from ui.live.schema import wire
from ui.live.view import page_script

LOAD = """async ([js, data]) => {
  const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
  const view = (await import(url)).default;
  const el = window.__element = document.getElementById('view');
  window.__call = () => view({ parentElement: el, data, setTriggerValue: () => {} });
}"""
# Runs a cleanup, then lets its timer and anything after it run; how many views are left.
CLEAN_UP = """async (cleanup) => {
  cleanup();
  await new Promise((done) => setTimeout(done, 50));
  return document.querySelectorAll('.nnp-live').length;
}"""


def test_a_cleanup_takes_the_view_down_only_once_its_element_left_the_page(page):
    data = json.loads(json.dumps(wire(Playback(Config()).payload("/no-plotly-here.js"))))
    page.set_content("<div id='view'></div>")
    page.evaluate(LOAD, [page_script(), data])
    overtaken = page.evaluate_handle("() => window.__call()")
    # A newer payload overtook that call while its element stays: its timer fires before
    # the newer call comes (a module import can take a task). The view must stay.
    assert page.evaluate(CLEAN_UP, overtaken) == 1
    newer = page.evaluate_handle("() => window.__call()")
    assert page.evaluate("() => document.querySelectorAll('.nnp-live').length") == 1
    # The element leaves the page: its view goes, and with it its listeners on the page.
    page.evaluate("() => document.getElementById('view').remove()")
    assert page.evaluate(CLEAN_UP, newer) == 0
    assert page.evaluate("() => !window.__element.__nnp && !window.__element.querySelector('.nnp-frame')")
