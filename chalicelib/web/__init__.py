"""What the lookup API (api/), the console (agency/) and the SNS endpoint (inbound/) share as HTTP:
the one error type and its contract shape, the middleware, the JSON body reader, rate limits, the
pages' security headers and the OpenAPI assembly. It imports neither api/ nor agency/."""
