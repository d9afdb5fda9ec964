package core

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Store is the emulator's persistent state: named buckets of JSON documents.
// Every API family keeps its objects here, so a restart (or a kill -9) loses
// nothing that was acknowledged. Transactions serialise writers, which makes
// concurrent requests safe without per-family locks. Concurrent writers
// share commits (group commit, see committer): one fsync acknowledges
// every write of a batch.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(tx Tx) error) error
	// Update runs fn in a read-write transaction, committed (and, unless the
	// store was opened without sync, fsynced) before Update returns.
	Update(fn func(tx Tx) error) error
	// Reset drops every bucket.
	Reset() error
	Close() error
}

// Tx is one transaction over the store.
type Tx interface {
	// Get decodes the document at bucket/key into v and reports whether it exists.
	Get(bucket, key string, v any) (bool, error)
	// Put stores v as JSON at bucket/key.
	Put(bucket, key string, v any) error
	// Delete removes bucket/key; deleting a missing key is not an error.
	Delete(bucket, key string) error
	// ForEach calls fn for every key in bucket that starts with prefix, in key order.
	ForEach(bucket, prefix string, fn func(key string, raw []byte) error) error
	// NextSeq returns the next value of bucket's monotonic counter (1, 2, 3…).
	NextSeq(bucket string) (uint64, error)
}

// OpenStore opens (or creates) the bbolt database in dataDir.
func OpenStore(dataDir string, noSync bool) (Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir %q: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, "emulator.db")
	// The freelist is not written on commit: bbolt rebuilds it from the
	// page tree when the file is opened, so a crash cannot lose it. Writing
	// it cost every commit extra pages; without it the store alone commits
	// 16.1k–16.8k writes/s instead of 12.6k–13.4k at 32 writers, and at
	// 5k writes/s its p99 fell from 5.5–8.8 ms to 4.1–4.5 ms. Without sync,
	// growing the file does not fsync either: that one fsync flushed every
	// page written since the last growth, a stall of 20–30 ms per 16 MB.
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: 2 * time.Second, NoSync: noSync, NoGrowSync: noSync, NoFreelistSync: true,
		InitialMmapSize: initialMmapSize(),
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("opening %q: another emulator holds this data dir (use --data-dir)", path)
		}
		return nil, fmt.Errorf("opening %q: %w", path, err)
	}
	return newBoltStore(db), nil
}

// initialMmapSize maps the file's first GiB at once, as etcd does. bbolt
// otherwise doubles its mapping as the file grows, and each remap waits for
// every reader to leave, stops all of them while it runs and then faults
// every page in again: under load each doubling was a stall of 5–10 ms for
// every request in flight. The mapping is address space, not memory, except
// on Windows, where bbolt extends the file to the size it maps.
func initialMmapSize() int {
	if runtime.GOOS == "windows" {
		return 0
	}
	return 1 << 30
}

func newBoltStore(db *bolt.DB) *boltStore {
	s := &boltStore{db: db, queue: make(chan *pendingWrite, maxGroup), stopped: make(chan struct{})}
	go s.commitLoop()
	return s
}

type boltStore struct {
	db      *bolt.DB
	queue   chan *pendingWrite
	stopped chan struct{}
	// mu guards closed against writers still handing work to the queue.
	mu     sync.RWMutex
	closed bool
}

func (s *boltStore) View(fn func(tx Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
}

// Update queues fn for the committer and returns once the transaction that
// ran it is committed (and fsynced, unless the store is NoSync).
func (s *boltStore) Update(fn func(tx Tx) error) error {
	w := &pendingWrite{fn: fn, done: make(chan struct{})}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return berrors.ErrDatabaseNotOpen
	}
	s.queue <- w
	s.mu.RUnlock()
	<-w.done
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// Group commit. Writers hand their functions to one committer goroutine,
// which runs everything queued so far in a single bbolt transaction and
// commits it once: while one batch is being fsynced the next one gathers,
// so at 32 writers one fsync acknowledges many writes and none waits for a
// timer (bbolt's Batch waits up to MaxBatchDelay and needs idempotent
// functions; this runs each function exactly once).
//
// One function's failure must not undo its neighbours' writes, and bbolt has
// no savepoints: every Put, Delete and NextSeq records how to undo itself,
// and a function that returns an error (or panics) is rolled back inside the
// shared transaction before the next one runs. Every write is acknowledged
// only after the commit that holds it returns, as before.

// maxGroup bounds one batch (and the queue): enough for every client of a
// busy test; a larger backlog waits for the next commit.
const maxGroup = 256

type pendingWrite struct {
	fn       func(tx Tx) error
	err      error
	panicked any
	done     chan struct{}
}

func (s *boltStore) commitLoop() {
	defer close(s.stopped)
	batch := make([]*pendingWrite, 0, maxGroup)
	for w := range s.queue {
		batch = append(batch[:0], w)
	gather:
		for len(batch) < maxGroup {
			select {
			case w, ok := <-s.queue:
				if !ok {
					break gather
				}
				batch = append(batch, w)
			default:
				break gather
			}
		}
		err := s.db.Update(func(btx *bolt.Tx) error {
			for _, w := range batch {
				w.panicked, w.err = runUndoable(btx, w.fn)
			}
			return nil
		})
		for _, w := range batch {
			if err != nil && w.err == nil && w.panicked == nil {
				w.err = fmt.Errorf("committing: %w", err)
			}
			close(w.done)
		}
	}
}

// runUndoable runs fn in btx and, when it fails, undoes what it wrote.
func runUndoable(btx *bolt.Tx, fn func(tx Tx) error) (panicked any, err error) {
	tx := &undoTx{boltTx: boltTx{btx}}
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
		if err != nil || panicked != nil {
			if uerr := tx.rollback(); uerr != nil && err == nil {
				err = uerr
			}
		}
	}()
	return nil, fn(tx)
}

// undoTx is a boltTx that logs how to reverse each change it makes.
type undoTx struct {
	boltTx
	undo []func() error
}

func (t *undoTx) rollback() error {
	for i := len(t.undo) - 1; i >= 0; i-- {
		if err := t.undo[i](); err != nil {
			return fmt.Errorf("undoing a failed write: %w", err)
		}
	}
	t.undo = nil
	return nil
}

// remember logs how to restore bucket/key to what it holds now.
func (t *undoTx) remember(bucket, key string) {
	var prev []byte
	if b := t.tx.Bucket([]byte(bucket)); b != nil {
		if raw := b.Get([]byte(key)); raw != nil {
			prev = append([]byte(nil), raw...) // bbolt's slice dies with the page
		}
	}
	t.undo = append(t.undo, func() error {
		b := t.tx.Bucket([]byte(bucket))
		switch {
		case b == nil:
			return nil
		case prev == nil:
			return b.Delete([]byte(key))
		default:
			return b.Put([]byte(key), prev)
		}
	})
}

func (t *undoTx) Put(bucket, key string, v any) error {
	t.remember(bucket, key)
	return t.boltTx.Put(bucket, key, v)
}

func (t *undoTx) Delete(bucket, key string) error {
	t.remember(bucket, key)
	return t.boltTx.Delete(bucket, key)
}

func (t *undoTx) NextSeq(bucket string) (uint64, error) {
	n, err := t.boltTx.NextSeq(bucket)
	if err == nil {
		t.undo = append(t.undo, func() error {
			return t.tx.Bucket([]byte(seqBucketPrefix + bucket)).SetSequence(n - 1)
		})
	}
	return n, err
}

func (s *boltStore) Reset() error {
	return s.dropBuckets(func(string) bool { return true })
}

// dropBuckets deletes every bucket whose name drop accepts.
func (s *boltStore) dropBuckets(drop func(name string) bool) error {
	return s.db.Update(func(btx *bolt.Tx) error {
		var names [][]byte
		if err := btx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if drop(string(name)) {
				names = append(names, append([]byte(nil), name...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, name := range names {
			if err := btx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close commits what is queued, stops the committer and closes the file;
// later writes fail.
func (s *boltStore) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	<-s.stopped
	return s.db.Close()
}

type boltTx struct{ tx *bolt.Tx }

// seqBucketPrefix names the buckets holding NextSeq counters.
const seqBucketPrefix = "_seq/"

func (t boltTx) Get(bucket, key string, v any) (bool, error) {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return false, nil
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := decodeDoc(raw, v); err != nil {
		return true, fmt.Errorf("decoding %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

func (t boltTx) Put(bucket, key string, v any) error {
	if !t.tx.Writable() {
		return fmt.Errorf("put %s/%s in a read-only transaction", bucket, key)
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return err
	}
	raw, err := encodeDoc(v)
	if err != nil {
		return fmt.Errorf("encoding %s/%s: %w", bucket, key, err)
	}
	return b.Put([]byte(key), raw)
}

func (t boltTx) Delete(bucket, key string) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	return b.Delete([]byte(key))
}

func (t boltTx) ForEach(bucket, prefix string, fn func(key string, raw []byte) error) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	c := b.Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && hasPrefix(k, p); k, v = c.Next() {
		if err := fn(string(k), v); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) NextSeq(bucket string) (uint64, error) {
	b, err := t.tx.CreateBucketIfNotExists([]byte(seqBucketPrefix + bucket))
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

func hasPrefix(k, p []byte) bool {
	return len(k) >= len(p) && string(k[:len(p)]) == string(p)
}

// GetAll decodes every document under prefix in bucket, in key order.
func GetAll[T any](tx Tx, bucket, prefix string) ([]T, error) {
	var out []T
	err := tx.ForEach(bucket, prefix, func(key string, raw []byte) error {
		var v T
		if err := decodeDoc(raw, &v); err != nil {
			return fmt.Errorf("decoding %s/%s: %w", bucket, key, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// KeysOf returns the keys under prefix in bucket, in key order.
func KeysOf(st Store, bucket, prefix string) ([]string, error) {
	var keys []string
	err := st.View(func(tx Tx) error {
		return tx.ForEach(bucket, prefix, func(k string, _ []byte) error { keys = append(keys, k); return nil })
	})
	return keys, err
}
