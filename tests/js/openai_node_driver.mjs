// Drive openai-node (the `openai` npm package pinned in package-lock.json) against mockserver
// and print ONE JSON line saying what the client observed, so Python tests can assert on it.
//
// Why a driver instead of JS tests: the assertions live next to the openai-python ones in
// pytest, and every run is a fresh Node process with a hard timeout (no state leaks, no hangs).
//
// Usage:
//   node openai_node_driver.mjs --base-url http://127.0.0.1:PORT/v1 [--fault SPEC]
//        [--max-retries N] [--timeout-ms MS] [--no-stream] [--model M] [--prompt TEXT]
// Output fields: ok, text, chunks, finishReason, error {class, name, message, status,
//   isAPIError, cause}, retryAfter, requestId, elapsedMs, node, sdk.
import OpenAI from "openai";
import { readFileSync } from "node:fs";

function parseArgs(argv) {
  const opts = { baseURL: null, fault: null, maxRetries: 0, timeoutMs: 10000, stream: true,
    model: "gpt-4.1-mini", prompt: "Say hello" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--base-url") opts.baseURL = next();
    else if (arg === "--fault") opts.fault = next();
    else if (arg === "--max-retries") opts.maxRetries = Number(next());
    else if (arg === "--timeout-ms") opts.timeoutMs = Number(next());
    else if (arg === "--model") opts.model = next();
    else if (arg === "--prompt") opts.prompt = next();
    else if (arg === "--no-stream") opts.stream = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!opts.baseURL) throw new Error("--base-url is required");
  return opts;
}

function sdkVersion() {
  const url = new URL("./node_modules/openai/package.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

function describeError(err) {
  const cause = err && err.cause;
  return {
    class: err?.constructor?.name ?? typeof err,
    name: err?.name ?? null,
    message: String(err?.message ?? err),
    status: err?.status ?? null,
    isAPIError: err instanceof OpenAI.APIError,
    isConnectionError: err instanceof OpenAI.APIConnectionError,
    cause: cause ? { class: cause.constructor?.name ?? null, message: String(cause.message ?? cause),
      code: cause.code ?? null } : null,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const client = new OpenAI({
    apiKey: "sk-test",
    baseURL: opts.baseURL,
    maxRetries: opts.maxRetries,
    timeout: opts.timeoutMs,
    defaultHeaders: opts.fault ? { "X-Mock-Fault": opts.fault } : {},
  });
  const out = { ok: false, text: "", chunks: 0, finishReason: null, error: null, status: null,
    retryAfter: null, requestId: null, elapsedMs: null, node: process.version, sdk: sdkVersion() };
  const started = performance.now();
  try {
    const request = { model: opts.model, messages: [{ role: "user", content: opts.prompt }] };
    if (opts.stream) {
      const { data: stream, response } = await client.chat.completions
        .create({ ...request, stream: true }).withResponse();
      out.status = response.status;
      out.requestId = response.headers.get("x-request-id");
      for await (const chunk of stream) {
        out.chunks += 1;
        const choice = chunk.choices?.[0];
        out.text += choice?.delta?.content ?? "";
        if (choice?.finish_reason) out.finishReason = choice.finish_reason;
      }
    } else {
      const { data, response } = await client.chat.completions.create(request).withResponse();
      out.status = response.status;
      out.requestId = response.headers.get("x-request-id");
      out.text = data.choices?.[0]?.message?.content ?? "";
      out.finishReason = data.choices?.[0]?.finish_reason ?? null;
    }
    out.ok = true;
  } catch (err) {
    out.error = describeError(err);
    out.status = err?.status ?? out.status;
    out.retryAfter = err?.headers?.get?.("retry-after") ?? null;
    out.requestId = err?.requestID ?? out.requestId;
  }
  out.elapsedMs = Math.round(performance.now() - started);
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ok: false, driverError: String(err?.stack ?? err) }) + "\n");
  process.exitCode = 2;
});
