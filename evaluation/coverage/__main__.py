"""python -m evaluation.coverage [--split dev|test] [--verbose]"""

from evaluation.coverage import main

raise SystemExit(main())
