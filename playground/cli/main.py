"""`python -m playground train`: run one configuration and print what the tutorial prints,
or one JSON object (--json) that another tool can check number for number.
`python -m playground export --format numpy|torch` with the same flags prints a standalone
script of that run instead (the script, run with --json, prints the same JSON keys);
`--format gif|webp` trains the run and writes it as an animated picture."""
import argparse
import json
import sys
from pathlib import Path

from ..activations import ACTIVATIONS
from ..config import INITS, PRESETS, REGULARIZATIONS, from_preset, problems
from ..data.datasets import NAMES as DATASETS
from ..data.features import FEATURES
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from ..outputs import MAX_CLASSES, MIN_CLASSES, OUTPUTS, PROBLEMS, output_kind
from ..session import TrainingSession
from ..teach import animation, codegen, torch_script
from .report import report, train

SCRIPTS = {"numpy": codegen.script, "torch": torch_script.script}


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def _names(table):
    return ", ".join(table)


def _int_list(text):
    try:
        return tuple(int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}")


def _name_list(text):
    return tuple(x.strip() for x in text.split(",") if x.strip())


def add_run_flags(t):
    """The flags that describe one run, shared by train and export."""
    a = t.add_argument
    a("--preset", default="default", help=f"starting settings: {_names(PRESETS)} "
      "(the other flags override it)")
    a("--problem", choices=PROBLEMS, help="classification (the default) or regression "
      "(one linear output; datasets plane and multi-gaussian)")
    a("--classes", type=int, help=f"classes, {MIN_CLASSES} to {MAX_CLASSES} (default 2: one "
      "sigmoid output; 3 or more: softmax outputs, datasets spiral and gaussians)")
    a("--dataset", help=f"one of: {_names(DATASETS)}")
    a("--formula", help="your own data: a yes/no formula over x1, x2 for classes, as "
      "'x2 > sin(3*x1)', or a number for --problem regression, as 'sin(3*x1)*x2' "
      "(sets the dataset to formula)")
    a("--samples", type=int, help="number of points, train and test together (default 500)")
    a("--noise", type=float, help="standard deviation of the jitter on each point (default 0.1)")
    a("--test-fraction", type=float, help="share of points held out for testing, 0 to 0.9")
    a("--hidden", type=_int_list, help="units per hidden layer, e.g. 8,8 (1-6 layers of 1-32)")
    a("--activation", help=f"hidden activation: {_names(ACTIVATIONS)}")
    a("--loss", help=f"one of: {_names(LOSSES)} (default: bce for 2 classes, ce for 3 or "
      "more, mse for regression)")
    a("--optimizer", help=f"one of: {_names(OPTIMIZERS)}")
    a("--batch-size", type=int, help="points per update; 0 (default) means full batch")
    a("--epochs", type=int, help="epochs to train")
    a("--lr", type=float, help="learning rate")
    a("--seed", type=int, help="seed for data, initial weights and shuffling")
    a("--regularization", help=f"one of: {_names(REGULARIZATIONS)}")
    a("--reg-rate", type=float, help="regularization rate")
    a("--init", help=f"weight initialization: {_names(INITS)}")
    a("--features", type=_name_list, help=f"comma list from: {_names(FEATURES)} (default x1,x2)")
    a("--precision", help="float32 (fast, the default) or float64 (exact, the tutorial's)")
    a("--delta-rule", action=argparse.BooleanOptionalAction, default=None,
      help="the tutorial's update: errors summed over the batch, no 2/N (mse only)")


def build_parser():
    p = OneLineParser(prog="python -m playground", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    t = sub.add_parser("train", help="train one network and report its numbers")
    add_run_flags(t)
    t.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    e = sub.add_parser("export", help="print a standalone script that trains this run, or "
                       "train it and write it as an animated picture")
    e.add_argument("--format", choices=[*SCRIPTS, *animation.FORMATS], default="numpy",
                   help="numpy (the tutorial's style, the default) or torch (PyTorch): a "
                   "script; gif or webp: the trained run, animated from its snapshots")
    e.add_argument("--width", type=int, choices=animation.WIDTHS, default=animation.WIDTHS[0],
                   help="gif and webp: the frames' width in px")
    e.add_argument("--out", help="write to this file instead of standard output")
    add_run_flags(e)
    return p


def config_from_args(args):
    """The preset's settings with every given flag on top; raises ValueError when invalid."""
    fields = ("dataset", "samples", "noise", "test_fraction", "hidden", "activation", "loss",
              "optimizer", "batch_size", "epochs", "lr", "seed", "regularization", "reg_rate",
              "init", "features", "precision", "delta_rule", "problem", "classes", "formula")
    overrides = {f: getattr(args, f) for f in fields if getattr(args, f) is not None}
    if args.formula is not None:
        overrides.setdefault("dataset", "formula")
    config = from_preset(args.preset, **overrides)
    losses = OUTPUTS[output_kind(config.problem, config.classes)].losses
    if args.loss is None and config.loss not in losses:   # the preset's loss does not fit
        config = config.replace(loss=losses[0])
    found = problems(config)
    if found:
        raise ValueError("; ".join(found))
    return config


def export(config, args):
    """The script of the whole run (config.epochs epochs), or the run trained and animated."""
    if args.format in SCRIPTS:
        data = SCRIPTS[args.format](TrainingSession(config), epochs=config.epochs).encode()
    elif args.out is None and sys.stdout.isatty():
        print(f"error: a {args.format} file is binary: give --out FILE or redirect the "
              "output to a file", file=sys.stderr)
        return 2
    else:
        data = animation.animation(train(config)[0], args.format, args.width)
    if args.out:
        Path(args.out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.command == "export":
        return export(config, args)
    session, losses = train(config, log=None if args.json else print)
    if args.json:
        print(json.dumps(report(session, losses), separators=(",", ":")))
        return 0
    if session.diverged:
        print(session.diverged)
    predictions = session.predict(session.data.X_train)
    print(f"Predictions: \n{predictions.reshape(len(predictions), -1)}")
    return 0
