// One Node client of the client-outcome matrix (tools/outcomes) over all its cases, in one
// process: reads a job as JSON on stdin, prints one JSON line with what the client did.
//
//   node outcomes_driver.mjs < job.json
//   job     {client: "openai"|"anthropic"|"ai-sdk", timeout, deadline, concurrency,
//            cases: [{key, url}]}
//   output  a line "OUTCOMES_JSON " + {client, versions, skipped, results: {key: {finished, text, error, elapsed_ms,
//            onError}}}
//
// Each client reads one streamed answer the way its docs show, with no retries and its own
// timeout option set to `timeout` seconds where it has one; guards for a chunk without
// `choices` or a null delta are the caller's job, so they are in. An attempt still running
// after `deadline` seconds is aborted and reported unfinished (a hang).
import { readFileSync } from "node:fs";

// the result line starts with MARK: libraries may print to stdout too
const MARK = "OUTCOMES_JSON ";
const PROMPT = "Hello";
const CHAT_MODEL = "gpt-4.1";
const CLAUDE_MODEL = "claude-sonnet-4.5";

// client -> the npm packages whose versions are recorded (the first one is the client)
const PACKAGES = {
  openai: ["openai"],
  anthropic: ["@anthropic-ai/sdk"],
  "ai-sdk": ["ai", "@ai-sdk/openai"],
};

function version(pkg) {
  const url = new URL(`./node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

function line(text, limit = 160) {
  return String(text ?? "").trim().split("\n")[0].slice(0, limit);
}

function describe(err) {
  const cause = err?.cause;
  return {
    type: err?.constructor?.name ?? typeof err,
    module: "",
    message: line(err?.message ?? err),
    cause: cause ? `${cause.constructor?.name ?? typeof cause}: ${line(cause.message ?? cause, 100)}`
      + (cause.code ? ` (${cause.code})` : "") : null,
  };
}

const DRIVERS = {
  async openai(url, job, signal) {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ apiKey: "sk-test", baseURL: url, maxRetries: 0,
      timeout: job.timeout * 1000 });
    const stream = await client.chat.completions.create(
      { model: CHAT_MODEL, messages: [{ role: "user", content: PROMPT }], stream: true },
      { signal });
    let text = "";
    for await (const chunk of stream) text += chunk.choices?.[0]?.delta?.content ?? "";
    return { text };
  },
  async anthropic(url, job, signal) {
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    const client = new Anthropic({ apiKey: "sk-test", baseURL: url.replace(/\/v1$/, ""),
      maxRetries: 0, timeout: job.timeout * 1000 });
    const stream = client.messages.stream(
      { model: CLAUDE_MODEL, max_tokens: 256, messages: [{ role: "user", content: PROMPT }] },
      { signal });
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta?.type === "text_delta") {
        text += event.delta.text;
      }
    }
    return { text };
  },
  async "ai-sdk"(url, job, signal) {
    // streamText has no read timeout of its own: only the deadline's abort bounds it
    const { streamText } = await import("ai");
    const { createOpenAI } = await import("@ai-sdk/openai");
    const provider = createOpenAI({ baseURL: url, apiKey: "sk-test" });
    const onError = [];
    const result = streamText({ model: provider.chat(CHAT_MODEL), prompt: PROMPT,
      maxRetries: 0, abortSignal: signal, onError: ({ error }) => onError.push(describe(error)) });
    let text = "";
    for await (const part of result.textStream) text += part;
    return { text, onError };
  },
};

async function runCase(client, url, job) {
  const controller = new AbortController();
  let hung = false;
  const timer = setTimeout(() => { hung = true; controller.abort(); }, job.deadline * 1000);
  const started = performance.now();
  const out = { finished: false, text: null, error: null, onError: null };
  try {
    const got = await DRIVERS[client](url, job, controller.signal);
    out.text = got.text;
    out.onError = got.onError?.length ? got.onError : null;
  } catch (err) {
    out.error = describe(err);
  }
  clearTimeout(timer);
  out.finished = !hung;
  out.elapsed_ms = Math.round(performance.now() - started);
  return out;
}

async function main() {
  const job = JSON.parse(readFileSync(0, "utf8"));
  const report = { client: job.client, versions: {}, skipped: null, results: {} };
  for (const pkg of PACKAGES[job.client]) {
    try {
      report.versions[pkg] = version(pkg);
    } catch {
      if (pkg === PACKAGES[job.client][0]) report.skipped = `${pkg} is not installed`;
    }
  }
  if (!report.skipped) {
    // warm up (imports, SDK set-up) on the first case, the baseline, with a generous deadline
    await runCase(job.client, job.cases[0].url, { ...job, deadline: 60 });
    const queue = [...job.cases];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        report.results[item.key] = await runCase(job.client, item.url, job);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency ?? 4 }, worker));
  }
  report.versions.node = process.version;
  process.stdout.write("\n" + MARK + JSON.stringify(report) + "\n", () => process.exit(0));
}

main().catch((err) => {
  process.stdout.write("\n" + MARK + JSON.stringify({ driverError: String(err?.stack ?? err) }) + "\n",
    () => process.exit(2));
});
