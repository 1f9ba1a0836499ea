// Command civicspace is the civic space policy monitor: it serves the REST
// API and works with catalogs, assessments, scores and the database from the
// command line. Run "civicspace help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/internal/buildinfo"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitInvalid = 2 // invalid input, problems printed
)

// commands holds the constructors of the top-level commands; each command's
// file registers its own in an init function.
var commands []func(*app) *cobra.Command

// app carries what the commands share: output streams and the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	catalogFiles   []string
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code. Tests call it
// directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "civicspace",
		Short:         "Monitor civic space policy frameworks: catalog, assessments, OPA scoring, REST API",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Get().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringSliceVar(&a.catalogFiles, "catalog", nil, "additional or replacement catalog file (YAML or JSON); repeatable")
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "civicspace:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "civicspace:", err)
	for _, p := range civicspace.ErrorProblems(err) {
		fmt.Fprintln(stderr, "  ", p)
	}
	return exitFailure
}

// catalog returns the built-in catalog, extended by any --catalog files.
func (a *app) catalog() (*civicspace.Catalog, error) {
	cat := civicspace.DefaultCatalog()
	if len(a.catalogFiles) == 0 {
		return cat, nil
	}
	files, err := civicspace.LoadCatalogFiles(os.DirFS("/"), absPaths(a.catalogFiles)...)
	if err != nil {
		return nil, err
	}
	return cat.Extend(files...)
}
