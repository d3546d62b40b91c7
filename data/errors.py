"""The one exception the data package raises for data it cannot use."""


class DataError(ValueError):
    """A data file or folder cannot be used.

    str() of it is one line that names the file or folder, says what is wrong and, where
    there is a fix, what to do, so a script can print it and exit with status 2 instead
    of showing a traceback.
    """
