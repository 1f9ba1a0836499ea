package main

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/civicspace/civicspace/api"
	"github.com/spf13/pflag"
)

// addOperationsFlags adds the flags of serve for running behind a reverse
// proxy and for monitoring (docs/operations.md).
func addOperationsFlags(f *pflag.FlagSet, cfg *serveConfig) {
	f.StringSliceVar(&cfg.trustedProxies, "trusted-proxies", nil, "reverse proxies (CIDRs or addresses, comma-separated) whose Forwarded and X-Forwarded-For headers name the client")
}

// operationsOptions turns the operations flags into options of the API
// server.
func operationsOptions(cfg serveConfig) ([]api.Option, error) {
	var prefixes []netip.Prefix
	for _, s := range cfg.trustedProxies {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither a CIDR (10.0.0.0/8) nor an address", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		prefixes = append(prefixes, p.Masked())
	}
	var opts []api.Option
	if len(prefixes) > 0 {
		opts = append(opts, api.WithTrustedProxies(prefixes...))
	}
	return opts, nil
}
