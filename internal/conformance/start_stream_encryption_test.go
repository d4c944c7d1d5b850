package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestStreamEncryption(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "enc", types.StreamModeProvisioned)

	start := &kinesis.StartStreamEncryptionInput{StreamName: aws.String("enc"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}
	_, err := e.Client.StartStreamEncryption(ctx, start)
	wantError(t, err, "ResourceInUseException", "Stream enc under account 000000000000 not ACTIVE, instead in state CREATING")
	clock.Advance(time.Minute)

	if _, err := e.Client.StartStreamEncryption(ctx, start); err != nil {
		t.Fatal(err)
	}
	d := setSummary(t, e, "enc")
	if d.StreamStatus != types.StreamStatusUpdating || d.EncryptionType != types.EncryptionTypeKms || aws.ToString(d.KeyId) != "alias/aws/kinesis" {
		t.Fatalf("after start: status %s, encryption %s, key %q", d.StreamStatus, d.EncryptionType, aws.ToString(d.KeyId))
	}
	_, err = e.Client.StartStreamEncryption(ctx, start)
	wantError(t, err, "ResourceInUseException", "Stream enc under account 000000000000 not ACTIVE, instead in state UPDATING")
	clock.Advance(time.Minute)
	if d := setSummary(t, e, "enc"); d.StreamStatus != types.StreamStatusActive {
		t.Fatalf("status after the delay = %s, want ACTIVE", d.StreamStatus)
	}

	// A new key replaces the old one; by ARN.
	if _, err := e.Client.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{
		StreamARN: aws.String(setARN("enc")), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/other"),
	}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if d := setSummary(t, e, "enc"); aws.ToString(d.KeyId) != "alias/other" {
		t.Fatalf("key after restart = %q", aws.ToString(d.KeyId))
	}

	if _, err := e.Client.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{
		StreamName: aws.String("enc"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/other"),
	}); err != nil {
		t.Fatal(err)
	}
	d = setSummary(t, e, "enc")
	if d.StreamStatus != types.StreamStatusUpdating || d.EncryptionType != types.EncryptionTypeNone || d.KeyId != nil {
		t.Fatalf("after stop: status %s, encryption %s, key %v", d.StreamStatus, d.EncryptionType, d.KeyId)
	}
}

func TestStreamEncryptionErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	start := func(in *kinesis.StartStreamEncryptionInput) func() error {
		return func() error { _, err := e.Client.StartStreamEncryption(ctx, in, raw); return err }
	}
	stop := func(in *kinesis.StopStreamEncryptionInput) func() error {
		return func() error { _, err := e.Client.StopStreamEncryption(ctx, in, raw); return err }
	}
	goldenErrors(t, "stream_encryption_errors", []errCase{
		{"start no members", start(&kinesis.StartStreamEncryptionInput{})},
		{"start bad type and key", start(&kinesis.StartStreamEncryptionInput{StreamName: aws.String("s"), EncryptionType: "AES", KeyId: aws.String("")})},
		{"start NONE", start(&kinesis.StartStreamEncryptionInput{StreamName: aws.String("s"), EncryptionType: types.EncryptionTypeNone, KeyId: aws.String("k")})},
		{"start no stream", start(&kinesis.StartStreamEncryptionInput{EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("k")})},
		{"start missing stream", start(&kinesis.StartStreamEncryptionInput{StreamName: aws.String("missing"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("k")})},
		{"stop no members", stop(&kinesis.StopStreamEncryptionInput{})},
		{"stop NONE", stop(&kinesis.StopStreamEncryptionInput{StreamName: aws.String("s"), EncryptionType: types.EncryptionTypeNone, KeyId: aws.String("k")})},
		{"stop missing stream", stop(&kinesis.StopStreamEncryptionInput{StreamARN: aws.String(setARN("missing")), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("k")})},
	})
}
