package main

import (
	"fmt"

	"github.com/civicspace/civicspace/internal/buildinfo"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newVersionCmd) }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of this build",
		Long: `Version prints the version stamped at build time (scripts/release.sh and the
Dockerfile stamp it with -ldflags -X), else the one the Go toolchain
recorded, with the commit and the Go version. civicspace --version prints
the same line.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(a.stdout, buildinfo.Get())
			return err
		},
	}
}
