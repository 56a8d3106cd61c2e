"""The datasets as small pictures, to pick one by sight as in TensorFlow Playground: a
row of picture buttons above the Dataset box. A click sets that box's value (the one
place the choice is kept, which the link follows); the box stays for the names."""
import base64

import streamlit as st

from playground.data.datasets import FORMULA, LABELS, MULTICLASS
from playground.pictures.thumbnails import SIZE, thumbnail
from ui.live.schema import wire

JS = """
export default function ({ data: wired, parentElement, setTriggerValue }) {
  const data = wired[0];                         // one value in a list: see schema.wire
  let row = parentElement.querySelector(".nnp-thumbs");
  if (!row) {
    row = document.createElement("div");
    row.className = "nnp-thumbs";
    row.setAttribute("role", "radiogroup");
    row.setAttribute("aria-label", "Dataset pictures");
    parentElement.appendChild(row);
  }
  const key = JSON.stringify([data.items.map(i => i.name), data.classes]);
  if (row.dataset.key !== key) {                 // new pictures only when the menu changed
    row.dataset.key = key;
    row.replaceChildren(...data.items.map(item => {
      const b = document.createElement("button"), img = document.createElement("img");
      b.type = "button";
      b.className = "nnp-thumb";
      b.title = item.label;
      b.dataset.name = item.name;
      b.setAttribute("role", "radio");
      b.setAttribute("aria-label", item.label);
      img.src = item.src;
      img.alt = "";
      img.width = img.height = data.size;
      b.appendChild(img);
      b.addEventListener("click", () => setTriggerValue("pick", item.name));
      return b;
    }));
  }
  for (const b of row.children) b.setAttribute("aria-checked", String(b.dataset.name === data.chosen));
}
"""
CSS = """
.nnp-thumbs { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 4px; }
.nnp-thumb { padding: 1px; border: 2px solid #dadce0; border-radius: 6px; background: #fff;
             cursor: pointer; line-height: 0; }
.nnp-thumb:hover { border-color: #5f6368; }
.nnp-thumb[aria-checked="true"] { border-color: #1a73e8; box-shadow: 0 0 0 1px #1a73e8; }
.nnp-thumb:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
.nnp-thumb img { display: block; border-radius: 4px; }
"""

pictures_view = st.components.v2.component("nnp_dataset_pictures", js=JS, css=CSS)


def _uri(name, classes):
    picture = thumbnail(name, classes if name in MULTICLASS else 2)
    return "data:image/png;base64," + base64.b64encode(picture).decode("ascii")


def dataset_pictures_ui(names, classes, on_pick):
    """One picture per dataset name the menu offers (a formula has none: it is typed);
    on_pick(name) runs, before the script, when one is clicked."""
    def picked():
        name = getattr(st.session_state.get("dataset_pictures"), "pick", None)
        if name in names:
            on_pick(name)
    items = [{"name": n, "label": LABELS[n], "src": _uri(n, classes)}
             for n in names if n != FORMULA]
    pictures_view(data=wire({"items": items, "chosen": st.session_state["dataset"],
                             "classes": classes, "size": SIZE}),
                  key="dataset_pictures", on_pick_change=picked)
