"""`python -m haven.cli`: the same as the `haven` command."""

from haven.cli.main import main

main()
