"""The compiled module under test, for every test: ``from tests.extension import ext``.

The one test file that names the module (a renamed kit changes this line); everything else
reads the name from ``tests.support.project`` and the API from the stub or the runtime.
"""

import py_run_rs as ext

__all__ = ["ext"]
