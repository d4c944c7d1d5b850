package firehose

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirStoreKeysStayInTheBucket(t *testing.T) {
	root := t.TempDir()
	d := DirStore{Root: filepath.Join(root, "s3")}
	for key, want := range map[string]string{
		"a/b/c.gz":         "s3/bkt/a/b/c.gz",
		"../../escape":     "s3/bkt/%2E%2E/%2E%2E/escape",
		"x/./y":            "s3/bkt/x/%2E/y",
		"p=../2026/object": "s3/bkt/p=../2026/object",
	} {
		if err := d.PutObject(t.Context(), "bkt", key, []byte(key)); err != nil {
			t.Fatalf("PutObject(%q): %v", key, err)
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(want)))
		if err != nil || string(b) != key {
			t.Errorf("key %q: file %s holds %q, %v", key, want, b, err)
		}
		if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(want))); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o644 {
			t.Errorf("key %q: file mode %v, want -rw-r--r--", key, fi.Mode())
		}
	}
	for _, bucket := range []string{"", "..", "a/b"} {
		if err := d.PutObject(t.Context(), bucket, "k", nil); err == nil {
			t.Errorf("bucket %q accepted", bucket)
		}
	}
}
