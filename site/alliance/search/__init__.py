"""Search indexes (Whoosh): derived data, rebuilt from the database at any time.

Each capability registers an IndexDefinition. The database holds a version per index; a write bumps
it, and every worker on every node that sees a newer version than the one it has open builds (or
opens) the matching index directory before it answers, so two nodes never disagree for long.
"""
