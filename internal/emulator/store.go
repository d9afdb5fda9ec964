package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Store is the emulator's persistent state: named buckets of JSON documents.
// Every API family keeps its objects here, so a restart (or a kill -9) loses
// nothing that was acknowledged. Transactions serialise writers, which makes
// concurrent requests safe without per-family locks.
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
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoSync: noSync})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("opening %q: another emulator holds this data dir (use --data-dir)", path)
		}
		return nil, fmt.Errorf("opening %q: %w", path, err)
	}
	return &boltStore{db: db}, nil
}

type boltStore struct{ db *bolt.DB }

func (s *boltStore) View(fn func(tx Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
}

func (s *boltStore) Update(fn func(tx Tx) error) error {
	return s.db.Update(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
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

func (s *boltStore) Close() error { return s.db.Close() }

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
	if err := json.Unmarshal(raw, v); err != nil {
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
	raw, err := json.Marshal(v)
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

// getAll decodes every document under prefix in bucket, in key order.
func getAll[T any](tx Tx, bucket, prefix string) ([]T, error) {
	var out []T
	err := tx.ForEach(bucket, prefix, func(key string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decoding %s/%s: %w", bucket, key, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// keysOf returns the keys under prefix in bucket, in key order.
func keysOf(st Store, bucket, prefix string) ([]string, error) {
	var keys []string
	err := st.View(func(tx Tx) error {
		return tx.ForEach(bucket, prefix, func(k string, _ []byte) error { keys = append(keys, k); return nil })
	})
	return keys, err
}
