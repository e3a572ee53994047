"""Reception's pages: thin adapters that parse, call one service or selector, and render."""
