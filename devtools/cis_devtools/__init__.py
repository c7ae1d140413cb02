"""Development and test tooling, kept out of the runtime wheel: fixture sites, local node."""
