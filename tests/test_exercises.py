"""Tests of learn.py and its exercises: the checks pass right answers, however written, fail wrong
ones and name their mistakes, survive whatever a learner's code does, and training with
the learner's functions computes what train.py computes.

Workbooks are written into temporary folders: the right answers of tests/exercise_answers.py
(each function on its own, so that a wrong one is the only one wrong), with one function
replaced where a test says so, or the project's own definitions (exercises/reference.py).
"""

import inspect
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from exercises import by_statistics, checks, gradients, reference, runner
from exercises.chapters import BY_NAME, CHAPTERS, EXERCISES, exercises_of
from exercises.mistakes import MISTAKES
from tests.exercise_answers import ANSWERS, OTHER_WAYS
from tests.exercise_mistakes import WRONG
from tests.interrupt import start_interruptible

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEARN = os.path.join(ROOT, "learn.py")
NAMES = [exercise.name for exercise in EXERCISES]
SHORT = 1.5  # seconds: the time limit of the tests whose functions loop forever


def write_workbook(folder, replaced=()):
    """A workbook of the right answers in folder, with the functions in replaced ({name: function}) instead."""
    replaced = dict(replaced)
    os.makedirs(folder, exist_ok=True)
    for chapter in CHAPTERS:
        sources = [source_as(exercise.name, replaced.get(exercise.name, ANSWERS[exercise.name]))
                   for exercise in exercises_of(chapter)]
        with open(os.path.join(folder, chapter.file + ".py"), "w", encoding="utf-8") as file:
            file.write("import math\nimport random\n\n\n" + "\n\n".join(sources))
    return folder


def source_as(name, function):
    """The source of function, renamed name: the learner's function as the workbook holds it."""
    if isinstance(function, str):
        return function
    source = inspect.getsource(function)
    return source.replace(f"def {function.__name__}(", f"def {name}(", 1)


def reference_workbook(folder):
    """A workbook whose every function is the project's own plain definition."""
    os.makedirs(folder, exist_ok=True)
    for chapter in CHAPTERS:
        names = ", ".join(exercise.name for exercise in exercises_of(chapter))
        with open(os.path.join(folder, chapter.file + ".py"), "w", encoding="utf-8") as file:
            file.write(f"from exercises.reference import {names}\n")
    return folder


def learn(*args, cwd):
    """Run learn.py with args in the folder cwd: the CompletedProcess, output as text."""
    return subprocess.run([sys.executable, LEARN, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          encoding="utf-8")


def results(folder, names=NAMES, time_limit=runner.TIME_LIMIT):
    """{name: Result} of checking the exercises called names in the workbook in folder."""
    return {result.name: result for result in runner.check(str(folder), names, time_limit)}


def statuses(found):
    return {name: result.status for name, result in found.items()}


# ---------------------------------------------------------------------- right answers pass

def test_the_project_definitions_written_into_a_workbook_pass_every_check(tmp_path):
    reference_workbook(tmp_path / "workbook")
    result = learn("check", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [entry["name"] for entry in found] == NAMES
    assert all(entry["status"] == "passed" for entry in found), found
    assert "cases" in found[0]["message"] and "within" in found[0]["message"]


def test_right_answers_written_as_a_learner_would_pass_every_check(tmp_path):
    found = results(write_workbook(tmp_path))
    assert statuses(found) == {name: checks.PASSED for name in NAMES}, [r.message for r in found.values()]


@pytest.mark.parametrize("name, function", [(name, f) for name, ways in OTHER_WAYS.items() for f in ways],
                         ids=lambda value: getattr(value, "__name__", value))
def test_a_right_answer_written_differently_passes(tmp_path, name, function):
    found = results(write_workbook(tmp_path, {name: function}), [name])
    assert found[name].status == checks.PASSED, found[name].message


# ---------------------------------------------------------------------- wrong answers fail, and are named

@pytest.mark.parametrize("name, function, words", WRONG, ids=[f.__name__ for _, f, _ in WRONG])
def test_a_wrong_answer_fails_its_exercise_only_and_is_named(tmp_path, name, function, words):
    found = results(write_workbook(tmp_path, {name: function}))
    assert [n for n, status in statuses(found).items() if status != checks.PASSED] == [name]
    message = found[name].message
    assert found[name].status == checks.FAILED and words in message, message
    assert "Traceback" not in message


def test_every_exercise_has_at_least_two_wrong_answers_that_it_names():
    counts = {name: 0 for name in NAMES}
    for name, _, _ in WRONG:
        counts[name] += 1
    assert min(counts.values()) >= 2, counts


def test_the_mistakes_the_issue_names_are_named():
    named = " ".join(words for _, _, words in WRONG)
    for mistake in ("forgotten transpose", "missing max", "missing 1/m", "wrong axis", "sign turned round",
                    "flipped kernel", "every cell of the pooling window"):
        assert mistake in named, mistake


def test_the_teachers_page_lists_every_mistake_that_is_named():
    with open(os.path.join(ROOT, "docs", "exercises.md"), encoding="utf-8") as file:
        page = file.read().replace("\\|", "|")
    named = [m.name for mistakes in MISTAKES.values() for m in mistakes]
    named += [by_statistics.NOT_FROM_RNG.name, by_statistics.TRANSPOSED.name, by_statistics.UNIFORM.name]
    named += [mistake.name for mistake, _ in by_statistics.OTHER_SIGMAS]
    assert [name for name in named if name not in page] == []


def test_every_mistake_is_named_when_its_wrong_answer_comes_back():
    """Each known mistake's own wrong answer, returned by a learner's function, is recognised as it."""
    for name, mistakes in MISTAKES.items():
        exercise = BY_NAME[name]
        for mistake in mistakes:
            if mistake.wrong:
                result = checks.check(exercise, as_learner(exercise, mistake), ROOT)
                assert result.status == checks.FAILED and f"Known mistake, {mistake.name}:" in result.message, \
                    (name, mistake.name, result.message)


def as_learner(exercise, mistake):
    """A function that gives the mistake's wrong answer: in its part, the project's in the others."""
    def function(*args):
        if mistake.part is None:
            return mistake.wrong(*args)
        answer = list(getattr(reference, exercise.name)(*args))
        answer[exercise.parts.index(mistake.part)] = mistake.wrong(*args)
        return tuple(answer)
    return function


def test_a_failure_shows_the_inputs_expected_got_and_where_they_first_differ(tmp_path):
    from tests.exercise_mistakes import matmul_row_times_row
    message = results(write_workbook(tmp_path, {"matmul": matmul_row_times_row}), ["matmul"])["matmul"].message
    assert message.splitlines()[0] == "the worked example (in the docstring): row times row (A·Bᵀ)"
    for line in ("A = [[1, 2], [3, 4]]", "B = [[5, 6], [7, 8]]", "expected [[19, 22], [43, 50]]",
                 "got      [[17, 23], [39, 53]]", "first difference: [0][0]: expected 19, got 17",
                 "Known mistake, row times row (A·Bᵀ):"):
        assert line in message, message


def test_a_backward_function_meets_finite_differences():
    def db_turned_round(A_prev, W, dZ):
        dW, db, dA_prev = reference.dense_backward(A_prev, W, dZ)
        return dW, [[-x for x in db[0]]], dA_prev
    message = checks.by_finite_differences(BY_NAME["dense_backward"], db_turned_round)
    assert message.startswith("the finite-difference check: db[0][0]: yours "), message
    assert "by finite differences" in message and "h = 1e-05" in message
    for name in gradients.CHECKED:
        assert checks.by_finite_differences(BY_NAME[name], getattr(reference, name)) is None, name


def test_the_reference_convolution_gives_the_example_of_the_math_chapter():
    image = [[[1, 2, 0], [0, 1, 3], [4, 0, 1]]]  # docs/math.md, section 17
    assert reference.conv2d(image, [[[[1, 0], [0, 1]]]], [0.5]) == [[[2.5, 5.5], [0.5, 2.5]]]


# ---------------------------------------------------------------------- what a learner's code may do

def test_a_fresh_workbook_is_not_written_yet_everywhere(tmp_path):
    started = learn("start", cwd=tmp_path)
    assert started.returncode == 0 and "Wrote 6 files" in started.stdout, started.stdout + started.stderr
    result = learn("check", cwd=tmp_path)
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert result.stdout.count("not written yet") == len(NAMES) + 1  # each exercise, and the summary line
    assert f"0 of {len(NAMES)} passed, {len(NAMES)} not written yet." in result.stdout
    assert "Next: write matmul in workbook/matrices.py, then: python learn.py check matmul" in result.stdout
    found = [json.loads(line) for line in learn("check", "--json", cwd=tmp_path).stdout.splitlines()]
    assert {entry["status"] for entry in found} == {"not written"} and len(found) == len(NAMES)


def test_start_leaves_an_edited_workbook_untouched(tmp_path):
    assert learn("start", "--dir", "mine", cwd=tmp_path).returncode == 0
    edited = tmp_path / "mine" / "activations.py"
    edited.write_text("def relu(Z):\n    return 'mine'\n", encoding="utf-8")
    (tmp_path / "mine" / "loss.py").unlink()
    again = learn("start", "--dir", "mine", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert edited.read_text(encoding="utf-8") == "def relu(Z):\n    return 'mine'\n"
    assert "Wrote 1 file of exercises" in again.stdout and "mine/loss.py" in again.stdout
    assert "Left alone" in again.stdout and "mine/activations.py" in again.stdout
    assert not [name for name in os.listdir(tmp_path / "mine") if name.endswith(".tmp")]


def test_loops_raises_and_none_are_reported_and_the_checker_goes_on(tmp_path):
    forever = "def relu(Z):\n    while True:\n        pass\n"
    raising = "def softmax(Z):\n    return [[1 / 0]]\n"
    nothing = "def matmul(A, B):\n    Z = [[0]]\n"
    began = time.perf_counter()
    found = results(write_workbook(tmp_path, {"relu": forever, "softmax": raising, "matmul": nothing}),
                    time_limit=SHORT)
    assert time.perf_counter() - began < 30
    assert "relu ran for more than 1.5 seconds, and was stopped: does a loop never end?" in found["relu"].message
    assert "raised ZeroDivisionError: division by zero (" in found["softmax"].message
    assert re.search(r"activations\.py, line \d+\)", found["softmax"].message)
    assert "None, where a 2 × 2 matrix was expected" in found["matmul"].message
    failed = [name for name, status in statuses(found).items() if status != checks.PASSED]
    assert failed == ["matmul", "relu", "softmax"]  # and every exercise after them passes


def test_a_loop_at_the_top_of_a_file_stops_its_exercises_only(tmp_path):
    write_workbook(tmp_path)
    with open(tmp_path / "loss.py", "a", encoding="utf-8") as file:
        file.write("\nwhile True:\n    pass\n")
    found = results(tmp_path, time_limit=SHORT)
    assert [n for n, status in statuses(found).items() if status != checks.PASSED] == ["cross_entropy",
                                                                                        "output_gradient"]
    assert "loss.py took more than 1.5 seconds" in found["output_gradient"].message


def test_a_syntax_error_is_reported_with_its_file_and_line(tmp_path):
    write_workbook(tmp_path / "workbook", {"softmax": "def softmax(Z)\n    return Z\n"})
    result = learn("check", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("✗ softmax"))
    assert re.fullmatch(r"✗ softmax: workbook/activations\.py, line \d+, is not valid Python: .+", line), line
    assert "    def softmax(Z)" in result.stdout
    assert "✗ relu:" in result.stdout and "✓ cross_entropy" in result.stdout


def test_exits_changed_arguments_and_prints_are_reported(tmp_path):
    leaving = "import sys\n\ndef transpose(A):\n    sys.exit(3)\n"
    changing = "def relu(Z):\n    for row in Z:\n        for j in range(len(row)):\n" \
               "            row[j] = max(row[j], 0)\n    return Z\n"
    chatty = "def add_bias(Z, b):\n    print('hello from add_bias')\n" \
             "    return [[z + c for z, c in zip(row, b[0])] for row in Z]\n"
    write_workbook(tmp_path / "workbook", {"transpose": leaving, "relu": changing, "add_bias": chatty})
    result = learn("check", "--json", "matmul", "transpose", "add_bias", "relu", cwd=tmp_path)
    found = {entry["name"]: entry for entry in map(json.loads, result.stdout.splitlines())}  # only JSON on stdout
    assert result.returncode == 1 and "hello from add_bias" in result.stderr
    assert found["matmul"]["status"] == found["add_bias"]["status"] == "passed"
    assert "raised SystemExit (sys.exit(3) was called)" in found["transpose"]["message"]
    assert "changed its argument Z" in found["relu"]["message"]


def test_usage_errors_exit_2_with_one_line(tmp_path):
    for args, words in ((["check", "softmx"], "there is no exercise called 'softmx' (did you mean softmax?)"),
                        (["check"], "there is no workbook in workbook: python learn.py start writes one"),
                        (["train", "--dir", "elsewhere"], "there is no workbook in elsewhere: python learn.py "
                                                          "start --dir elsewhere writes one"),
                        (["train", "--limit", "0"], "--limit: "),
                        (["frobnicate"], "invalid choice")):
        result = learn(*args, cwd=tmp_path)
        assert result.returncode == 2 and words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_learn_alone_lists_the_exercises_and_says_what_to_do_next(tmp_path):
    result = learn(cwd=tmp_path)
    assert result.returncode == 0 and "No workbook yet. Start with: python learn.py start" in result.stdout
    assert all(name in result.stdout for name in NAMES)
    write_workbook(tmp_path / "workbook", {"softmax": "def softmax(Z):\n    return relu(Z)\n"})
    result = learn(cwd=tmp_path)
    assert "✓ matmul" in result.stdout and "✗ softmax" in result.stdout
    assert "Next: fix softmax in workbook/activations.py, then: python learn.py check softmax" in result.stdout


def test_ctrl_c_ends_the_check_and_its_worker(tmp_path):
    folder = write_workbook(tmp_path / "workbook", {"softmax": "def softmax(Z):\n    while True:\n        pass\n"})
    process = start_interruptible([sys.executable, LEARN, "check"], cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, encoding="utf-8")
    for line in process.stdout:
        if "relu_derivative" in line:  # softmax is running now, in the worker
            break
    time.sleep(0.5)
    assert workers_of(folder), "the worker should be running softmax"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err.strip() == "Interrupted."
    time.sleep(0.2)
    assert not workers_of(folder)


def workers_of(folder):
    """The ids of the processes running exercises.worker on the workbook in folder (Linux's /proc)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                words = file.read().split(b"\0")
        except OSError:
            continue
        if b"exercises.worker" in words and str(folder).encode() in words:
            found.append(pid)
    return found


# ---------------------------------------------------------------------- training

QUICK = ["--limit", "64", "--test-limit", "60", "--epochs", "1", "--batch-size", "32", "--lr", "0.1", "--seed", "3"]


def test_train_with_the_project_definitions_reaches_the_accuracy_of_train_py(tmp_path):
    reference_workbook(tmp_path / "workbook")
    learned = learn("train", *QUICK, cwd=tmp_path)
    assert learned.returncode == 0, learned.stderr
    trained = subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), "--textbook", *QUICK, "--no-plots",
                              "--out", str(tmp_path / "m.json"), "--runs-dir", str(tmp_path / "runs")],
                             capture_output=True, text=True, timeout=600)
    assert trained.returncode == 0, trained.stderr
    epoch = re.compile(r"^epoch 1/1 .*", re.M)
    assert epoch.search(learned.stdout).group(0).rsplit("|", 1)[0] == epoch.search(trained.stdout).group(0).rsplit(
        "|", 1)[0]  # the same losses and accuracies, to the last digit shown
    accuracy = re.search(r"test loss [\d.]+ accuracy ([\d.]+)%", trained.stdout).group(1)
    assert f"Your code trained this network to {float(accuracy):.1f}%." in learned.stdout


def test_train_uses_the_learners_functions_where_they_pass_and_says_whose_each_is(tmp_path):
    from tests.exercise_mistakes import softmax_without_max
    write_workbook(tmp_path / "workbook", {"softmax": softmax_without_max,
                                           "relu_backward": "def relu_backward(dA, Z):\n    raise NotImplementedError\n"})
    result = learn("train", *QUICK, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"softmax +the project's \(yours: it fails its check\)", result.stdout)
    assert re.search(r"relu_backward +the project's \(yours: not written yet\)", result.stdout)
    assert re.search(r"dense_backward +yours", result.stdout)
    assert re.search(r"Your code \(7 of 9 functions\) and the project's trained this network to \d+\.\d%\.",
                     result.stdout)


def test_an_error_in_a_learners_function_while_training_is_one_line_naming_it(tmp_path):
    only_small = "def relu(Z):\n    if len(Z) > 10:\n        raise ValueError('too many rows')\n" \
                 "    return [[max(z, 0) for z in row] for row in Z]\n"
    write_workbook(tmp_path / "workbook", {"relu": only_small})
    result = learn("train", *QUICK, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert re.fullmatch(r"learn\.py: your relu raised ValueError: too many rows \(workbook/activations\.py, "
                        r"line \d+\) while training\n", result.stderr), result.stderr
