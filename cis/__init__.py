"""CIS core: settings, shared record types, text folding, engines and the `cis` CLI."""
