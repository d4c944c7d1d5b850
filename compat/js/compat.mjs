// One pass of the Kinesis scenario with @aws-sdk/client-kinesis against a running freshet.
//
// Usage: node compat.mjs ENDPOINT LABEL. The client keeps the SDK's defaults (for Kinesis:
// NodeHttp2Handler, so HTTP/2 for every operation: h2c prior knowledge for http://, ALPN h2
// for https://); only retries are off (maxAttempts 1), so that no retry hides a 5xx or a
// throttle. For https:// run.sh sets NODE_TLS_REJECT_UNAUTHORIZED=0: freshet's --tls
// certificate is self-signed. Each check prints a line; the last line is
// `N passed, N failed`; the exit code is 1 on any failure.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  ResourceNotFoundException,
  SubscribeToShardCommand,
  ValidationException,
  waitUntilStreamExists,
  waitUntilStreamNotExists,
} from "@aws-sdk/client-kinesis";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const SEQUENCE = /^[0-9]{20,128}$/;
const STATE_TIMEOUT_MS = 20_000;

const [endpoint, label] = process.argv.slice(2);
if (!endpoint || !label) {
  console.error("usage: node compat.mjs ENDPOINT LABEL");
  process.exit(2);
}

const kinesis = new KinesisClient({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: "AKIAFRESHETCOMPAT", secretAccessKey: "dummy-secret" },
  maxAttempts: 1,
});

let passed = 0;
let failed = 0;

/** Runs one check; a failure is counted and printed, and the scenario goes on. */
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${label}: ${name}`);
    return true;
  } catch (e) {
    failed++;
    const meta = e?.$metadata ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
    console.log(`FAIL ${label}: ${name}: ${e?.name}: ${e?.message}${meta}`);
    if (e?.cause) console.log(`     caused by: ${e.cause}`);
    return false;
  }
}

function expect(ok, what, got) {
  if (!ok) throw new Error(`${what}, got ${typeof got === "string" ? got : JSON.stringify(got)}`);
}

/** Every byte value, so a blob that went through a text encoding would not survive. */
function data(i) {
  const b = new Uint8Array(256 + i);
  for (let j = 0; j < b.length; j++) b[j] = (j + i) & 0xff;
  return b;
}

const sameBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function read(stream, shard, type, extra, want) {
  let it = (
    await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard, ShardIteratorType: type, ...extra }),
    )
  ).ShardIterator;
  const out = [];
  for (let i = 0; i < 5 && out.length < want && it; i++) {
    const g = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
    out.push(...g.Records);
    it = g.NextShardIterator;
  }
  return out;
}

/** Subscribes until want records arrived; returns them and the ContinuationSequenceNumbers. */
async function subscribe(consumerARN, shard, want) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const records = [];
  const continuation = [];
  try {
    const out = await kinesis.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerARN,
        ShardId: shard,
        StartingPosition: { Type: "TRIM_HORIZON" },
      }),
      { abortSignal: abort.signal },
    );
    for await (const ev of out.EventStream) {
      if (ev.SubscribeToShardEvent) {
        records.push(...ev.SubscribeToShardEvent.Records);
        continuation.push(ev.SubscribeToShardEvent.ContinuationSequenceNumber);
        if (records.length >= want) break;
      } else {
        throw new Error(`unexpected event ${JSON.stringify(Object.keys(ev))}`);
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { records, continuation };
}

async function scenario() {
  const name = `js-${label.replace(/[^a-zA-Z0-9]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const arn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
  const shard = "shardId-000000000000";
  const before = Date.now() - 1000;

  if (!(await check("CreateStream", () => kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }))))) {
    return;
  }
  await check("waiter StreamExists", async () => {
    const w = await waitUntilStreamExists({ client: kinesis, maxWaitTime: 20, minDelay: 1 }, { StreamName: name });
    expect(w.state === "SUCCESS", "SUCCESS", w.state);
  });
  await check("DescribeStreamSummary timestamps and counts", async () => {
    const s = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    expect(s.StreamStatus === "ACTIVE", "ACTIVE", s.StreamStatus);
    expect(s.StreamARN === arn, `ARN ${arn}`, s.StreamARN);
    expect(s.OpenShardCount === 2, "2 open shards", s.OpenShardCount);
    const created = s.StreamCreationTimestamp;
    expect(created instanceof Date, "a Date", created);
    expect(created.getTime() >= before && created.getTime() <= Date.now() + 1000, "creation time near now", created);
  });
  await check("ListShards", async () => {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards;
    expect(shards.length === 2, "2 shards", shards);
    expect(shards[0].ShardId === shard, shard, shards[0].ShardId);
    expect(shards[1].HashKeyRange.EndingHashKey === "340282366920938463463374607431768211455", "range to 2^128-1", shards[1]);
  });

  // r0 alone, then (after a gap) r1..r3 in one PutRecords, all on shard 0.
  const seqs = [];
  const putStart = Date.now();
  await check("PutRecord", async () => {
    const p = await kinesis.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: "k0", ExplicitHashKey: "0", Data: data(0) }),
    );
    expect(p.ShardId === shard, shard, p.ShardId);
    expect(SEQUENCE.test(p.SequenceNumber), "a sequence number", p.SequenceNumber);
    seqs.push(p.SequenceNumber);
  });
  await sleep(50);
  const between = new Date();
  await sleep(50);
  await check("PutRecords", async () => {
    const p = await kinesis.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: [1, 2, 3].map((i) => ({ PartitionKey: `k${i}`, ExplicitHashKey: "0", Data: data(i) })),
      }),
    );
    expect(p.FailedRecordCount === 0, "no failed record", p);
    expect(p.Records.length === 3, "3 results", p.Records);
    seqs.push(...p.Records.map((r) => r.SequenceNumber));
  });
  const putEnd = Date.now();

  await check("GetRecords TRIM_HORIZON: data, keys, arrival times", async () => {
    const got = await read(name, shard, "TRIM_HORIZON", {}, 4);
    expect(got.length === 4, "4 records", got.length);
    got.forEach((r, i) => {
      expect(r.Data instanceof Uint8Array && sameBytes(r.Data, data(i)), `data of record ${i}`, r.Data);
      expect(r.PartitionKey === `k${i}`, `key k${i}`, r.PartitionKey);
      expect(r.SequenceNumber === seqs[i], `sequence ${seqs[i]}`, r.SequenceNumber);
      const at = r.ApproximateArrivalTimestamp.getTime();
      expect(at >= putStart - 1000 && at <= putEnd + 1000, "arrival during the puts", r.ApproximateArrivalTimestamp);
    });
    expect(got[0].ApproximateArrivalTimestamp < between, `record 0 before ${between.toISOString()}`, got[0]);
  });
  await check("GetShardIterator AT_SEQUENCE_NUMBER", async () => {
    const got = await read(name, shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: seqs[2] }, 2);
    expect(got.length === 2 && got[0].SequenceNumber === seqs[2], "records 2 and 3", got);
  });
  await check("GetShardIterator AT_TIMESTAMP (millisecond precision)", async () => {
    const got = await read(name, shard, "AT_TIMESTAMP", { Timestamp: between }, 3);
    expect(got.length === 3 && got[0].SequenceNumber === seqs[1], `records 1..3 from ${between.toISOString()}`, got);
  });
  await check("GetRecords MillisBehindLatest and NextShardIterator", async () => {
    const it = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shard, ShardIteratorType: "LATEST" }))
    ).ShardIterator;
    const g = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
    expect(g.Records.length === 0, "no records at LATEST", g.Records);
    expect(g.MillisBehindLatest === 0, "MillisBehindLatest 0", g.MillisBehindLatest);
    expect(typeof g.NextShardIterator === "string", "a NextShardIterator", g.NextShardIterator);
  });

  await check("ResourceNotFoundException is typed", async () => {
    try {
      await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `${name}-missing` }));
    } catch (e) {
      expect(e instanceof ResourceNotFoundException, "a ResourceNotFoundException", e.name);
      const want = `Stream ${name}-missing under account ${ACCOUNT} not found.`;
      expect(e.message === want, want, e.message);
      expect(e.$metadata.httpStatusCode === 400, "400", e.$metadata.httpStatusCode);
      return;
    }
    throw new Error("no error");
  });
  await check("ValidationException is typed", async () => {
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: "bad name!", ShardCount: 1 }));
    } catch (e) {
      expect(e instanceof ValidationException, "a ValidationException", e.name);
      const want =
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: " +
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
      expect(e.message === want, want, e.message);
      return;
    }
    throw new Error("no error");
  });

  let consumerARN;
  const registered = await check("RegisterStreamConsumer, ACTIVE", async () => {
    const c = (await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "efo" }))).Consumer;
    expect(c.ConsumerARN.startsWith(`${arn}/consumer/efo:`), `a consumer ARN under ${arn}`, c.ConsumerARN);
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      const d = (await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN })))
        .ConsumerDescription;
      if (d.ConsumerStatus === "ACTIVE") break;
      expect(Date.now() < deadline, "ACTIVE in time", d.ConsumerStatus);
      await sleep(100);
    }
    consumerARN = c.ConsumerARN;
  });
  if (registered) {
    await check("SubscribeToShard TRIM_HORIZON delivers the records", async () => {
      const { records, continuation } = await subscribe(consumerARN, shard, 4);
      expect(records.length >= 4, "4 records", records.length);
      records.slice(0, 4).forEach((r, i) => {
        expect(sameBytes(r.Data, data(i)), `data of record ${i}`, r.Data);
        expect(r.SequenceNumber === seqs[i], `sequence ${i}`, r.SequenceNumber);
        expect(r.ApproximateArrivalTimestamp instanceof Date, "a Date", r.ApproximateArrivalTimestamp);
      });
      expect(continuation.length > 0 && continuation.at(-1), "a ContinuationSequenceNumber", continuation);
    });
  }

  await check("DeleteStream, waiter StreamNotExists", async () => {
    await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
    const w = await waitUntilStreamNotExists({ client: kinesis, maxWaitTime: 20, minDelay: 1 }, { StreamName: name });
    expect(w.state === "SUCCESS", "SUCCESS", w.state);
  });
}

console.log(`# ${label}: ${endpoint}`);
try {
  await scenario();
} finally {
  kinesis.destroy();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
