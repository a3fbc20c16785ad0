"""The staff back-office under /backoffice: sign-in with MFA, accounts, roles and the audit log."""
