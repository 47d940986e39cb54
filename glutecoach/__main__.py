from glutecoach.cli import main

raise SystemExit(main())
