package conformance

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/google/go-cmp/cmp"
)

func TestTagsAddListRemove(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "tagged", 1)

	if got := setTags(t, e, "tagged"); len(got) != 0 {
		t.Fatalf("new stream has tags %v", got)
	}
	if _, err := e.Client.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{
		StreamName: aws.String("tagged"),
		Tags:       map[string]string{"b": "2", "a": "1", "ü0 _.": "x", "/=+-@:": "", "c": "ü0 _./=+-@:"},
	}); err != nil {
		t.Fatal(err)
	}
	// Overwrite by ARN.
	if _, err := e.Client.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{
		StreamARN: aws.String(setARN("tagged")), Tags: map[string]string{"a": "one"},
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"/=+-@:=", "a=one", "b=2", "c=ü0 _./=+-@:", "ü0 _.=x"}
	if diff := cmp.Diff(want, setTags(t, e, "tagged")); diff != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}

	// Paging: Limit and ExclusiveStartTagKey.
	out, err := e.Client.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("tagged"), Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/=+-@:=", "a=one"}, setTagStrings(out.Tags)); diff != "" || !aws.ToBool(out.HasMoreTags) {
		t.Fatalf("first page HasMoreTags=%v (-want +got):\n%s", aws.ToBool(out.HasMoreTags), diff)
	}
	out, err = e.Client.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{
		StreamARN: aws.String(setARN("tagged")), ExclusiveStartTagKey: aws.String("a"), Limit: aws.Int32(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b=2", "c=ü0 _./=+-@:", "ü0 _.=x"}, setTagStrings(out.Tags)); diff != "" || aws.ToBool(out.HasMoreTags) {
		t.Fatalf("last page HasMoreTags=%v (-want +got):\n%s", aws.ToBool(out.HasMoreTags), diff)
	}

	// Remove, including a key the stream does not have.
	if _, err := e.Client.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{
		StreamName: aws.String("tagged"), TagKeys: []string{"a", "ü0 _.", "nope"},
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/=+-@:=", "b=2", "c=ü0 _./=+-@:"}, setTags(t, e, "tagged")); diff != "" {
		t.Fatalf("after remove (-want +got):\n%s", diff)
	}

	// The tags live in the stream's stored metadata: ListTagsForResource reads the same.
	res, err := e.Client.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(setARN("tagged"))})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/=+-@:=", "b=2", "c=ü0 _./=+-@:"}, setTagStrings(res.Tags)); diff != "" {
		t.Fatalf("ListTagsForResource (-want +got):\n%s", diff)
	}
}

func TestTagsLimitOf50(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "many", 1)
	tags := map[string]string{}
	for i := range 49 {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	if _, err := e.Client.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("many"), Tags: tags}); err != nil {
		t.Fatal(err)
	}
	// Overwriting an existing key does not count; the 50th key fits.
	if _, err := e.Client.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("many"), Tags: map[string]string{"k00": "w", "k49": "v"}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Client.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("many"), Tags: map[string]string{"k50": "v"}})
	wantError(t, err, "InvalidArgumentException", "Failed to add tags to stream many under account 000000000000 because a given stream cannot have more than 50 tags associated with it.")
	_, err = e.Client.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(setARN("many")), Tags: map[string]string{"k50": "v"}})
	wantError(t, err, "InvalidArgumentException", "Failed to add tags to stream many under account 000000000000 because a given stream cannot have more than 50 tags associated with it.")
	if got := setTags(t, e, "many"); len(got) != 50 {
		t.Fatalf("got %d tags, want 50", len(got))
	}
	out, err := e.Client.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("many"), Limit: aws.Int32(50)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 50 || aws.ToBool(out.HasMoreTags) {
		t.Fatalf("Limit 50: got %d tags, HasMoreTags %v", len(out.Tags), aws.ToBool(out.HasMoreTags))
	}
}

// TestTagsConcurrentAdds checks that concurrent AddTagsToStream calls never lose a tag.
func TestTagsConcurrentAdds(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "race", 1)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			_, err := e.Client.AddTagsToStream(t.Context(), &kinesis.AddTagsToStreamInput{
				StreamName: aws.String("race"), Tags: map[string]string{fmt.Sprintf("key%02d", i): fmt.Sprint(i)},
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for i := range 20 {
		want = append(want, fmt.Sprintf("key%02d=%d", i, i))
	}
	if diff := cmp.Diff(want, setTags(t, e, "race")); diff != "" {
		t.Fatalf("tags after 20 concurrent adds (-want +got):\n%s", diff)
	}
}

func TestTagsStreamErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	long := strings.Repeat("a", 129)
	fiftyOne := make([]string, 51)
	for i := range fiftyOne {
		fiftyOne[i] = fmt.Sprint(i)
	}
	add := func(in *kinesis.AddTagsToStreamInput) func() error {
		return func() error { _, err := e.Client.AddTagsToStream(ctx, in, raw); return err }
	}
	remove := func(in *kinesis.RemoveTagsFromStreamInput) func() error {
		return func() error { _, err := e.Client.RemoveTagsFromStream(ctx, in, raw); return err }
	}
	list := func(in *kinesis.ListTagsForStreamInput) func() error {
		return func() error { _, err := e.Client.ListTagsForStream(ctx, in, raw); return err }
	}
	goldenErrors(t, "tags_stream_errors", []errCase{
		{"add no members", add(&kinesis.AddTagsToStreamInput{})},
		{"add empty", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String(""), Tags: map[string]string{}})},
		{"add long name", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String(long), Tags: map[string]string{"a;b": "b"}})},
		{"add bad arn", add(&kinesis.AddTagsToStreamInput{StreamARN: aws.String("arn:nope"), Tags: map[string]string{"a": "b"}})},
		{"add long key", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"a": "1", long: "3"}})},
		{"add long value", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"c": strings.Repeat("v", 257)}})},
		{"add no stream", add(&kinesis.AddTagsToStreamInput{Tags: map[string]string{"a": "b"}})},
		{"add missing stream", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("missing"), Tags: map[string]string{"a": "b"}})},
		{"add name and arn differ", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), StreamARN: aws.String(setARN("t")), Tags: map[string]string{"a": "b"}})},
		{"add ; in key", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"abc;def": "1"}})},
		{"add tab in key", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"abc\tdef": "1"}})},
		{"add newline in value", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"a": "abc\ndef"}})},
		{"add comma in value", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"a": "abc,def"}})},
		{"add % in key", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"abc%def": "1"}})},
		{"add % in value", add(&kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"a": "abc%def"}})},
		{"remove no members", remove(&kinesis.RemoveTagsFromStreamInput{})},
		{"remove empty", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String(""), TagKeys: []string{}})},
		{"remove long key", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("s"), TagKeys: []string{"a", long, "b"}})},
		{"remove 51 keys", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("s"), TagKeys: fiftyOne})},
		{"remove missing stream", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("missing"), TagKeys: []string{"a"}})},
		{"remove ; in key", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("s"), TagKeys: []string{"abc;def"}})},
		{"remove % in key", remove(&kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("s"), TagKeys: []string{"abc%def"}})},
		{"list no stream", list(&kinesis.ListTagsForStreamInput{})},
		{"list empty", list(&kinesis.ListTagsForStreamInput{StreamName: aws.String(""), ExclusiveStartTagKey: aws.String(""), Limit: aws.Int32(0)})},
		{"list long", list(&kinesis.ListTagsForStreamInput{StreamName: aws.String(long), ExclusiveStartTagKey: aws.String(long), Limit: aws.Int32(51)})},
		{"list missing stream", list(&kinesis.ListTagsForStreamInput{StreamName: aws.String("missing")})},
	})
}
