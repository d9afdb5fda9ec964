package core

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Writers that share a group commit are isolated from each other: a
// function that fails after writing leaves nothing behind (not even a
// sequence number), its neighbours' writes are committed, and every
// acknowledged write is there after the store is reopened.
func TestStore_groupCommitIsolatesFailedWrites(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenStore(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update(func(tx Tx) error { return tx.Put("b", "keep", "original") }); err != nil {
		t.Fatal(err)
	}
	const writers = 64
	boom := errors.New("refused")
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Update(func(tx Tx) error {
				if i%4 == 3 { // writes, then fails: all of it must be undone
					if _, err := tx.NextSeq("b"); err != nil {
						return err
					}
					if err := tx.Put("b", "keep", "overwritten"); err != nil {
						return err
					}
					if err := tx.Put("b", fmt.Sprintf("k%02d", i), i); err != nil {
						return err
					}
					return boom
				}
				n, err := tx.NextSeq("b")
				if err != nil {
					return err
				}
				return tx.Put("b", fmt.Sprintf("k%02d", i), n)
			})
		}()
	}
	wg.Wait()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Update(func(Tx) error { return nil }); err == nil {
		t.Error("a write after Close succeeded")
	}

	st, err = OpenStore(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seqs := map[uint64]bool{}
	err = st.View(func(tx Tx) error {
		var keep string
		if _, err := tx.Get("b", "keep", &keep); err != nil || keep != "original" {
			t.Errorf("keep = %q (%v): a failed write's overwrite survived", keep, err)
		}
		for i := range writers {
			var n uint64
			found, err := tx.Get("b", fmt.Sprintf("k%02d", i), &n)
			switch {
			case err != nil:
				return err
			case i%4 == 3 && (found || !errors.Is(errs[i], boom)):
				t.Errorf("writer %d failed with %v, yet its key exists: %v", i, errs[i], found)
			case i%4 != 3 && (!found || errs[i] != nil):
				t.Errorf("writer %d: acknowledged with %v, key found %v", i, errs[i], found)
			case i%4 != 3:
				seqs[n] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Undone sequence numbers are handed out again: the successful writers
	// hold exactly 1..48.
	for n := uint64(1); n <= writers*3/4; n++ {
		if !seqs[n] {
			t.Errorf("sequence %d missing from %v", n, seqs)
		}
	}
	if err := st.Update(func(tx Tx) error {
		n, err := tx.NextSeq("b")
		if n != writers*3/4+1 {
			t.Errorf("next sequence %d, want %d", n, writers*3/4+1)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// A panicking write reaches its own caller, undone, and the committer
// goes on serving others.
func TestStore_panickingWriteIsUndoneAndRethrown(t *testing.T) {
	st, err := OpenStore(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	func() {
		defer func() {
			if p := recover(); p != "bug" {
				t.Errorf("recovered %v, want the write's panic", p)
			}
		}()
		_ = st.Update(func(tx Tx) error {
			_ = tx.Put("b", "half", 1)
			panic("bug")
		})
	}()
	if err := st.Update(func(tx Tx) error { return tx.Put("b", "after", 2) }); err != nil {
		t.Fatal(err)
	}
	_ = st.View(func(tx Tx) error {
		var v int
		if found, _ := tx.Get("b", "half", &v); found {
			t.Error("the panicking write's Put survived")
		}
		if found, _ := tx.Get("b", "after", &v); !found || v != 2 {
			t.Error("the write after the panic is missing")
		}
		return nil
	})
}

// The store maps its file once: growing it to tens of MB never replaces
// the mapping, so no request waits for a remap (see initialMmapSize).
func TestStore_growsWithoutRemapping(t *testing.T) {
	if initialMmapSize() == 0 {
		t.Skip("bbolt maps the file's own size on this platform")
	}
	dir := t.TempDir()
	st, err := OpenStore(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.(*boltStore).db
	mapped := db.Info().Data
	value := strings.Repeat("x", 1<<20)
	for i := range 40 {
		if err := st.Update(func(tx Tx) error { return tx.Put("b", fmt.Sprintf("k%02d", i), value) }); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "emulator.db")); err != nil || fi.Size() < 40<<20 {
		t.Fatalf("the file must grow past 40 MB for this test: %v %v", fi, err)
	}
	if got := db.Info().Data; got != mapped {
		t.Errorf("the file was mapped again as it grew (%#x, then %#x)", mapped, got)
	}
}
