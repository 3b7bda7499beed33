// One scenario against the gateway with the official openai SDK; prints one JSON line with what it saw.
// Usage: node client.mjs BASE_URL SCENARIO [API_KEY] [IDEMPOTENCY_KEY]
import OpenAI from 'openai';

const [baseURL, scenario, apiKey = 'none', key = undefined] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });
const headers = key ? { 'Idempotency-Key': key } : {};
const prompt = 'public int max(int a, int b) {';

function failure(e) {
  return { status: e.status ?? null, code: e.code ?? e.error?.code ?? null, param: e.param ?? e.error?.param ?? null,
    type: e.type ?? e.error?.type ?? null, message: String(e.message) };
}

async function run() {
  switch (scenario) {
    case 'complete': {
      const r = await client.completions.create({ model: process.env.MODEL ?? 'java-coder-tiny', prompt, max_tokens: 24 }, { headers });
      return { id: r.id, object: r.object, model: r.model, text: r.choices[0].text,
        finish_reason: r.choices[0].finish_reason, usage: r.usage };
    }
    case 'stream': {
      const stream = await client.completions.create(
        { model: process.env.MODEL ?? 'java-coder-tiny', prompt, max_tokens: 40, stream: true }, { headers });
      const parts = [];
      let finish = null;
      let id = null;
      for await (const chunk of stream) {
        id = chunk.id;
        parts.push(chunk.choices[0].text);
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      return { id, events: parts.length, text: parts.join(''), finish_reason: finish };
    }
    case 'abort': {
      const controller = new AbortController();
      const stream = await client.completions.create(
        { model: process.env.MODEL ?? 'java-coder-tiny', prompt, max_tokens: 200, stream: true },
        { headers, signal: controller.signal });
      let first = null;
      try {
        for await (const chunk of stream) {
          first = chunk.choices[0].text;
          controller.abort();
        }
      } catch (e) {
        if (e.name !== 'APIUserAbortError' && e.name !== 'AbortError') throw e;
      }
      return { aborted: true, first };
    }
    case 'models': {
      const page = await client.models.list();
      return { models: page.data.map((m) => m.id) };
    }
    case 'n2':
      return client.completions.create({ model: process.env.MODEL ?? 'java-coder-tiny', prompt, n: 2 }).then(() => ({ ok: true }));
    case 'unknown-model':
      return client.completions.create({ model: 'gpt-17', prompt }).then(() => ({ ok: true }));
    case 'too-long':
      return client.completions.create({ model: process.env.MODEL ?? 'java-coder-tiny', prompt, max_tokens: 100000 })
        .then(() => ({ ok: true }));
    default:
      throw new Error('unknown scenario ' + scenario);
  }
}

try {
  console.log(JSON.stringify({ ok: true, ...(await run()) }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: failure(e) }));
}
