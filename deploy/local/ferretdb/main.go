// Command ferretdb runs embedded FerretDB 1.x on SQLite: the local stand-in
// for MongoDB on machines without containers (see deploy/local/ferretdb.sh).
// The upstream cmd/ferretdb cannot be used from the module proxy because it
// panics on a missing generated version file; the embeddable package does not.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27018", "TCP address to serve the MongoDB wire protocol on")
	sqliteDir := flag.String("sqlite-dir", "data", "directory holding one SQLite file per database")
	flag.Parse()

	// Catch signals first: a supervisor's early SIGTERM must still end in a
	// clean stop (exit 0), not the default abrupt death.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// FerretDB wants an absolute, existing directory as a "file:" URL ending in "/".
	dir, err := filepath.Abs(*sqliteDir)
	if err != nil {
		log.Fatal(err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	// _txlock=immediate: a write transaction takes SQLite's write lock when it begins, waiting its
	// turn (busy_timeout), instead of upgrading a read lock midway, which fails at once with
	// SQLITE_BUSY ("database is locked") when another connection writes at the same moment.
	// synchronous(normal): in WAL mode a commit no longer waits for fsync (checkpoints still do), so
	// writers, which SQLite serialises, stop queueing behind the disk. A process crash loses nothing;
	// a power cut may lose the last commits, as MongoDB's default (journal flushed every 100 ms) may.
	query := url.Values{"_txlock": {"immediate"}, "_pragma": {"synchronous(normal)"}}
	sqliteURL := (&url.URL{Scheme: "file", Path: dir + "/", OmitHost: true, RawQuery: query.Encode()}).String()

	// FerretDB logs each connection at info level and dumps every failed
	// command (each E11000, each client's endSessions) as multi-line warnings;
	// errors only, so that the line below stays readable under a supervisor.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

	// Embedded FerretDB reports ferretdbVersion "unknown" in buildInfo and
	// serverStatus; fill it in so that clients can tell which release runs.
	v := ferretVersion()
	version.Get().Version = v

	// New binds the listener, so a busy port fails here rather than later.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		log.Fatal(err)
	}

	log.Printf("FerretDB %s listening on %s (data %s)", v, f.MongoDBURI(), dir)
	if err = f.Run(ctx); err != nil {
		log.Fatal(err)
	}
	log.Print("FerretDB stopped")
}

// ferretVersion is the FerretDB module version this binary was built with.
func ferretVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/FerretDB/FerretDB" {
				return m.Version
			}
		}
	}
	return "(unknown version)"
}
