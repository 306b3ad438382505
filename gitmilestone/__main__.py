from gitmilestone.cli import main

raise SystemExit(main())
