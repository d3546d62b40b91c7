"""show: what the learner looks at. The network is computed in my_math, network and data;
this package only shows it, and nothing there imports anything from here.

Read in this order: training_text.py (what train.py prints), prediction_text.py (what
test_single.py prints: the digit in characters and the probability bars), terminal.py
(a closed pipe ends a script quietly), plots.py (the pictures, with matplotlib), and
server.py with web/ (the drawing page in the browser).
"""
