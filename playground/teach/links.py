"""Share a setup as URL query parameters: `?lesson=xor-stuck&hidden=4&show=play,reset`.

Keys are the Config's field names (the CLI flags with underscores), plus `lesson`,
`show` and `hide`. A link is someone else's text, so every value is parsed and checked
on its own: a refused value keeps the starting setup's value (the lesson's, else the
preset's, else the default) and becomes one sentence in `problems`. Those sentences go
to st.warning, which renders Markdown, so any value they echo passes `safe_quote` first.
"""
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlencode

from ..config import FIELDS, PRESETS, Config, from_preset, problems
from ..data.features import canonical_feature
from ..data.formula import FormulaError, parse
from ..number_text import number_text, read_number, read_whole
from ..text import ECHO_CHARS, SAFE_PUNCTUATION, safe_quote  # noqa: F401
from .lessons import LESSONS

# The app's controls a link can show or hide, by name.
CONTROLS = ("preset", "problem", "classes", "dataset", "samples", "noise", "test_fraction", "seed", "layers",
            "activation", "features", "init", "lr", "epochs", "batch_size", "loss",
            "optimizer", "regularization", "exact", "view", "speed", "play", "pause", "step",
            "reset", "tabs")
MAX_VALUE_CHARS = 200      # longer values are refused unread (the longest real one is ~60)
BOOLEANS = {"true": True, "false": False, "1": True, "0": False,
            "yes": True, "no": False, "on": True, "off": False}


# -- values as text ------------------------------------------------------------------
def value_text(value) -> str:
    """A Config value as its URL text: 8,8 for a tuple, true/false, numbers compact."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(canonical_feature(v) or str(v) if isinstance(v, str) else str(v)
                        for v in value)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


# -- parsing one value ----------------------------------------------------------------
# Each parser takes the stripped text and returns the value, or raises ValueError whose
# message says what the text should have been ("a number"). Numbers are read as files'
# and clicks' are (number_text.py).
def _name(text):
    return text.lower()


def _whole_list(text):
    try:
        return tuple(read_whole(part) for part in text.split(","))
    except ValueError:
        raise ValueError("whole numbers separated by commas, like 8,8") from None


def _feature_list(text):
    """Canonical names; unknown ones are kept as typed so the core's check refuses them."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    return tuple(canonical_feature(name) or name for name in names)


def _boolean(text):
    if text.lower() not in BOOLEANS:
        raise ValueError("true or false")
    return BOOLEANS[text.lower()]


def _formula(text):
    """Written back from its checked tree; whether it fits the problem is the core's check."""
    try:
        return parse(text).text if text else ""
    except FormulaError as e:
        raise ValueError(f"a formula this app can read ({str(e).rstrip('.')})") from None


def _preset(text):
    name = text.lower()
    if name not in PRESETS and name != "":
        raise ValueError(f"a preset ({', '.join(PRESETS)})")
    return "" if name == "default" else name


PARSERS = {
    "dataset": _name, "samples": read_whole, "noise": read_number, "test_fraction": read_number,
    "hidden": _whole_list, "activation": _name, "loss": _name, "optimizer": _name,
    "batch_size": read_whole, "epochs": read_whole, "lr": read_number, "seed": read_whole,
    "regularization": _name, "reg_rate": read_number, "init": _name, "features": _feature_list,
    "delta_rule": _boolean, "precision": _name, "preset": _preset,
    "problem": _name, "classes": read_whole, "formula": _formula,
}
# Settings that must change together (classes=3 needs loss=ce and a dataset with 3 classes):
# checked as one group when none of them is accepted on its own.
TOGETHER = ("problem", "classes", "dataset", "loss", "delta_rule", "formula")
assert set(PARSERS) == set(FIELDS), "every Config field needs a parser"


# -- the link's result ----------------------------------------------------------------
@dataclass(frozen=True)
class LinkSetup:
    config: Config                 # valid: every refused value was replaced
    show: frozenset                # control names to show (empty: all)
    hide: frozenset                # control names to hide
    lesson: str                    # a name from LESSONS, or ""
    problems: tuple                # one Markdown-safe sentence per refused key or value


def _last(value) -> str | None:
    """A query value as one string: the last of a list (as browsers repeat keys)."""
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else None
    return None if value is None else str(value)


def _new_problems(config, values):
    """What the core says against the changed `values` that it did not already say about
    `config`."""
    before = set(problems(config))
    return [p for p in problems(config.replace(**values)) if p not in before]


def _accept(base, parsed):
    """Apply the parsed values that the core accepts, each checked on the config with
    just that field changed. Passes repeat so an order-dependent pair (loss=bce with
    delta_rule=false on the tutorial preset) is accepted whichever key came first; the
    TOGETHER settings are first tried as one group (classes=3 with loss=ce).
    Returns (config, {name: the core's objections} for the values refused)."""
    accepted, pending, objections = {}, dict(parsed), {}
    while pending:
        group = {name: value for name, value in pending.items() if name in TOGETHER}
        if len(group) > 1 and not _new_problems(base.replace(**accepted), group):
            accepted.update(group)
            for name in group:
                del pending[name]
                objections.pop(name, None)
        progress = False
        for name, value in list(pending.items()):
            found = _new_problems(base.replace(**accepted), {name: value})
            if found:
                objections[name] = found
            else:
                accepted[name] = value
                del pending[name]
                objections.pop(name, None)
                progress = True
        if not progress:
            break
    return base.replace(**accepted), objections


def _refusal(name, raw, value, objections, kept):
    """One sentence: the key, the quoted value, the core's reason, the value kept."""
    reasons = "; ".join(o.replace(f" {value!r}", "") for o in objections)
    return f"{name}: {safe_quote(raw)} refused: {reasons}; using {value_text(kept) or 'none'}"


def _controls(key, raw, said):
    """A comma list of control names; unknown names are dropped, and said so."""
    names = {part.strip().lower() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - set(CONTROLS))
    if unknown:
        verb = "is not a control" if len(unknown) == 1 else "are not controls"
        said[key] = (f"{key}: {safe_quote(','.join(unknown))} {verb}; "
                     f"choose from {', '.join(CONTROLS)}")
    return frozenset(names & set(CONTROLS))


def _preset_or_none(text):
    try:
        return _preset(text.strip())
    except ValueError:
        return None


def _start(values, said):
    """(base config, lesson name): the lesson's config, else the preset's, else defaults."""
    lesson = values.get("lesson", "").strip().lower()
    if lesson and lesson not in LESSONS:
        said["lesson"] = (f"lesson: {safe_quote(values['lesson'])} is not a lesson; "
                          f"choose from {', '.join(LESSONS)}")
        lesson = ""
    if lesson:
        config = LESSONS[lesson].config
        if "preset" in values and _preset_or_none(values["preset"]) != config.preset:
            said["preset"] = (f"preset: {safe_quote(values['preset'])} ignored: the link also "
                              f"names the lesson {lesson}, and a lesson sets every control; "
                              "using the lesson")
        return config, lesson
    try:
        preset = _preset(values.get("preset", "").strip())
    except ValueError:
        return Config(), ""               # the preset field's own check reports it
    return (from_preset(preset) if preset else Config()), ""


def _parse(key, raw, base):
    """(value, "") for a value the core should check, or (None, the sentence refusing it)."""
    if key not in PARSERS:
        return None, f"{safe_quote(key)}: unknown setting, ignored"
    kept = f"using {value_text(getattr(base, key)) or 'none'}"
    if len(raw) > MAX_VALUE_CHARS:
        return None, f"{key}: {safe_quote(raw)} is too long ({len(raw):,} characters); {kept}"
    try:
        return PARSERS[key](raw.strip()), ""
    except ValueError as e:
        return None, f"{key}: {safe_quote(raw)} is not {e}; {kept}"


def from_query(params: Mapping) -> LinkSetup:
    """The setup a link describes; never raises, whatever the link holds. Problems come
    in the link's order, one per refused key."""
    values = {str(key).strip().replace("-", "_"): _last(value) for key, value in params.items()}
    values = {key: text for key, text in values.items() if text is not None}
    said = {}                                  # key -> the sentence refusing its value
    base, lesson = _start(values, said)
    parsed = {}
    for key, raw in values.items():
        if key not in ("lesson", "show", "hide") and key not in said:
            value, sentence = _parse(key, raw, base)
            if sentence:
                said[key] = sentence
            else:
                parsed[key] = value
    config, objections = _accept(base, parsed)
    for key, found in objections.items():
        said[key] = _refusal(key, values[key], parsed[key], found, getattr(config, key))
    show = _controls("show", values.get("show", ""), said)
    hide = _controls("hide", values.get("hide", ""), said)
    return LinkSetup(config, show, hide, lesson, tuple(said[key] for key in values if key in said))


def to_query(config: Config, show=(), hide=(), lesson="") -> dict[str, str]:
    """Every Config field as compact text, plus the lesson and the shown/hidden controls.
    from_query(to_query(c)).config == c for any valid c with canonical feature names."""
    unknown = (set(show) | set(hide)) - set(CONTROLS)
    if unknown:
        raise ValueError(f"unknown controls {sorted(unknown)}; choose from {CONTROLS}")
    if lesson and lesson not in LESSONS:
        raise ValueError(f"unknown lesson {lesson!r}; choose from {', '.join(LESSONS)}")
    query = {"lesson": lesson} if lesson else {}
    # No empty formula= in links, but for a lesson that has a formula: the link starts
    # from the lesson's settings, whose formula would otherwise stay.
    keep_formula = config.formula or (lesson and LESSONS[lesson].config.formula)
    query.update({name: value_text(getattr(config, name)) for name in FIELDS
                  if name != "formula" or keep_formula})
    if show:
        query["show"] = ",".join(sorted(show))      # sorted: the same setup, the same link
    if hide:
        query["hide"] = ",".join(sorted(hide))
    return query


def query_string(config: Config, show=(), hide=(), lesson="") -> str:
    """`to_query` URL-encoded, commas left readable: append it to the app's URL after '?'."""
    return urlencode(to_query(config, show, hide, lesson), safe=",")
