"""The switch between the plain definitions and their fast forms.

A fast form is a function that computes what a plain definition computes, faster:
Matrix.__matmul__'s triple loop and products.matmul, say. Each is registered here with
the class and attribute it stands in for:

    @fast_form(Matrix, "__matmul__")
    def matmul(A, W): ...

and while the fast forms are on (from the moment they are registered, unless switched
off), the class's attribute *is* the fast form: a @ b calls it. use_fast_forms(False)
puts every plain definition back, and textbook() does that for the length of a with
block; train.py --textbook trains that way, and the tests use it to hold each fast form
to its plain definition.

This replaces attributes of classes at run time ("monkeypatching"). It is done in one
place, for a fixed list of attributes, so that the files a learner reads first hold only
the plain definitions, and the fast ones sit in rooms of their own.
"""

import contextlib
from collections import namedtuple

FastForm = namedtuple("FastForm", "owner name plain fast exact")
FastForm.__doc__ = """owner.name is the plain definition (plain: the attribute as the class
defines it, or None when it inherits it) unless the fast form fast is switched on; exact
says whether fast computes bit for bit what the plain definition computes."""

FAST_FORMS = []  # every FastForm registered, in the order registered
# What use_fast_forms last set: lists, so that the functions below can change them.
_on = [True]
_exact_only = [False]


def fast_form(owner, name, exact=True):
    """Register the decorated function as the fast form of owner.name; it returns the function.

    exact=False marks a fast form that rounds differently from the plain definition (it
    says how in its docstring): fast_forms_in_use(exact_only=True) leaves it off.
    A property is registered as a property: @fast_form(Matrix, "T") above @property.
    """
    def register(fast):
        form = FastForm(owner, name, owner.__dict__.get(name), fast, exact)
        FAST_FORMS.append(form)
        _apply(form)
        return fast
    return register


def use_fast_forms(on=True, exact_only=False):
    """Switch every fast form on (on=True) or put every plain definition back (on=False).

    exact_only=True switches on only the fast forms that compute bit for bit what the
    plain definitions compute (all but ByteMatrix's packed product, on CPython ≤ 3.11).
    """
    _on[0], _exact_only[0] = on, exact_only
    for form in FAST_FORMS:
        _apply(form)


def _apply(form):
    """Give form.owner the fast form or the plain definition of form.name, as the switch stands."""
    if _on[0] and (form.exact or not _exact_only[0]):
        setattr(form.owner, form.name, form.fast)
    elif form.plain is not None:
        setattr(form.owner, form.name, form.plain)
    elif form.name in form.owner.__dict__:
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
