// Command benchecho is the ceiling the benchmarks (scripts/bench.sh) measure the service
// against: a bare grpc-go server of the same CaseService.CreateIntervention, which answers
// each request with the intervention it carries, without authentication, validation,
// storage or logging. Same proto, same payload, same load tool: what is left between the
// two is the service's own work.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

type echo struct {
	ppksv1.UnimplementedCaseServiceServer
}

func (echo) CreateIntervention(_ context.Context, req *ppksv1.CreateInterventionRequest) (*ppksv1.CreateInterventionResponse, error) {
	iv := req.GetIntervention()
	iv.Name = req.GetParent() + "/interventions/" + req.GetRequestId()
	return &ppksv1.CreateInterventionResponse{Intervention: iv}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:19190", "gRPC listen address")
	flag.Parse()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchecho:", err)
		os.Exit(1)
	}
	gs := grpc.NewServer()
	ppksv1.RegisterCaseServiceServer(gs, echo{})
	reflection.Register(gs) // ghz finds the method as it does on ppksd
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		gs.GracefulStop()
	}()
	if err := gs.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, "benchecho:", err)
		os.Exit(1)
	}
}
