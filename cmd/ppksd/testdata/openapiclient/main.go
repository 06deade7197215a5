// Command openapiclient reads a year's indicator through a client that go-swagger
// generates from the service's OpenAPI document: cmd/ppksd's TestGeneratedClient
// generates the client beside this file, in a copy of this module, and runs it against
// the service. go.mod pins go-swagger (a tool) and what the generated code imports.
//
//	openapiclient HOST:PORT YEAR   (the token in PPKS_TOKEN)
package main

import (
	"context"
	"fmt"
	"os"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"

	"ppks.test/openapiclient/client"
	"ppks.test/openapiclient/client/indicator_service"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: openapiclient HOST:PORT YEAR")
		os.Exit(2)
	}
	api := client.NewHTTPClientWithConfig(strfmt.Default,
		client.DefaultTransportConfig().WithHost(os.Args[1]).WithSchemes([]string{"http"}))
	// The document's security definition: the token in the Authorization header.
	auth := httptransport.APIKeyAuth("Authorization", "header", "Bearer "+os.Getenv("PPKS_TOKEN"))
	params := indicator_service.NewIndicatorServiceGetIndicatorYearParams().WithYear(os.Args[2])
	resp, err := api.IndicatorService.IndicatorServiceGetIndicatorYearContext(context.Background(), params, auth)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapiclient:", err)
		os.Exit(1)
	}
	y := resp.Payload
	fmt.Printf("name=%s total=%d target=%d achievement=%.2f rating=%s\n", y.Name, y.Total, y.Target, y.AchievementPercent, y.Rating)
}
