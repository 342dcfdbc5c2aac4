import sys

from dzdesk.cli import main

sys.exit(main())
