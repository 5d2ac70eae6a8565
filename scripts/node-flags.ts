// The Node.js flags every platform process runs with: `npm start` (package.json, kept equal by
// scripts/node-flags.test.ts), each node of `npm run cluster`, and the benchmark's platform.
// Young-generation semi-spaces of 64 MiB instead of V8's 16: ingest makes short-lived objects at a
// high rate (parsed payloads, sealed buffers, a batch of readings waiting for its commit), and
// with the default they outlive a few scavenges and are copied into the old generation before
// their commit ends. Measured at saturation: about a fifth less CPU per reading, for some 50 MB
// more resident memory under load (bench/README.md "Measured figures (ingest)").
export const PLATFORM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
