from tools.outcomes.cli import main

raise SystemExit(main())
