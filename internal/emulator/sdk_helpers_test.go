package emulator_test

// waitFor completes an SDK long-running call the non-deprecated way:
// waitFor[jobs.Run](w.Jobs.RunNow(ctx, req)) is RunNow(...).Get().
func waitFor[T any, W interface{ Get() (*T, error) }](w W, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return w.Get()
}
