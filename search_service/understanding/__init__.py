"""How a typed query is read: the place it names, the themes and publics it names, the rest is text."""
