"""The agency console's API (`/v1/agency/…`) and page (`/console/`): staff sign-in, uploads with a
check before sending, files and reports, batch control, audit."""
