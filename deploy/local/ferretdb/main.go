// Command hromada-ferretdb runs FerretDB v1 with its SQLite backend, embedded as a library.
//
// Why a wrapper: a plain `go install` of FerretDB's own CLI builds a binary that panics for
// lack of build/version/version.txt; the embeddable `ferretdb` package has no such need.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address for the MongoDB wire protocol")
	dataDir := flag.String("data", ".stack/data/mongodb", "directory for the SQLite files")
	postgresURL := flag.String("postgresql-url", "",
		"use the PostgreSQL backend at this URL instead of SQLite (filters and sorts are pushed down to SQL)")
	flag.Parse()

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if *postgresURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
	} else {
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			log.Fatalf("create data dir: %v", err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/"
	}
	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatalf("start ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	log.Printf("ferretdb listening on %s with the %s backend", *listen, config.Handler)
	if err := f.Run(ctx); err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
}
