"""Why a test is skipped, saying what to install to run it: .ci/run installs all of it, so that CI skips nothing."""

NO_PILLOW = "Pillow is not installed: pip install -r requirements.txt (matplotlib brings it)"
NO_MATPLOTLIB = "matplotlib is not installed: pip install -r requirements.txt"
NO_PYPY = "PyPy is not installed: sudo apt-get install pypy3"
NO_FASHION = "Fashion-MNIST is not installed: sudo apt-get install dataset-fashion-mnist"
