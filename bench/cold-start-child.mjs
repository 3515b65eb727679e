// One cold start, in a fresh Node process: import the bundle, invoke it once, report both times.
const [bundle, eventJson] = process.argv.slice(2);
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
const result = await handler(JSON.parse(eventJson), context);
const invoked = performance.now();
process.stdout.write(JSON.stringify({ importMs: imported - started, invokeMs: invoked - imported, status: result?.statusCode ?? null }));
