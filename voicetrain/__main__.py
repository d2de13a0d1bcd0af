from voicetrain.cli import main

raise SystemExit(main())
