"""The e-bulletin's subscribers: sign-up with double opt-in, a choice of topics and language, a link in
every email to change preferences, and one-click unsubscribe (RFC 8058). Unconfirmed sign-ups expire."""
