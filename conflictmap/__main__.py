"""``python -m conflictmap``: the command line (:mod:`conflictmap.cli`), and how its process starts and ends."""

import logging
import os
import sys

from .memory import prepare_import_process

prepare_import_process(sys.argv[1:])  # before pyarrow is loaded (by csvparse)

from .csvparse import abandon_early, start_early  # noqa: E402

# `import FILE`: begin parsing FILE (pyarrow, in a thread) while the CLI imports pandas and the rest.
start_early(sys.argv[1:])

from . import cli  # noqa: E402

code = cli.main()
abandon_early()  # a parse begun and not taken (the command failed first) ends before the process does
if not cli.skip_teardown:
    sys.exit(code)
# After `import` of a 200,000-row export the interpreter's own teardown, a last garbage collection that frees
# every table object by object, took about 0.5 s of a 3 s command. That command has written and closed its
# files when it returns, so its process ends at once (os._exit, as Instagram's Python services skip the final
# collection), after its output and logs are flushed. Every other command ends normally.
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
