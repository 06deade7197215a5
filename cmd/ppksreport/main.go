// Command ppksreport writes the LKjIP tables of a year (Bab III: Tabel 3.1 to 3.7 and the
// breakdown per kecamatan) as an XLSX workbook, a Markdown document and one CSV file per
// table. It reads them from a running server through the report RPCs only, with the
// bearer token of a PLANNER (or SUPERVISOR, ADMIN): figures, never personal data.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/lkjip"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppksreport:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ppksreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "PPKS_GRPC_ADDR", "127.0.0.1:9090"), "gRPC address of the server (env PPKS_GRPC_ADDR)")
	token := fs.String("token", "", "bearer token (default: env PPKS_TOKEN)")
	year := fs.Int("year", 0, "the year to report (required)")
	out := fs.String("out", ".", "directory to write the files to")
	view := fs.String("view", "default", "default (signed when the year is locked), signed or live")
	useTLS := fs.Bool("tls", false, "connect over TLS")
	caFile := fs.String("tls-ca", "", "PEM file of the CA that signed the server's certificate (default: the system's)")
	serverName := fs.String("tls-server-name", "", "name to verify the server's certificate against (default: from --addr)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		*token = getenv("PPKS_TOKEN")
	}
	switch {
	case *year < 2000 || *year > 2100:
		return errors.New("--year is required (2000 to 2100)")
	case *token == "":
		return errors.New("a token is required: --token or PPKS_TOKEN")
	}
	views := map[string]ppksv1.ReportView{"default": ppksv1.ReportView_REPORT_VIEW_UNSPECIFIED,
		"signed": ppksv1.ReportView_REPORT_VIEW_SIGNED, "live": ppksv1.ReportView_REPORT_VIEW_LIVE}
	v, ok := views[*view]
	if !ok {
		return fmt.Errorf("--view %q: default, signed or live", *view)
	}
	creds := insecure.NewCredentials()
	if *useTLS || *caFile != "" {
		conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: *serverName}
		if *caFile != "" {
			pem, err := os.ReadFile(*caFile)
			if err != nil {
				return fmt.Errorf("read --tls-ca: %w", err)
			}
			conf.RootCAs = x509.NewCertPool()
			if !conf.RootCAs.AppendCertsFromPEM(pem) {
				return fmt.Errorf("--tls-ca %s holds no PEM certificate", *caFile)
			}
		}
		creds = credentials.NewTLS(conf)
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(creds),
		grpc.WithPerRPCCredentials(bearer{token: *token, secure: *useTLS || *caFile != ""}))
	if err != nil {
		return fmt.Errorf("connect %s: %w", *addr, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	resp, err := ppksv1.NewReportServiceClient(conn).GetReport(ctx, &ppksv1.GetReportRequest{Name: fmt.Sprintf("reports/%d", *year), View: v})
	if err != nil {
		return fmt.Errorf("get report %d: %w", *year, err)
	}
	r, st := reportFromProto(resp.GetReport())
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	n, err := writeFiles(*out, r, st)
	if err != nil {
		return err
	}
	state := "live"
	if st.Signed {
		state = "signed, sha256 " + st.ContentHash
	}
	prefix := lkjip.BaseName(r.Year)
	fmt.Fprintf(stdout, "wrote %s.xlsx, %s.md and %d CSV files to %s (%s)\n", prefix, prefix, n, *out, state)
	return nil
}

// bearer sends the token with every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.secure }

func envOr(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}
