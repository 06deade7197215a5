package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/daemon"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// selfSigned writes a certificate for localhost and 127.0.0.1 and its key, returning the
// file paths and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ppks test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// bootstrap creates the first administrator on a fresh database file and returns the token.
func bootstrap(t *testing.T, db string) string {
	t.Helper()
	store, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := compose.NewService(store, "", "Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := svc.BootstrapAdmin(t.Context(), "admin", "Admin Dinsos")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.BootstrapAdmin(t.Context(), "admin2", "Second"); ppks.KindOf(err) != ppks.KindFailedPrecondition {
		t.Fatalf("a second bootstrap: %v, want FailedPrecondition", err)
	}
	return secret
}

// With a certificate, gRPC and the REST gateway both serve TLS, and the gateway reaches
// the gRPC server over verified TLS.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	db := filepath.Join(t.TempDir(), "ppks.db")
	token := bootstrap(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{
			GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
			TLSCert: certFile, TLSKey: keyFile, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}, func(a daemon.Addrs) { ready <- a })
	}()
	var addrs daemon.Addrs
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("GET", "https://"+addrs.HTTP+"/v1/currentUser", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var u map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&u)
	resp.Body.Close()
	if resp.StatusCode != 200 || u["name"] != "users/admin" || u["role"] != "ROLE_ADMIN" {
		t.Fatalf("HTTPS: %d %v", resp.StatusCode, u)
	}

	conn, err := grpc.NewClient(addrs.GRPC, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got, err := ppksv1.NewAdminServiceClient(conn).GetCurrentUser(ctx, &ppksv1.GetCurrentUserRequest{},
		grpc.PerRPCCredentials(bearer(token)))
	if err != nil || got.GetUser().GetName() != "users/admin" {
		t.Fatalf("gRPC over TLS: %v %v", got, err)
	}
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return true }

// Without TLS the service refuses a non-loopback address unless told otherwise.
func TestPlainTextStaysOnLoopback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ppks.db")
	err := daemon.Run(t.Context(), daemon.Config{GRPCAddr: "0.0.0.0:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar"}, nil)
	if err == nil {
		t.Fatal("listening on 0.0.0.0 without TLS was allowed")
	}
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan daemon.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{GRPCAddr: "0.0.0.0:0", HTTPAddr: "127.0.0.1:0", DBPath: db, TimeZone: "Asia/Makassar",
			InsecureRemote: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(a daemon.Addrs) { ready <- a })
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("with --insecure-remote: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
