"""The switch between the plain definitions and their fast forms.

A fast form is a function that computes what a plain definition computes, faster:
Matrix.__matmul__'s triple loop and products.matmul, say. Each is registered with the
class (or module) and attribute it stands in for:

    @fast_form(Matrix, "__matmul__")
    def matmul(A, W): ...

Registering changes nothing: until use_fast_forms() is called, `A @ W` runs the triple
loop of my_math/matrix.py, in a program of one's own, a REPL or a debugger, so that a
learner who steps into it lands in the code they read. The scripts that compute call it
(train.py, unless --textbook; test_single.py; the benchmarks that time training):

    from my_math.fast import use_fast_forms
    use_fast_forms()              # every fast form on, from now on
    use_fast_forms(False)         # every plain definition back

and while the fast forms are on, the class's attribute *is* the fast form: a @ b calls
it. textbook() puts the plain definitions back for the length of a with block; the tests
use it to hold each fast form to its plain definition.

This replaces attributes of classes at run time ("monkeypatching"). It is done in one
place, for a fixed list of attributes, so that the files a learner reads first hold only
the plain definitions, and the fast ones sit in rooms of their own: FAST_MODULES.
"""

import contextlib
import importlib
from collections import namedtuple

# The modules that register fast forms: the chapter "making it fast", in my_math, network and data.
FAST_MODULES = ("my_math.fast.products", "my_math.fast.elementwise", "my_math.fast.byte_matrix",
                "data.fast.batches", "data.fast.shifts", "network.fast.optimizers", "network.fast.dense",
                "network.fast.convolution", "network.fast.pooling", "network.fast.cnn")

FastForm = namedtuple("FastForm", "owner name plain fast exact")
FastForm.__doc__ = """owner.name is the plain definition (plain: the attribute as the class or
module defines it, or None when a class inherits it) unless the fast form fast is switched on;
exact says whether fast computes bit for bit what the plain definition computes."""

FAST_FORMS = []  # every FastForm registered, in the order registered
# What use_fast_forms last set: lists, so that the functions below can change them.
_on = [False]
_exact_only = [False]


def fast_form(owner, name, exact=True):
    """Register the decorated function as the fast form of owner.name; it returns the function.

    exact=False marks a fast form that rounds differently from the plain definition (it
    says how in its docstring): use_fast_forms(exact_only=True) leaves it off.
    A property is registered as a property: @fast_form(Matrix, "T") above @property.
    """
    def register(fast):
        form = FastForm(owner, name, vars(owner).get(name), fast, exact)
        FAST_FORMS.append(form)
        _apply(form)  # a module imported after use_fast_forms() follows the switch as it stands
        return fast
    return register


def use_fast_forms(on=True, exact_only=False):
    """Switch every fast form on (on=True) or put every plain definition back (on=False).

    exact_only=True switches on only the fast forms that compute bit for bit what the
    plain definitions compute (all but ByteMatrix's packed product, on CPython ≤ 3.11).
    """
    _on[0], _exact_only[0] = on, exact_only
    for module in FAST_MODULES:
        importlib.import_module(module)  # registers its fast forms
    for form in FAST_FORMS:
        _apply(form)


def _apply(form):
    """Give form.owner the fast form or the plain definition of form.name, as the switch stands."""
    if _on[0] and (form.exact or not _exact_only[0]):
        setattr(form.owner, form.name, form.fast)
    elif form.plain is not None:
        setattr(form.owner, form.name, form.plain)
    elif form.name in vars(form.owner):
        delattr(form.owner, form.name)  # inherit the parent class's again


def fast_forms_in_use():
    """(on, exact_only): the state use_fast_forms last set."""
    return _on[0], _exact_only[0]


@contextlib.contextmanager
def textbook():
    """Within the with block, only the plain definitions run; the state before comes back after it."""
    before = fast_forms_in_use()
    use_fast_forms(False)
    try:
        yield
    finally:
        use_fast_forms(*before)
