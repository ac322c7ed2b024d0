import sys

from .csvparse import start_early

# `import FILE`: begin parsing FILE (pyarrow, in a thread) while the CLI imports pandas and the rest.
start_early(sys.argv[1:])

from .cli import end_process, main  # noqa: E402

end_process(main())
