// Package reliability is BrickOps' end-to-end reliability suite. Its one
// non-test file, lostanswers.go, is the lost-answers stack (every resource
// type), its fault rules and the audit that counts objects outside state
// and duplicates, shared with `make bench`. The tests run the built
// binaries the way users do — `brickops emulator` as a separate process,
// terraform with the local provider — and
// check what happens when things go wrong: the emulator is killed with
// SIGKILL mid-write (crash_test.go), the API throttles and fails
// (faults_test.go), writes lose their answers after being processed
// (lostanswers_test.go), and credentials must never leak into logs, request
// logs, error messages, Terraform output, plans or state (security_test.go).
//
// The bad-input suite and the request-decoding fuzz target live beside the
// emulator (internal/emulator/badinput_test.go, fuzz_test.go) because they
// need no process of their own.
package reliability
