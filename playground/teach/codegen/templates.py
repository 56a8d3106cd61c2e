"""The code pieces of an exported program, in the tutorial's style: one function each
for the activation, forward, loss, backward, penalties, update, train and predict, shaped
by a `Plan`. The activations', losses', optimizers', penalties' and features' own code
comes from their entries (playground/activations.py, losses.py, optimizers.py,
regularizations.py, data/features.py)."""
import textwrap

from ...activations import ACTIVATIONS
from ...data.features import feature_expressions
from ...losses import LOSSES
from ...optimizers import OPTIMIZERS
from ...network import LOG_EVERY
from ...outputs import OUTPUTS
from ...regularizations import REGULARIZATIONS
from .plan import BATCH_ORDER, PREDICT_CHUNK, SCRIPT_NAMES
from .source import code_block, join_definitions


# -- code pieces, in the tutorial's style -------------------------------------------------
def py_name(activation):
    """The Python function name of an activation: leaky-relu -> leaky_relu."""
    return activation.replace("-", "_")



APP_PRODUCT_CODE = '''
    def with_ones(a):
        # [a, 1]: a layer's inputs (n, k) and a column of ones, (n, k + 1). The bias is the
        # weight of this always-1 input, so z = a @ W + b is one product, [a, 1] @ [W; b],
        # and one product gives both gradients: [a, 1].T @ delta is dW above db.
        out = np.ones((len(a), a.shape[1] + 1), dtype=DTYPE, order='F')
        out[:, :-1] = a
        return out


    def dot(A, B):
        # A @ B, computed as the app computes it: as (B.T @ A.T).T, which leaves the result
        # column-major (order='F'), like every array the app works in. NumPy hands each
        # product to BLAS, whose sums round differently depending on how the arrays lie in
        # memory; doing it the app's way makes every float32 number come out bit for bit.
        return np.dot(B.T, A.T).T
    '''


def activation_code(activation, output="sigmoid"):
    """The output layer's function (sigmoid, softmax or linear) and the hidden layers'
    activation, with derivatives."""
    if output == activation:
        return code_block(OUTPUTS[output].code)
    return join_definitions([code_block(OUTPUTS[output].code),
                             code_block(ACTIVATIONS[activation].code)])


def _unpack(layers, names=("W", "b")):
    return "".join("    " + ", ".join(f"{n}{l}" for n in names) + " = " +
                   ", ".join(f"network['{n}{l}']" for n in names) + "\n"
                   for l in range(1, layers + 1))


def _cache_names(layers):
    return ", ".join(f"z{l}, a{l}" for l in range(1, layers + 1))


def forward_code(plan):
    """forward_propagation: z = a @ W + b and a = f(z) per layer, the output's f last."""
    L, f = plan.layers, py_name(plan.activation)
    body = ["def forward_propagation(network, X):\n", _unpack(L)]
    for l in range(1, L + 1):
        src = "X" if l == 1 else f"a{l - 1}"
        title = ("Input" if l == 1 else f"Hidden layer {l - 1}") + " to " + \
            ("output layer" if l == L else f"hidden layer {l}")
        if plan.app:
            ext = "X" if l == 1 else f"with_ones({src})"
            title += " (X already ends with its column of ones)" * (l == 1)
            z = f"dot({ext}, np.vstack([W{l}, b{l}]))  # = {src} @ W{l} + b{l}"
        else:
            z = f"np.dot({src}, W{l}) + b{l}"
        body.append(f"\n    # {title}\n    z{l} = {z}\n"
                    f"    a{l} = {plan.output if l == L else f}(z{l})\n")
    body.append(f"\n    cache = ({_cache_names(L)})\n    return a{L}, cache\n")
    return "".join(body)


def loss_code(plan):
    """compute_loss for one loss; for several, one function each and a compute_loss that
    picks by name (the run changed its loss midway)."""
    code = lambda name: LOSSES[name].fast_code if plan.app else LOSSES[name].code
    if len(plan.losses) == 1:
        return code_block(code(plan.losses[0]).replace("{name}", "compute_loss"))
    parts = [code_block(code(name).replace("{name}", f"{name}_loss")) for name in plan.losses]
    return join_definitions(parts + [code_block('''
        def compute_loss(y_true, y_pred, z_out, loss_name):
            if loss_name == 'bce':
                return bce_loss(y_true, z_out)
            return mse_loss(y_true, y_pred)
        ''')])


def loss_call(plan, y="y"):
    """How compute_loss is called, after forward_propagation gave y_pred and cache."""
    if len(plan.losses) > 1:
        return f"compute_loss({y}, y_pred, cache[-2], loss_name)"
    second = "y_pred" if plan.losses[0] == "mse" else "cache[-2]"  # cross-entropy takes z
    return f"compute_loss({y}, {second})"


def _output_delta(L, loss, delta_rule, indent, output="sigmoid"):
    if delta_rule:
        text = f'''
            # The tutorial's delta rule: its output_delta = (y - a{L}) * sigmoid_derivative(a{L})
            # with the sign flipped to make it a gradient (the tutorial adds learning_rate * dW,
            # we subtract), summed over the points, not averaged
            delta{L} = (a{L} - y) * sigmoid_derivative(a{L})
            '''
    elif loss == "mse" and output == "linear":
        text = f'''
            # Output layer delta: d(mean squared error)/d(z{L}) = 2 (a{L} - y) / n, since the
            # linear output's a{L} is z{L} (2 / n is one number, multiplied in, as the app does)
            delta{L} = (a{L} - y) * (2 / len(y))
            '''
    elif loss == "ce":
        text = f'''
            # Output layer delta: d(cross-entropy)/d(z{L}) = (softmax(z{L}) - y) / n, y one-hot:
            # the softmax's derivative cancels the log's (1 / n multiplied in, as the app does)
            delta{L} = (a{L} - y) * (1 / len(y))
            '''
    elif loss == "mse":
        text = f'''
            # Output layer delta: d(mean squared error)/d(z{L}) = 2 (a{L} - y) / n * sigmoid'
            # (2 / n is one number, multiplied in, as the app does)
            delta{L} = (a{L} - y) * (2 / len(y)) * sigmoid_derivative(a{L})
            '''
    else:
        text = f'''
            # Output layer delta: d(cross-entropy)/d(z{L}) = (a{L} - y) / n: the sigmoid's
            # derivative cancels the log's (1 / n is one number, multiplied in, as the app does)
            delta{L} = (a{L} - y) * (1 / len(y))
            '''
    return code_block(text, indent)


def backward_code(plan):
    """backward_propagation: the output delta for the loss, each hidden delta back through
    the next W, then every dW and db (gradients of the loss, to be subtracted)."""
    L, f = plan.layers, py_name(plan.activation)
    many = len(plan.losses) > 1
    body = ["def backward_propagation(network, cache, X, y" + ", loss_name" * many + "):\n",
            _unpack(L, ("W",)), f"    {_cache_names(L)} = cache\n\n"]
    if many:
        body += ["    if loss_name == 'mse':\n", _output_delta(L, "mse", plan.delta_rule, 8),
                 "    else:\n", _output_delta(L, "bce", False, 8)]
    else:
        body.append(_output_delta(L, plan.losses[0], plan.delta_rule, 4, plan.output))
    product = "dot" if plan.app else "np.dot"
    for l in range(L - 1, 0, -1):
        body.append(f"\n    # Hidden layer {l} delta: the error sent back through W{l + 1}, "
                    f"times {f}'\n"
                    f"    delta{l} = {product}(delta{l + 1}, W{l + 1}.T) * {f}_derivative(a{l})\n")
    for l in range(L, 0, -1):
        src = "X" if l == 1 else f"a{l - 1}"
        if plan.app:
            ext = "X" if l == 1 else f"with_ones({src})"
            body.append(f"\n    # Gradient for W{l} and b{l}: [{src}, 1].T @ delta{l} holds "
                        f"dW{l} = {src}.T @ delta{l}\n"
                        f"    # above db{l} = the sum of delta{l} over the points\n"
                        f"    dWb{l} = np.dot({ext}.T, delta{l})\n"
                        f"    dW{l}, db{l} = dWb{l}[:-1], dWb{l}[-1:]\n")
        else:
            body.append(f"\n    # Gradient for W{l} and b{l}\n"
                        f"    dW{l} = np.dot({src}.T, delta{l})\n"
                        f"    db{l} = np.sum(delta{l}, axis=0, keepdims=True)\n")
    names = ", ".join(f"'d{n}{l}': d{n}{l}" for l in range(1, L + 1) for n in "Wb")
    body.append(f"\n    gradients = {{{names}}}\n    return gradients\n")
    return "".join(body)


STATE_CODE = '''
    def new_optimizer_state(network):
        # The optimizer's memory, empty at the start: a step count t and, per parameter,
        # momentum's velocity v and Adam's running means m (of the gradient), s (of its square)
        zeros = lambda: {name: np.zeros_like(p) for name, p in network.items()}
        return {'t': 0, 'v': zeros(), 'm': zeros(), 's': zeros()}
    '''

def update_code(plan):
    """update_parameters for one optimizer; for several, one function each and an
    update_parameters that picks by name."""
    if len(plan.optimizers) == 1:
        return code_block(OPTIMIZERS[plan.optimizers[0]].code.replace("{name}", "update_parameters"))
    parts = [code_block(OPTIMIZERS[o].code.replace("{name}", f"{o}_update")) for o in plan.optimizers]
    pick = ["def update_parameters(network, gradients, learning_rate, state, optimizer):\n"]
    for o in plan.optimizers:
        args = "network, gradients, learning_rate" + ", state" * (o != "sgd")
        pick.append(f"    if optimizer == '{o}':\n        return {o}_update({args})\n")
    return join_definitions(parts + ["".join(pick) + "    raise ValueError(optimizer)\n"])


def _update_call(plan):
    if len(plan.optimizers) > 1:
        return "update_parameters(network, gradients, learning_rate, state, optimizer)"
    return "update_parameters(network, gradients, learning_rate" + \
        ", state" * plan.stateful + ")"


def _step_code(plan, X, y, indent, comments=True):
    """backward, regularization, update: the tail of one training step."""
    backward = (f"gradients = backward_propagation(network, cache, {X}, {y}"
                + ", loss_name" * (len(plan.losses) > 1) + ")")
    penalties = []
    for kind in plan.penalties:
        call = f"gradients = add_{kind}_penalty(network, gradients, reg_rate)"
        penalties += ([f"if regularization == '{kind}':", "    " + call] if plan.penalty_varies
                      else [call])
    update = f"network = {_update_call(plan)}"
    if not comments:
        lines = [backward] + penalties + [update]
    else:
        lines = (["# Backward propagation", backward, ""] +
                 (["# Regularization"] + penalties + [""]) * bool(penalties) +
                 ["# Update parameters", update])
    return "".join(" " * indent + line + "\n" if line else "\n" for line in lines)


def _full_batch_code(plan, indent):
    return code_block(f'''
        # Forward propagation
        y_pred, cache = forward_propagation(network, X)

        # Compute loss
        loss = {loss_call(plan)}
        if epoch % {LOG_EVERY} == 0:
            print(f'Epoch {{epoch}}, Loss: {{loss}}')
        ''', indent) + "\n" + _step_code(plan, "X", "y", indent)


def _mini_batch_code(plan, indent):
    return code_block(f'''
        if epoch % {LOG_EVERY} == 0:
            # The loss on the whole training set, before this epoch's updates
            y_pred, cache = forward_propagation(network, X)
            loss = {loss_call(plan)}
            print(f'Epoch {{epoch}}, Loss: {{loss}}')

        # A new random order of the points every epoch, then one update per mini-batch
        order = rng.permutation(len(X))
        X_shuffled, y_shuffled = X[order], y[order]
        for start in range(0, len(X), batch_size):
            X_batch = X_shuffled[start:start + batch_size]
            y_batch = y_shuffled[start:start + batch_size]
            y_pred, cache = forward_propagation(network, X_batch)
        ''', indent) + _step_code(plan, "X_batch", "y_batch", indent + 4, comments=False)


def _changes_code(plan, indent):
    if not plan.changes:
        return ""
    lines = ["# Settings changed in the app during the run, replayed at the same epochs"]
    for epoch, changed in plan.changes:
        lines.append(f"if epoch == {epoch}:")
        for key, value in changed.items():
            if key not in SCRIPT_NAMES:     # epochs: this program runs the epochs run
                lines.append(f"    pass  # the app's {key} became {value!r}")
                continue
            lines.append(f"    {SCRIPT_NAMES[key]} = {value!r}")
            if key == "optimizer":
                lines.append("    state = new_optimizer_state(network)  "
                             "# a new optimizer starts with empty memory")
    return "".join(" " * indent + line + "\n" for line in lines) + "\n"


def _signature(name, args):
    return "\n".join(textwrap.wrap(f"def {name}({', '.join(args)}):", 88,
                                   subsequent_indent=" " * (len(name) + 5)))


def train_code(plan):
    """train_network: the tutorial's loop, plus mini-batches, regularization and the
    run's mid-run changes when it has them."""
    head = [_signature("train_network", plan.train_args()), "    network = initialize_network()"]
    head += ["    state = new_optimizer_state(network)"] * plan.stateful
    head += [f"    rng = {BATCH_ORDER}  # the app's shuffling"] * plan.mini_batch
    body = _changes_code(plan, 8)
    if plan.full_batch and plan.mini_batch:
        body += ("        if batch_size == 0 or batch_size >= len(X):  # the whole set at once\n"
                 + _full_batch_code(plan, 12) + "        else:\n" + _mini_batch_code(plan, 12))
    else:
        body += _full_batch_code(plan, 8) if plan.full_batch else _mini_batch_code(plan, 8)
    return "\n".join(head + ["    for epoch in range(epochs):"]) + "\n" + body + \
        "\n    return network\n"


def predict_code(plan):
    if not plan.app or plan.n_train is None or plan.n_train <= PREDICT_CHUNK:
        return code_block('''
            def predict(network, X):
                y_pred, _ = forward_propagation(network, X)
                return y_pred
            ''')
    return code_block(f'''
        def predict(network, X):
            # {PREDICT_CHUNK} points at a time, as the app predicts (the last digits depend on it)
            parts = [forward_propagation(network, X[i:i + {PREDICT_CHUNK}])[0]
                     for i in range(0, len(X), {PREDICT_CHUNK})]
            return np.concatenate(parts)
        ''')


def functions_code(plan):
    """Every function of the program but initialize_network, in the tutorial's order."""
    parts = [activation_code(plan.activation, plan.output), code_block(APP_PRODUCT_CODE) if plan.app else "",
             forward_code(plan), loss_code(plan), backward_code(plan)]
    parts += [code_block(REGULARIZATIONS[kind].code) for kind in plan.penalties]
    parts += [code_block(STATE_CODE) if plan.stateful else "", update_code(plan), train_code(plan),
              predict_code(plan)]
    return join_definitions(parts)


def features_code(features):
    return code_block(f'''
        def compute_features(points):
            # The network's inputs, one column per feature ({", ".join(features)}), computed
            # from the coordinates in float64, then rounded to DTYPE, as the app does
            x1, x2 = points[:, 0], points[:, 1]
            return np.stack([{feature_expressions(features)}], axis=1).astype(DTYPE)
        ''')


