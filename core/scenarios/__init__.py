"""The scenario library, split by job: `schema` (the format, version 2), `parse` (text ->
ScenarioDoc, errors naming file and field), `validate` (what a draft lacks before publishing),
`library` (the folder of built-in scenarios and the idempotent import), `redflag_ids` (the
built-in red flag ids, without importing the evaluator). Import from the module you need."""
