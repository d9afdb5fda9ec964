package core

import (
	"fmt"
	"net/http"
	"strings"
)

// Child builds the core of hosted workspace id: the root's options, tokens
// and token issuer, its own request log, faults and route table, and its
// state in the root's store under "ws/<id>/". The caller registers the
// services' routes on it.
func (s *Server) Child(id string) (*Server, error) {
	bolt, ok := s.store.(*boltStore)
	if !ok {
		return nil, fmt.Errorf("hosting workspace %s: the store cannot be partitioned", id)
	}
	child := &Server{
		opts:        s.opts,
		rec:         s.rec,
		store:       &prefixStore{db: bolt, prefix: "ws/" + id + "/"},
		mux:         http.NewServeMux(),
		tokens:      s.tokens,
		log:         s.log.With("workspace_id", id),
		reqLog:      newRequestLog(1000),
		faults:      newFaultInjector(),
		entra:       s.entra,
		clock:       s.clock,
		workspaceID: id,
	}
	child.routes()
	return child, nil
}

// prefixStore is one hosted workspace's view of the root store: every
// bucket name is prefixed, so the families' code is unchanged.
type prefixStore struct {
	db     *boltStore
	prefix string
}

func (p *prefixStore) View(fn func(tx Tx) error) error {
	return p.db.View(func(tx Tx) error { return fn(prefixTx{tx, p.prefix}) })
}

func (p *prefixStore) Update(fn func(tx Tx) error) error {
	return p.db.Update(func(tx Tx) error { return fn(prefixTx{tx, p.prefix}) })
}

// Reset drops this workspace's buckets only.
func (p *prefixStore) Reset() error {
	return p.db.dropBuckets(func(name string) bool {
		return strings.HasPrefix(name, p.prefix) || strings.HasPrefix(name, seqBucketPrefix+p.prefix)
	})
}

// Close is a no-op: the root server owns the database.
func (p *prefixStore) Close() error { return nil }

type prefixTx struct {
	tx     Tx
	prefix string
}

func (t prefixTx) Get(bucket, key string, v any) (bool, error) {
	return t.tx.Get(t.prefix+bucket, key, v)
}
func (t prefixTx) Put(bucket, key string, v any) error   { return t.tx.Put(t.prefix+bucket, key, v) }
func (t prefixTx) Delete(bucket, key string) error       { return t.tx.Delete(t.prefix+bucket, key) }
func (t prefixTx) NextSeq(bucket string) (uint64, error) { return t.tx.NextSeq(t.prefix + bucket) }
func (t prefixTx) ForEach(bucket, prefix string, fn func(key string, raw []byte) error) error {
	return t.tx.ForEach(t.prefix+bucket, prefix, fn)
}
