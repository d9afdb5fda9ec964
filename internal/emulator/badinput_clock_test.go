package emulator_test

import "fmt"

// clockBadInputs covers the emulator clock's operator endpoints and the
// brickops.* task parameters jobs validate.
func clockBadInputs() []badInput {
	const clock = "/_emulator/clock"
	const task = `{"task_key":"t","notebook_task":{"notebook_path":"/t","base_parameters":%s}}`
	jobWith := func(params string) string {
		return `{"name":"j","tasks":[` + fmt.Sprintf(task, params) + `]}`
	}
	return []badInput{
		{route: "GET " + clock, name: "junk query is ignored", path: clock + "?x=%ff", status: 200},
		{route: "POST " + clock, name: "malformed JSON", path: clock, body: `{"advance":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "POST " + clock, name: "missing advance", path: clock, body: `{}`, status: 400, code: badParam, message: "Missing required field: advance"},
		{route: "POST " + clock, name: "advance as a number", path: clock, body: `{"advance":3600}`, status: 400, code: badParam, message: "advance"},
		{route: "POST " + clock, name: "advance not a duration", path: clock, body: `{"advance":"tomorrow"}`, status: 400, code: badParam, message: `Invalid advance "tomorrow"`},
		{route: "POST " + clock, name: "negative advance", path: clock, body: `{"advance":"-1h"}`, status: 400, code: badParam, message: "only moves forward"},
		{route: "POST " + clock, name: "advance over a year", path: clock, body: `{"advance":"400d"}`, status: 400, code: badParam, message: "advance in steps"},
		{route: "POST /api/2.2/jobs/create", name: "bad brickops.duration", path: "/api/2.2/jobs/create", body: jobWith(`{"brickops.duration":"soon"}`), status: 400, code: badParam, message: `Task 't': task parameter brickops.duration="soon"`},
		{route: "POST /api/2.2/jobs/create", name: "unknown brickops parameter", path: "/api/2.2/jobs/create", body: jobWith(`{"brickops.retry":"3"}`), status: 400, code: badParam, message: "unknown parameter; known: brickops.duration"},
		{route: "POST /api/2.2/jobs/create", name: "periodic trigger unit", path: "/api/2.2/jobs/create", body: `{"name":"j","tasks":[` + fmt.Sprintf(task, `{}`) + `],"trigger":{"periodic":{"interval":1,"unit":"MONTHS"}}}`, status: 400, code: badParam, message: "Invalid trigger.periodic.unit 'MONTHS'"},
		{route: "POST /api/2.2/jobs/create", name: "table trigger without tables", path: "/api/2.2/jobs/create", body: `{"name":"j","tasks":[` + fmt.Sprintf(task, `{}`) + `],"trigger":{"table_update":{}}}`, status: 400, code: badParam, message: "trigger.table_update.table_names"},
		{route: "POST /api/2.2/jobs/create", name: "schedule and trigger", path: "/api/2.2/jobs/create", body: `{"name":"j","tasks":[` + fmt.Sprintf(task, `{}`) + `],"schedule":{"quartz_cron_expression":"0 0 3 * * ?","timezone_id":"UTC"},"trigger":{"periodic":{"interval":1,"unit":"DAYS"}}}`, status: 400, code: badParam, message: "Only one of schedule, continuous and trigger"},
		{route: "POST /api/2.2/jobs/create", name: "training without a model", path: "/api/2.2/jobs/create", body: jobWith(`{"brickops.train.table":"dev.ml.t"}`), status: 400, code: badParam, message: "need brickops.train"},
	}
}
