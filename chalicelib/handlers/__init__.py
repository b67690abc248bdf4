"""Lambda entry points: one module per function, named as app.py names the function, each with
`handle(event, context)`. They parse the event, take the process's `Services`, register the Lambda
context, and hand each record to a flow; nothing here holds a rule. app.py imports a module only
when its function runs, so each function loads its own path and no other."""
