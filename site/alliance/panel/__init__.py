"""The people's panel: people register interest in helping the Alliance (reading documents, joining
meetings, answering surveys), with explicit consent and a link to withdraw at any time. Optional
equality answers are kept apart from who gave them, as in surveys. Engagement leads see and export the
panel (audited) and invite members by email through the outbox."""
