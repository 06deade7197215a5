package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// stdin is where set-password reads the password from (tests replace it). A password is
// never a flag: flags show in the process list and the shell's history.
var stdin io.Reader = os.Stdin

// readPassword reads one line from r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("set-password: give the password on standard input, e.g. read -rs P; printf '%s\\n' \"$P\" | ppksctl set-password --username U")
	}
	return line, nil
}

func setPassword(fs *flag.FlagSet) action {
	username := fs.String("username", "", "whose password (required)")
	return func(ctx context.Context, e *env) error {
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := e.svc.SetPassword(ctx, ppks.RequestKey{}, *username, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "set the password of users/%s; their web sessions have ended\n", *username)
		return nil
	}
}
