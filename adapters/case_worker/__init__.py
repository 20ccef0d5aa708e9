"""An agency's side of the Nexus boundary: the service handlers that open its cases, and the
worker that runs them in the agency's own namespace with the agency's own credentials."""
