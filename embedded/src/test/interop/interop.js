// Interop check run by CodeGenRequestInteropIT: a Confluent-compatible client not written in this project
// (@kafkajs/confluent-schema-registry) against the embedded schema registry and against bytes written by the Java serde.
//
// usage: node interop.js <registryUrl> <schemaFile> <subject> <javaPayloadHex> <outFile>
'use strict';

const fs = require('fs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

async function main() {
  const [registryUrl, schemaFile, subject, javaHex, outFile] = process.argv.slice(2);
  if (!outFile) {
    throw new Error('usage: node interop.js <registryUrl> <schemaFile> <subject> <javaPayloadHex> <outFile>');
  }
  const registry = new SchemaRegistry({ host: registryUrl }, { retry: { retries: 0 } });
  const schema = fs.readFileSync(schemaFile, 'utf8');

  const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
  const fetchedId = await registry.getLatestSchemaId(subject);

  const request = {
    request_id: 'node-1',
    prompt: 'fn main() {',
    model: 'java-coder-3m',
    priority: 'HIGH',
    max_new_tokens: 32,
    temperature: 0.5,
    top_k: 3,
    stop: ['}', '\n\n'],
    seed: 42,
    deadline: null,
    created_at: 1700000000000,
    metadata: { editor: 'vim' },
  };
  const nodeEncoded = await registry.encode(id, request);
  const nodeRoundTrip = await registry.decode(nodeEncoded);
  const javaDecoded = await registry.decode(Buffer.from(javaHex, 'hex'));

  const result = {
    id,
    fetchedId,
    nodeHex: nodeEncoded.toString('hex'),
    nodeRoundTrip,
    javaDecoded,
  };
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(`interop failed: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
