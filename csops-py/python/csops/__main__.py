"""`python -m csops`: the command line (see `csops.cli`)."""

import sys

from csops.cli import main

if __name__ == "__main__":
    sys.exit(main())
