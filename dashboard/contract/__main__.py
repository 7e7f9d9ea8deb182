"""python -m dashboard.contract: see dashboard/contract/drift.py."""

import sys

from dashboard.contract.drift import main

sys.exit(main())
