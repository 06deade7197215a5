// Package ppks is the domain of the PPKS case service: people in need of social-welfare
// services (PPKS), their cases, the interventions delivered to them, and the counting
// rules of the key indicator "Jumlah Penurunan PPKS".
//
// It holds no transport and no SQL: the gRPC server maps to and from these types, and
// store packages implement Store.
package ppks
