import sys

from myokine.cli import main

sys.exit(main())
