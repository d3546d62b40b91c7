"""The scripts' command lines: every usage error in one form, with a guess at what was meant.

A typo should cost a second, not a read through a usage block. Each script builds its
parser with the ArgumentParser here, and any usage error is then one line on stderr,
with exit status 2:

    train.py: error: unknown option --epocs: did you mean --epochs? (help: python train.py --help)
    train.py: error: argument --optimizer: invalid choice: 'adamm' (choose from 'adam', 'rmsprop', 'sgd'): did you mean --optimizer adam? (help: python train.py --help)

The guess is the nearest real option or choice by difflib's similarity of strings, and
only when one is near; a script's own checks (parser.error) get the same form.
"""

import argparse
import difflib
import re

USAGE_ERROR = 2  # the exit status of a command line that cannot be used, as argparse and Unix tools have it
_INVALID_CHOICE = re.compile(r"argument (?P<option>\S+?): invalid choice: '(?P<value>.*?)'")


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line: what is wrong, a guess, where help is."""

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:  # argparse would say "unrecognized arguments: --epocs 3", 3 being --epocs's value
            options = [word for word in extras if word.startswith("-")]
            if options:
                typed = options[0].split("=", 1)[0]
                self.error(f"unknown option {typed}{did_you_mean(typed, self.option_names())}")
            self.error(f"unexpected argument {extras[0]!r}")
        return namespace

    def error(self, message):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}{self.guess(message)} "
                               f"(help: python {self.prog} --help)\n")

    def option_names(self):
        """Every option this parser knows, long forms first: --epochs, --lr, ..., -h."""
        return sorted((name for action in self._actions for name in action.option_strings),
                      key=lambda name: (not name.startswith("--"), name))

    def guess(self, message):
        """": did you mean --optimizer adam?" for a message about a choice close to a real one, else ""."""
        invalid = _INVALID_CHOICE.match(message)
        if not invalid:
            return ""
        option = invalid.group("option")
        for action in self._actions:
            positional = not action.option_strings and option in (action.metavar, action.dest)  # learn.py's COMMAND
            if (option in action.option_strings or positional) and action.choices:
                return did_you_mean(invalid.group("value"), [str(choice) for choice in action.choices],
                                    prefix="" if positional else option + " ")
        return ""


def did_you_mean(word, candidates, prefix=""):
    """": did you mean CANDIDATE?" for the candidate nearest to word, if one is near; else "".

    Options are compared without their dashes, so that -epochs finds --epochs.
    """
    bare = {candidate.lstrip("-"): candidate for candidate in candidates}
    near = difflib.get_close_matches(word.lstrip("-"), list(bare), n=1)
    return f": did you mean {prefix}{bare[near[0]]}?" if near else ""
