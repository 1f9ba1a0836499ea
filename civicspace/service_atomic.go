package civicspace

import "context"

// atomically runs a write use case in one store transaction (see
// Transactor): the record it writes, the score stored for it and its
// audit entry commit together, and a failure after the record was written
// leaves none of them behind.
func atomically[A, B any](ctx context.Context, s *Service, fn func(ctx context.Context) (A, B, error)) (A, B, error) {
	var (
		a A
		b B
	)
	err := s.Store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		a, b, err = fn(ctx)
		return err
	})
	return a, b, err
}

// none is the second result of a use case that has one.
type none struct{}

func atomically1[A any](ctx context.Context, s *Service, fn func(ctx context.Context) (A, error)) (A, error) {
	a, _, err := atomically(ctx, s, func(ctx context.Context) (A, none, error) {
		a, err := fn(ctx)
		return a, none{}, err
	})
	return a, err
}
