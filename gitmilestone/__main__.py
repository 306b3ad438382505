import sys

if sys.argv[1:2] == ["merge-file"]:  # git runs the merge driver once per file: skip click
    from gitmilestone.commands.mergedriver import main as merge_main

    raise SystemExit(merge_main(sys.argv[2:]))

from gitmilestone.launch import main

raise SystemExit(main())
