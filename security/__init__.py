"""Who may do what: tokens and scopes for the portal API, agency credentials, signed agency
decisions, and the development credentials that production refuses."""
