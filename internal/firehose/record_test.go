package firehose

import (
	"bytes"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/google/go-cmp/cmp"
)

func TestBatchRoundTrip(t *testing.T) {
	at := time.UnixMilli(1795681815250).UTC()
	data := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte("z"), 70000)}
	recs, err := decodeBatch(42, encodeBatch(at, data))
	if err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	for i, r := range recs {
		if !r.Arrival.Equal(at) || r.ID != recordID(42, i) {
			t.Errorf("record %d: %+v", i, r)
		}
		got = append(got, r.Data)
	}
	if diff := cmp.Diff(data, got); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
}

// FuzzDecodeBatch: a log message never panics the decoder, and a valid one round-trips.
func FuzzDecodeBatch(f *testing.F) {
	valid := encodeBatch(time.UnixMilli(1), [][]byte{[]byte("x"), []byte("yz")})
	f.Add([]byte{})
	f.Add(valid[:len(valid)-1])
	f.Add(valid)
	f.Add(append(valid, 0xff, 0xff))
	f.Add(encodeBatch(time.UnixMilli(1), [][]byte{bytes.Repeat([]byte("m"), 1024000)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := decodeBatch(1, b)
		if err != nil || len(recs) == 0 {
			return
		}
		data := make([][]byte, len(recs))
		for i, r := range recs {
			data[i] = r.Data
		}
		again, err := decodeBatch(1, encodeBatch(recs[0].Arrival, data))
		if err != nil || len(again) != len(recs) {
			t.Fatalf("re-encoded batch: %d records, %v", len(again), err)
		}
		for i := range again {
			if !bytes.Equal(again[i].Data, data[i]) || !again[i].Arrival.Equal(recs[0].Arrival) {
				t.Fatalf("record %d changed", i)
			}
		}
	})
}

func TestCompressHadoopSnappy(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 60000) // 600,000 bytes: 3 blocks
	b, err := compress(compressHadoopSnappy, "", data)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	blocks := 0
	for len(b) > 0 {
		raw := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
		n := int(uint32(b[4])<<24 | uint32(b[5])<<16 | uint32(b[6])<<8 | uint32(b[7]))
		chunk, err := snappy.Decode(nil, b[8:8+n])
		if err != nil || len(chunk) != raw || raw > hadoopBlock {
			t.Fatalf("block %d: %d bytes (says %d), %v", blocks, len(chunk), raw, err)
		}
		out = append(out, chunk...)
		b = b[8+n:]
		blocks++
	}
	if blocks != 3 || !bytes.Equal(out, data) {
		t.Errorf("%d blocks, round trip equal %v", blocks, bytes.Equal(out, data))
	}
}
