"""Entry point: python -m generator, and the installed command situs-kpu (pyproject.toml's console script)."""

import os
import sys


def launch() -> None:
    from generator.dependencies import check

    missing = check()      # first: without its packages the generator says how to set them up, in one sentence
    if missing:
        print(missing, file=sys.stderr)
        sys.exit(2)
    from generator.cli import main

    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    # Leave without tearing down the interpreter: freeing a large site's model object by object took 0.15-0.2 s
    # of a one-post rebuild at 5,000 posts. Nothing is left to close: files and worker pools are closed by then.
    # Under a profiler or a coverage tracer, exit normally so that they can write their results.
    if sys.getprofile() is None and sys.gettrace() is None:
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    launch()
