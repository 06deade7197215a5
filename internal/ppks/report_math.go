package ppks

import (
	"math/big"
	"sort"
)

// percentOf returns part / whole x 100 exactly, nil when whole is zero.
func percentOf(part, whole int64) *big.Rat {
	if whole == 0 {
		return nil
	}
	r := big.NewRat(part, whole)
	return r.Mul(r, big.NewRat(100, 1))
}

// ratPercentOf returns part / whole x 100 for exact values, nil when either is missing or
// whole is zero.
func ratPercentOf(part, whole *big.Rat) *big.Rat {
	if part == nil || whole == nil || whole.Sign() == 0 {
		return nil
	}
	r := new(big.Rat).Quo(part, whole)
	return r.Mul(r, big.NewRat(100, 1))
}

// ShowPercent returns an exact percentage as shown: rounded half up to 2 decimals.
func ShowPercent(r *big.Rat) float64 {
	f, _ := RoundHalfUp(r, 2).Float64()
	return f
}

// sortBy sorts list by a string key, stably.
func sortBy[T any](list []T, key func(T) string) {
	sort.SliceStable(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
}

func intPtrOf(n int) *int { return &n }
