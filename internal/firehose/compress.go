package firehose

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"

	"github.com/golang/snappy"
)

// CompressionFormat values.
const (
	compressUncompressed = "UNCOMPRESSED"
	compressGzip         = "GZIP"
	compressZip          = "ZIP"
	compressSnappy       = "Snappy"
	compressHadoopSnappy = "HADOOP_SNAPPY"
)

// extension is the file extension AWS gives objects of a compression format.
func extension(format string) string {
	switch format {
	case compressGzip:
		return ".gz"
	case compressZip:
		return ".zip"
	case compressSnappy, compressHadoopSnappy:
		return ".snappy"
	}
	return ""
}

// hadoopBlock is how much uncompressed data one Hadoop-snappy block holds (Hadoop's
// default io.compression.codec.snappy.buffersize).
const hadoopBlock = 256 << 10

// compress encodes an object's body. name is the entry name inside a ZIP archive.
func compress(format, name string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case compressGzip:
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	case compressZip:
		zw := zip.NewWriter(&buf)
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
	case compressSnappy:
		// The snappy framing format (stream identifier, then checksummed chunks).
		w := snappy.NewBufferedWriter(&buf)
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	case compressHadoopSnappy:
		// Hadoop's BlockCompressorStream: per block, the uncompressed length, then one
		// compressed chunk preceded by its length (both 4-byte big-endian).
		for len(data) > 0 {
			n := min(len(data), hadoopBlock)
			c := snappy.Encode(nil, data[:n])
			buf.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
			buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(c))))
			buf.Write(c)
			data = data[n:]
		}
	default:
		return data, nil
	}
	return buf.Bytes(), nil
}
