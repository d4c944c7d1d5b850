package freshet.compat;

import java.net.Socket;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

/**
 * One pass of the Kinesis scenario with one client configuration, against a running freshet.
 *
 * <p>Usage: {@code Main ENDPOINT LABEL [alpn]}. The client is a {@code KinesisAsyncClient}
 * with the SDK's defaults (Netty, HTTP/2: h2c prior knowledge for http://, TLS for https://;
 * CBOR unless {@code -Daws.cborEnabled=false}); only retries are off, so that no retry hides
 * a 5xx or a throttle. For https:// the client trusts any certificate, and {@code alpn}
 * selects ALPN negotiation instead of the SDK's default of assuming HTTP/2. Each check prints
 * a line; the last line is {@code N passed, N failed}; the exit code is 1 on any failure.
 */
public final class Main {
    private static final String ACCOUNT = "000000000000";
    private static final String REGION = "us-east-1";
    private static final Pattern SEQUENCE = Pattern.compile("^[0-9]{20,128}$");
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(20);

    private final KinesisAsyncClient kinesis;
    private final String label;
    /** Content types seen: "op: request → response" for each HTTP exchange. */
    private static final List<String> exchanges = new CopyOnWriteArrayList<>();
    private int passed;
    private int failed;

    private Main(KinesisAsyncClient kinesis, String label) {
        this.kinesis = kinesis;
        this.label = label;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Main ENDPOINT LABEL [alpn]");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0]);
        boolean alpn = args.length > 2 && args[2].equals("alpn");
        String label = args[1];
        System.out.printf("# %s: %s, CBOR %s%n", label, endpoint,
                SdkSystemSetting.CBOR_ENABLED.getBooleanValueOrThrow() ? "on" : "off");
        Main m;
        try (KinesisAsyncClient kinesis = client(endpoint, alpn)) {
            m = new Main(kinesis, label);
            m.scenario();
        }
        System.out.printf("%d passed, %d failed%n", m.passed, m.failed);
        System.exit(m.failed == 0 ? 0 : 1);
    }

    private static KinesisAsyncClient client(URI endpoint, boolean alpn) {
        KinesisAsyncClientBuilder b = KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAFRESHETCOMPAT", "dummy-secret")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new ContentTypes()));
        if (endpoint.getScheme().equals("https")) {
            // httpClientBuilder (not httpClient) keeps the service's defaults: HTTP/2 for Kinesis.
            b.httpClientBuilder(NettyNioAsyncHttpClient.builder()
                    .protocol(Protocol.HTTP2)
                    .protocolNegotiation(alpn ? ProtocolNegotiation.ALPN : ProtocolNegotiation.ASSUME_PROTOCOL)
                    .tlsTrustManagersProvider(() -> new TrustManager[] {new TrustAll()}));
        }
        return b.build();
    }

    interface Check {
        void run() throws Exception;
    }

    /** Runs one check; a failure is counted and printed, and the scenario goes on. */
    private boolean check(String name, Check c) {
        try {
            c.run();
            passed++;
            System.out.printf("ok   %s: %s%n", label, name);
            return true;
        } catch (Throwable t) {
            failed++;
            Throwable cause = unwrap(t);
            System.out.printf("FAIL %s: %s: %s%n", label, name, cause);
            if (cause.getCause() != null && cause.getCause() != cause) {
                System.out.printf("     caused by: %s%n", cause.getCause());
            }
            return false;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void expect(boolean ok, String what, Object got) {
        if (!ok) {
            throw new AssertionError(what + ", got " + got);
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static byte[] data(int i) {
        // Every byte value, so a blob that went through a text encoding would not survive.
        byte[] b = new byte[256 + i];
        for (int j = 0; j < b.length; j++) {
            b[j] = (byte) (j + i);
        }
        return b;
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    private void scenario() throws Exception {
        String name = "java-" + label.replaceAll("[^a-zA-Z0-9]", "-") + "-" + UUID.randomUUID().toString().substring(0, 8);
        String arn = "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
        Instant before = Instant.now().minusSeconds(1);

        if (!check("CreateStream", () -> get(kinesis.createStream(r -> r.streamName(name).shardCount(2))))) {
            return;
        }
        check("waiter StreamExists", () -> {
            var w = get(kinesis.waiter().waitUntilStreamExists(r -> r.streamName(name),
                    o -> o.maxAttempts(100).backoffStrategyV2(
                            BackoffStrategy.fixedDelay(Duration.ofMillis(100)))));
            var d = w.matched().response().orElseThrow(() -> new AssertionError("waiter: " + w.matched().exception()));
            expect(d.streamDescription().streamStatus() == StreamStatus.ACTIVE, "ACTIVE", d.streamDescription().streamStatus());
            expect(d.streamDescription().shards().size() == 2, "2 shards", d.streamDescription().shards());
        });
        check("DescribeStreamSummary timestamps and counts", () -> {
            StreamDescriptionSummary s = get(kinesis.describeStreamSummary(r -> r.streamName(name))).streamDescriptionSummary();
            expect(s.streamARN().equals(arn), "ARN " + arn, s.streamARN());
            expect(s.openShardCount() == 2, "2 open shards", s.openShardCount());
            expect(s.retentionPeriodHours() == 24, "24 h retention", s.retentionPeriodHours());
            Instant created = s.streamCreationTimestamp();
            expect(!created.isBefore(before) && created.isBefore(Instant.now().plusSeconds(1)),
                    "creation time between " + before + " and now", created);
        });
        List<Shard> shards = new ArrayList<>();
        check("ListShards", () -> {
            shards.addAll(get(kinesis.listShards(r -> r.streamName(name))).shards());
            expect(shards.size() == 2, "2 shards", shards);
            expect(shards.get(0).shardId().equals("shardId-000000000000"), "shardId-000000000000", shards.get(0).shardId());
            expect(shards.get(0).hashKeyRange().startingHashKey().equals("0"), "range from 0", shards.get(0).hashKeyRange());
            expect(shards.get(1).hashKeyRange().endingHashKey().equals("340282366920938463463374607431768211455"),
                    "range to 2^128-1", shards.get(1).hashKeyRange());
        });
        String shard = "shardId-000000000000";

        // r0 alone, then (after a gap) r1..r3 in one PutRecords, all on shard 0.
        List<String> seqs = new CopyOnWriteArrayList<>();
        Instant[] between = new Instant[1];
        Instant putStart = Instant.now();
        check("PutRecord", () -> {
            PutRecordResponse p = get(kinesis.putRecord(r -> r.streamName(name).partitionKey("k0")
                    .explicitHashKey("0").data(SdkBytes.fromByteArray(data(0)))));
            expect(p.shardId().equals(shard), shard, p.shardId());
            expect(SEQUENCE.matcher(p.sequenceNumber()).matches(), "a sequence number", p.sequenceNumber());
            seqs.add(p.sequenceNumber());
        });
        pause(50);
        between[0] = Instant.now();
        pause(50);
        check("PutRecords", () -> {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).explicitHashKey("0")
                        .data(SdkBytes.fromByteArray(data(i))).build());
            }
            PutRecordsResponse p = get(kinesis.putRecords(r -> r.streamName(name).records(entries)));
            expect(p.failedRecordCount() == 0, "no failed record", p);
            expect(p.records().size() == 3, "3 results", p.records());
            p.records().forEach(e -> seqs.add(e.sequenceNumber()));
        });
        Instant putEnd = Instant.now();

        check("GetRecords TRIM_HORIZON: data, keys, arrival times", () -> {
            List<Record> got = read(name, shard, ShardIteratorType.TRIM_HORIZON, null, null, 4);
            expect(got.size() == 4, "4 records", got.size());
            for (int i = 0; i < 4; i++) {
                Record r = got.get(i);
                expect(Arrays.equals(r.data().asByteArray(), data(i)), "data of record " + i, r.data());
                expect(r.partitionKey().equals("k" + i), "key k" + i, r.partitionKey());
                expect(r.sequenceNumber().equals(seqs.get(i)), "sequence " + seqs.get(i), r.sequenceNumber());
                Instant at = r.approximateArrivalTimestamp();
                expect(!at.isBefore(putStart.minusSeconds(1)) && !at.isAfter(putEnd.plusSeconds(1)),
                        "arrival between " + putStart + " and " + putEnd, at);
            }
            Instant a0 = got.get(0).approximateArrivalTimestamp();
            expect(a0.isBefore(between[0]), "record 0 before " + between[0], a0);
            Instant a1 = got.get(1).approximateArrivalTimestamp();
            expect(!a1.isBefore(between[0].minusMillis(1)), "record 1 after " + between[0], a1);
        });
        check("GetShardIterator AT_SEQUENCE_NUMBER", () -> {
            List<Record> got = read(name, shard, ShardIteratorType.AT_SEQUENCE_NUMBER, seqs.get(2), null, 2);
            expect(got.size() == 2 && got.get(0).sequenceNumber().equals(seqs.get(2)), "records 2 and 3", got);
        });
        check("GetShardIterator AT_TIMESTAMP (millisecond precision)", () -> {
            List<Record> got = read(name, shard, ShardIteratorType.AT_TIMESTAMP, null, between[0], 3);
            expect(got.size() == 3 && got.get(0).sequenceNumber().equals(seqs.get(1)),
                    "records 1..3 from " + between[0], got);
        });
        check("GetRecords MillisBehindLatest and NextShardIterator", () -> {
            String it = get(kinesis.getShardIterator(r -> r.streamName(name).shardId(shard)
                    .shardIteratorType(ShardIteratorType.LATEST))).shardIterator();
            GetRecordsResponse g = get(kinesis.getRecords(r -> r.shardIterator(it)));
            expect(g.records().isEmpty(), "no records at LATEST", g.records());
            expect(g.millisBehindLatest() != null && g.millisBehindLatest() == 0, "MillisBehindLatest 0", g.millisBehindLatest());
            expect(g.nextShardIterator() != null, "a NextShardIterator", null);
        });

        check("ResourceNotFoundException is typed", () -> {
            try {
                get(kinesis.describeStreamSummary(r -> r.streamName(name + "-missing")));
                throw new AssertionError("no error");
            } catch (ResourceNotFoundException e) {
                String want = "Stream " + name + "-missing under account " + ACCOUNT + " not found.";
                expect(e.awsErrorDetails().errorMessage().equals(want), want, e.awsErrorDetails().errorMessage());
                expect(e.statusCode() == 400, "400", e.statusCode());
                expect(e.awsErrorDetails().errorCode().equals("ResourceNotFoundException"), "error code", e.awsErrorDetails().errorCode());
            }
        });
        check("ValidationException is typed", () -> {
            try {
                get(kinesis.createStream(r -> r.streamName("bad name!").shardCount(1)));
                throw new AssertionError("no error");
            } catch (ValidationException e) {
                String want = "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
                expect(e.awsErrorDetails().errorMessage().equals(want), want, e.awsErrorDetails().errorMessage());
            }
        });

        Consumer[] consumer = new Consumer[1];
        boolean registered = check("RegisterStreamConsumer, ACTIVE", () -> {
            Consumer c = get(kinesis.registerStreamConsumer(r -> r.streamARN(arn).consumerName("efo"))).consumer();
            expect(c.consumerARN().startsWith(arn + "/consumer/efo:"), "a consumer ARN under " + arn, c.consumerARN());
            long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
            while (true) {
                var d = get(kinesis.describeStreamConsumer(r -> r.consumerARN(c.consumerARN()))).consumerDescription();
                if (d.consumerStatus() == ConsumerStatus.ACTIVE) {
                    break;
                }
                expect(System.nanoTime() < deadline, "ACTIVE within " + STATE_TIMEOUT, d.consumerStatus());
                pause(100);
            }
            consumer[0] = c;
        });
        if (registered) {
            check("SubscribeToShard TRIM_HORIZON delivers the records", () -> {
                List<Record> got = subscribe(consumer[0].consumerARN(), shard, 4);
                expect(got.size() >= 4, "4 records", got.size());
                for (int i = 0; i < 4; i++) {
                    expect(Arrays.equals(got.get(i).data().asByteArray(), data(i)), "data of record " + i, got.get(i).data());
                    expect(got.get(i).sequenceNumber().equals(seqs.get(i)), "sequence " + i, got.get(i).sequenceNumber());
                    Instant at = got.get(i).approximateArrivalTimestamp();
                    expect(!at.isBefore(putStart.minusSeconds(1)) && !at.isAfter(putEnd.plusSeconds(1)),
                            "arrival between " + putStart + " and " + putEnd, at);
                }
            });
        }

        check("every answer in the request's content type", () -> {
            String sent = SdkSystemSetting.CBOR_ENABLED.getBooleanValueOrThrow()
                    ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
            List<String> odd = new ArrayList<>();
            for (String e : exchanges) {
                String want = e.startsWith("SubscribeToShard:")
                        // The SDK sends SubscribeToShard as JSON even with CBOR on.
                        ? "SubscribeToShard: application/x-amz-json-1.1 -> application/vnd.amazon.eventstream"
                        : e.substring(0, e.indexOf(':')) + ": " + sent + " -> " + sent;
                if (!e.equals(want)) {
                    odd.add(e);
                }
            }
            expect(!exchanges.isEmpty() && odd.isEmpty(), "request and answer in " + sent, odd);
        });
        check("DeleteStream, waiter StreamNotExists", () -> {
            get(kinesis.deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true)));
            get(kinesis.waiter().waitUntilStreamNotExists(r -> r.streamName(name),
                    o -> o.maxAttempts(100).backoffStrategyV2(
                            BackoffStrategy.fixedDelay(Duration.ofMillis(100)))));
        });
    }

    /** Reads up to want records from one iterator, following NextShardIterator a few times. */
    private List<Record> read(String stream, String shard, ShardIteratorType type, String seq, Instant ts, int want)
            throws Exception {
        String it = get(kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard).shardIteratorType(type)
                .startingSequenceNumber(seq).timestamp(ts))).shardIterator();
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < 5 && out.size() < want && it != null; i++) {
            String cur = it;
            GetRecordsResponse g = get(kinesis.getRecords(r -> r.shardIterator(cur)));
            out.addAll(g.records());
            it = g.nextShardIterator();
        }
        return out;
    }

    /** Subscribes with the visitor until want records arrived; checks the initial response. */
    private List<Record> subscribe(String consumerARN, String shard, int want) throws Exception {
        List<Record> got = new CopyOnWriteArrayList<>();
        List<SubscribeToShardResponse> initial = new CopyOnWriteArrayList<>();
        List<String> continuation = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> enough = new CompletableFuture<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onResponse(initial::add)
                .onError(enough::completeExceptionally)
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder()
                        .onSubscribeToShardEvent((SubscribeToShardEvent e) -> {
                            got.addAll(e.records());
                            continuation.add(e.continuationSequenceNumber());
                            if (got.size() >= want) {
                                enough.complete(null);
                            }
                        })
                        .build())
                .build();
        CompletableFuture<Void> call = kinesis.subscribeToShard(r -> r.consumerARN(consumerARN).shardId(shard)
                .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), handler);
        call.whenComplete((v, e) -> {
            if (e != null) {
                enough.completeExceptionally(e);
            } else {
                enough.complete(null);
            }
        });
        try {
            enough.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            call.cancel(true);
        }
        expect(initial.size() == 1, "one initial response", initial);
        expect(!continuation.isEmpty() && continuation.get(continuation.size() - 1) != null,
                "a ContinuationSequenceNumber", continuation);
        return got;
    }

    /** Records each exchange's operation and content types. */
    private static final class ContentTypes implements ExecutionInterceptor {
        @Override
        public void afterTransmission(Context.AfterTransmission ctx, ExecutionAttributes attrs) {
            String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            exchanges.add(op + ": " + ctx.httpRequest().firstMatchingHeader("Content-Type").orElse("none")
                    + " -> " + ctx.httpResponse().firstMatchingHeader("Content-Type").orElse("none"));
        }
    }

    /** Trusts any certificate and skips the host name check: freshet's --tls certificate is self-signed. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
