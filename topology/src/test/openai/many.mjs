// Opens N streaming completions at once with the openai SDK and reads them all to the end.
// Usage: node many.mjs BASE_URL N; prints one JSON line: how many completed, with text, and the wall time.
import OpenAI from 'openai';

const [baseURL, n] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'none', maxRetries: 0, timeout: 600000 });
const started = Date.now();
const one = async (i) => {
  const stream = await client.completions.create(
    { model: process.env.MODEL ?? 'java-coder-tiny', prompt: 'int f' + i + '(', max_tokens: 8, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0].text;
  return text;
};
const results = await Promise.allSettled(Array.from({ length: Number(n) }, (_, i) => one(i)));
const ok = results.filter((r) => r.status === 'fulfilled' && r.value.length > 0).length;
const errors = results.filter((r) => r.status === 'rejected').slice(0, 3).map((r) => String(r.reason));
console.log(JSON.stringify({ ok, total: results.length, seconds: (Date.now() - started) / 1000, errors }));
