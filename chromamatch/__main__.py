import sys

from chromamatch.cli import main

sys.exit(main())
